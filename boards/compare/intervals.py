"""Confidence intervals for one area's proportion or rate, as PHE Fingertips computes them.

Both functions take NumPy arrays (or scalars) and work element-wise, so a whole table of areas
is one call. They return the interval of the *count* scale they are given; callers divide by
the denominator and multiply by the indicator's multiplier.
"""

from __future__ import annotations

import numpy as np
from scipy import special

# Fingertips (and PHEindicatormethods' phe_rate) use the exact method below 10 events.
EXACT_POISSON_BELOW = 10


def normal_quantile(confidence: float) -> float:
    """The two-sided normal critical value: 1.96 for 0.95, 3.09 for 0.998."""
    return float(special.ndtri(0.5 + confidence / 2))


def wilson_interval(successes: np.ndarray, trials: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion, as a proportion (0-1).

    Wilson, "Probable inference, the law of succession, and statistical inference", JASA 1927;
    the closed form of PHEindicatormethods' ``wilson_lower`` / ``wilson_upper``
    (used by ``phe_proportion``):
    ``(2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))``.
    It stays inside 0-1 and behaves at 0 and n events, unlike the normal approximation.
    Non-integer counts (full-time equivalents) are accepted as they are.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = normal_quantile(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
        centre = 2 * x + z**2
        denominator = 2 * (n + z**2)
        # Exactly 0 and 1 at 0 and n events; clipping only removes rounding in the last digit.
        return np.clip((centre - spread) / denominator, 0, 1), np.clip((centre + spread) / denominator, 0, 1)


def poisson_count_interval(count: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval of a Poisson count: exact below 10 events, Byar's approximation from 10 up.

    Exact limits (Garwood 1936) from the chi-square distribution: ``chi2(a/2, 2x)/2`` and
    ``chi2(1 - a/2, 2x + 2)/2`` (the lower limit of 0 events is 0). Byar's approximation
    (Breslow and Day, "Statistical methods in cancer research" vol. II, 1987, p. 69):
    ``x (1 - 1/(9x) - z/(3 sqrt x))^3`` and ``(x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3``.
    The switch at 10 events is PHEindicatormethods' ``phe_rate`` (``byars_lower``,
    ``byars_upper``), which is what Fingertips publishes.
    """
    x = np.asarray(count, dtype=float)
    z = normal_quantile(confidence)
    alpha = 1 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    small = x < EXACT_POISSON_BELOW
    few = x[small]
    # chdtri(df, q) is the chi-square quantile with upper tail q.
    lower[small] = np.where(few > 0, special.chdtri(np.maximum(2 * few, 1), 1 - alpha / 2) / 2, 0.0)
    upper[small] = special.chdtri(2 * few + 2, alpha / 2) / 2
    return lower, upper
