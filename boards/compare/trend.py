"""Direction of travel: a test for trend over each area's last 4 quarters or 3 years, and runs.

Input is the comparison grid sorted so that each (indicator, partnership) series is contiguous
and in period order, with every period the indicator has data for present (absent values are
NaN). The window ending at a row holds that row and the ones before it in the same series:
``window`` rows (4 for quarterly indicators, 3 for annual ones), of which at least
``MIN_POINTS`` must have a value. Scores are 0, 1, ... from the oldest period of the window.

Tests, all two-sided at 5%:

- Proportions: the chi-square test for linear trend in proportions (Armitage, "Tests for
  linear trends in proportions and frequencies", Biometrics 1955; Altman, "Practical statistics
  for medical research", 1991, section 10.7.4). Rates: the score test for the slope of a
  log-linear Poisson model, its counterpart for counts over a population.
- Quarterly figures of an area vary more than binomial or Poisson chance allows, as areas do
  between themselves; left alone every large area would have a "significant" trend. Armitage's
  partition splits each area's heterogeneity chi-square into the trend (1 df) and the
  departure from a straight line (points - 2 df); the departures pooled over all areas of the
  indicator and period estimate the dispersion ``phi`` (quasi-likelihood, McCullagh and
  Nelder 1989), and the trend chi-square is divided by ``max(1, phi)``: ``armitage_p``, the
  area's own change, for reference.
- The verdict ("worsening", "improving") is relative to England: the difference between the
  area's slope ``b_i`` (Armitage's, ``U / sum n (x - xbar)^2``, variance ``p(1 - p) / sum n (x -
  xbar)^2``, or ``p / ...`` for rates) and England's, the pooled slope of all areas
  ``b_E = sum w_i b_i / sum w_i`` with ``w_i = 1 / var(b_i)``. Slopes of areas differ by more
  than sampling chance (autocorrelated quarters, local change), so the difference is judged as
  a funnel is, with a between-area variance of slopes from the same winsorised Paule-Mandel
  estimator (``funnel.robust_tau2``): ``z_i = (b_i - b_E) / sqrt(var(b_i) + tau2)``, two-sided
  at 5%. A change every area shares (a national drift) is not a local trend. The size of this
  test, the share of areas called worsening or improving with no local trend, is printed by
  ``benchmarks/compare_simulation.py`` for independent noise, AR(1) noise and a national drift.
- Values without a denominator (caseload, months, counts, grades) have no sampling variance to
  test a slope against, and 3 or 4 points are too few for a distribution-free test (the
  smallest two-sided p-value of Mann-Kendall's test is 0.083 with 4 points, 0.33 with 3). Their
  least-squares slope is compared with every other area's slope instead: a robust z beyond
  1.96, in the direction the area is moving, means it is changing faster than areas generally
  do (see ``robust.py``).

"Worse for N periods running" counts consecutive periods, up to and including this one, in
which the area was flagged worse (at either level).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from boards.compare.arrays import group_sums
from boards.compare.funnel import BINOMIAL, POISSON, robust_tau2
from boards.compare.robust import robust_z

MIN_POINTS = 3
SIGNIFICANCE = 0.05
QUARTERS_IN_WINDOW = 4
YEARS_IN_WINDOW = 3


def _lagged(values: np.ndarray, series: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """(values ``lag`` rows earlier in the same series, whether such a row exists)."""
    if lag == 0:
        return values, np.ones(len(values), dtype=bool)
    shifted = np.full(len(values), np.nan)
    shifted[lag:] = values[:-lag]
    same = np.zeros(len(values), dtype=bool)
    same[lag:] = series[lag:] == series[:-lag]
    return shifted, same


def trend_statistics(
    series: np.ndarray,
    window: np.ndarray,
    family: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    value: np.ndarray,
    multiplier: np.ndarray,
    group: np.ndarray,
) -> pd.DataFrame:
    """Per row: points in its window, slope per period (display units), p-value and direction (relative
    to England for proportions and rates), and Armitage's p-value of the area's own change.

    ``family`` is 'binomial', 'poisson' or '' (no denominator: slope against other areas);
    ``group`` (0..n-1) pools the dispersion and the robust slopes (one indicator and period).
    Direction is +1 for a significant rise in the value, -1 for a fall, 0 otherwise.
    """
    rows = len(series)
    binomial = family == BINOMIAL
    counted = binomial | (family == POISSON)
    count_ok = counted & np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
    value_ok = ~counted & np.isfinite(value)
    sums = {name: np.zeros(rows) for name in ("m", "n", "r", "nx", "nxx", "rx", "rr_n", "x", "xx", "v", "xv")}
    for lag in range(int(window.max(initial=0))):
        score = window - 1 - lag
        lagged_r, same = _lagged(numerator, series, lag)
        lagged_n, _ = _lagged(denominator, series, lag)
        lagged_v, _ = _lagged(value, series, lag)
        lagged_count_ok, _ = _lagged(count_ok.astype(float), series, lag)
        lagged_value_ok, _ = _lagged(value_ok.astype(float), series, lag)
        in_window = same & (lag < window)
        use_counts = in_window & (lagged_count_ok == 1)
        use_values = in_window & (lagged_value_ok == 1)
        n = np.where(use_counts, lagged_n, 0.0)
        r = np.where(use_counts, lagged_r, 0.0)
        v = np.where(use_values, lagged_v, 0.0)
        unit = (use_counts | use_values).astype(float)
        sums["m"] += unit
        sums["n"] += n
        sums["r"] += r
        sums["nx"] += n * score
        sums["nxx"] += n * score**2
        sums["rx"] += r * score
        with np.errstate(divide="ignore", invalid="ignore"):
            sums["rr_n"] += np.where(n > 0, r**2 / n, 0.0)
        sums["x"] += np.where(use_values, score, 0.0)
        sums["xx"] += np.where(use_values, score**2, 0.0)
        sums["v"] += v
        sums["xv"] += v * score

    m = sums["m"]
    tested = m >= MIN_POINTS
    with np.errstate(divide="ignore", invalid="ignore"):
        # Proportions and rates: Armitage's trend chi-square and its departure from linearity.
        pooled = sums["r"] / sums["n"]
        spread = np.where(binomial, pooled * (1 - pooled), pooled)
        centred_xx = sums["nxx"] - sums["nx"] ** 2 / sums["n"]
        score_u = sums["rx"] - pooled * sums["nx"]
        trend_chi2 = score_u**2 / (spread * centred_xx)
        if_binomial = (sums["rr_n"] - sums["r"] ** 2 / sums["n"]) / spread
        if_poisson = sums["rr_n"] / pooled - sums["r"]
        heterogeneity = np.where(binomial, if_binomial, if_poisson)
        departure = np.maximum(heterogeneity - trend_chi2, 0.0)
        count_slope = score_u / centred_xx * multiplier
        # Values: ordinary least-squares slope.
        value_slope = (sums["xv"] - sums["x"] * sums["v"] / m) / (sums["xx"] - sums["x"] ** 2 / m)

    slope = np.where(tested, np.where(counted, count_slope, value_slope), np.nan)
    in_test = counted & tested & np.isfinite(trend_chi2)
    size = int(group.max(initial=-1)) + 1
    departures = group_sums(np.where(in_test, departure, np.nan), group, size)
    departure_df = group_sums(np.where(in_test, m - 2, np.nan), group, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        dispersion = np.maximum(np.nan_to_num(departures / departure_df, nan=1.0), 1.0)[group]
    # P(chi-square with 1 df > x) = erfc(sqrt(x / 2)), exactly, and cheaper than chdtrc(1, x).
    armitage_p = np.where(in_test, special.erfc(np.sqrt(trend_chi2 / dispersion / 2)), np.nan)
    # Relative to England: the slope's difference from the pooled slope, with the slopes' own spread.
    with np.errstate(divide="ignore", invalid="ignore"):
        slope_variance = np.where(in_test, spread / centred_xx, np.nan)
        weight = 1 / slope_variance
        proportion_slope = np.where(in_test, score_u / centred_xx, np.nan)
        england_slope = (group_sums(weight * proportion_slope, group, size) / group_sums(weight, group, size))[group]
        difference = proportion_slope - england_slope
        tau2 = robust_tau2(difference / np.sqrt(slope_variance), weight, group, size)[group]
        relative_z = difference / np.sqrt(slope_variance + tau2)
    count_p = special.erfc(np.abs(relative_z) / np.sqrt(2))
    slope_z, _ = robust_z(np.where(counted, np.nan, slope), group)
    value_p = 2 * special.ndtr(-np.abs(slope_z))
    p_value = np.where(counted, np.where(in_test & np.isfinite(count_p), count_p, np.nan), value_p)
    p_value = np.where(tested, p_value, np.nan)
    # A rate is worsening or improving against England's change; a value only if its slope is up (down)
    # and faster than areas' generally: an area rising more slowly than the rest is not "falling".
    slope_sign = np.where(counted, np.sign(np.nan_to_num(difference)), np.sign(np.nan_to_num(slope)))
    agrees = counted | (np.sign(np.nan_to_num(slope_z)) == slope_sign)
    direction = np.where((p_value < SIGNIFICANCE) & agrees, slope_sign, 0).astype(int)
    return pd.DataFrame({"trend_points": m.astype(int), "trend_slope": slope, "trend_p": p_value,
                         "trend_direction": direction, "armitage_p": np.where(tested, armitage_p, np.nan)})


def worse_streak(series: np.ndarray, worse: np.ndarray) -> np.ndarray:
    """Consecutive rows flagged worse up to and including each row, within its series."""
    index = np.arange(len(series))
    starts = np.ones(len(series), dtype=bool)
    starts[1:] = series[1:] != series[:-1]
    boundary = np.where(~worse, index, np.where(starts, index - 1, -1))
    last_boundary = np.maximum.accumulate(boundary)
    return np.where(worse, index - last_boundary, 0)
