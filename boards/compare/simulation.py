"""Monte-Carlo checks of the funnel verdicts, through the engine's own ``funnel.judge``.

Each replication is one "England" of areas with given denominators, judged as a group, so a
thousand replications are one vectorised call. ``benchmarks/compare_simulation.py`` prints the
full runs; ``tests/compare/test_simulation.py`` keeps small seeded ones.

- ``in_control``: no area stands out. With ``spread`` 0 every area is drawn from the benchmark
  (a pure binomial world); with ``spread`` = tau > 0 each area's true rate is drawn from
  ``N(target, tau^2)`` first (the in-control random-effects world the widened limits assume,
  the real LAs' spread when tau is estimated from them). Either way about 0.2% of areas should
  fall outside the 99.8% limits (0.1% each side) and 5% outside the 95% ones.
- ``planted_outliers``: ``outliers`` random areas per replication have a true rate ``shift``
  above the benchmark (worse, for a lower-is-better indicator); the rest are drawn from the
  benchmark, or, with ``spread`` > 0, from a normal distribution of true rates around it (an
  overdispersed England like the real one).
- Both take ``world``: true rates spread normally on the natural scale ('normal', kept inside
  (0, 1), so a rate near 0% or 100% piles up at the edge) or on the logit scale ('logit-normal').
- ``trend_size``: the share of areas called worsening or improving (relative to England) when
  no area has a trend of its own, over 4 periods, in three worlds: independent binomial noise
  around each area's level, AR(1) noise (``rho``) on the rate, and a drift every area shares.
- ``robust_null``: the share of areas beyond 2 and 3 robust SDs when no area stands out, in a
  normal world (areas drawn from a normal distribution) and in the indicator's own shape
  (areas drawn with replacement from its real values), through the engine's ``robust_z``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from boards.compare import funnel
from boards.compare.robust import robust_z
from boards.compare.trend import trend_statistics


@dataclass(frozen=True)
class Share:
    """A proportion of Monte-Carlo trials, with its standard error sqrt(p(1 - p) / trials)."""

    hits: int
    trials: int

    @property
    def value(self) -> float:
        return self.hits / self.trials

    @property
    def standard_error(self) -> float:
        return float(np.sqrt(self.value * (1 - self.value) / self.trials))

    def __str__(self) -> str:
        return f"{100 * self.value:.3f}% (Monte-Carlo s.e. {100 * self.standard_error:.3f}%, {self.hits} of {self.trials})"


@dataclass(frozen=True)
class Outcome:
    outside_99_8: Share  # areas outside either 99.8% limit
    outside_95: Share  # areas outside either 95% limit
    above_99_8: Share  # areas above the upper 99.8% limit (the worse side when lower is better)
    below_99_8: Share  # areas below the lower 99.8% limit (the worse side when higher is better)
    above_95: Share  # areas above the upper 95% limit
    below_95: Share  # areas below the lower 95% limit
    plain_outside_99_8: Share  # outside either plain (unadjusted) 99.8% limit
    adjusted_replications: Share  # replications in which the rule chose the overdispersion adjustment
    mean_tau: float  # the mean over replications of the estimated tau (a proportion)


@dataclass(frozen=True)
class Detection:
    detected_99_8: Share  # planted outliers above the upper 99.8% limit
    detected_95: Share  # planted outliers above the upper 95% limit
    plain_detected_99_8: Share  # planted outliers above the plain (unadjusted) upper 99.8% limit
    plain_detected_95: Share  # planted outliers above the plain upper 95% limit
    false_99_8: Share  # other areas outside either 99.8% limit
    plain_false_99_8: Share  # other areas outside either plain (unadjusted) 99.8% limit
    adjusted_replications: Share
    mean_tau: float  # the mean over replications of the estimated tau, the outliers counted in it


def _judge(
    true_rates: np.ndarray, trials: np.ndarray, target: float, rng: np.random.Generator, family: str = funnel.BINOMIAL
) -> funnel.Judgement:
    """Draw every area's figure around its true rate and judge the replications, one group each:
    binomial counts, or for ``normal`` (continuous rates) the rate plus N(0, rate (1 - rate) / n)."""
    replications, areas = true_rates.shape
    n = np.broadcast_to(trials, true_rates.shape).astype(float)
    if family == funnel.NORMAL:
        noise = rng.normal(0.0, 1.0, true_rates.shape) * np.sqrt(true_rates * (1 - true_rates) / n)
        counts = (true_rates + noise) * n
    else:
        counts = rng.binomial(n.astype(np.int64), true_rates).astype(float)
    groups = np.repeat(np.arange(replications), areas)
    return funnel.judge(
        np.full(counts.size, family, dtype=object), counts.ravel(), n.ravel(), np.full(counts.size, target), groups,
        replications,
    )


def _adjusted(judged: funnel.Judgement) -> Share:
    chosen = judged.summary["adjustment"].to_numpy() == funnel.RANDOM_EFFECTS
    return Share(int(chosen.sum()), len(chosen))


WORLDS = ("normal", "logit-normal")  # how true rates spread around the target: on the natural or the logit scale


def _true_rates(
    rng: np.random.Generator, shape: tuple[int, int], target: float, spread: float, world: str = "normal"
) -> np.ndarray:
    """Each area's true rate: ``target``, or drawn with standard deviation ``spread`` around it:
    ``N(target, spread^2)`` kept inside (0, 1) ('normal', ``spread`` a proportion) or
    ``expit(logit target + N(0, spread^2))`` ('logit-normal', ``spread`` on the logit scale)."""
    if spread <= 0:
        return np.full(shape, target)
    if world == "normal":
        return np.clip(target + rng.normal(0.0, spread, shape), 0.001, 0.999)
    return special.expit(special.logit(target) + rng.normal(0.0, spread, shape))


def shifted(target: float, shift: float, world: str = "normal") -> float:
    """A true rate ``shift`` above ``target`` on the world's scale (logit, or natural kept under 1)."""
    if world == "normal":
        return min(target + shift, 0.999)
    return float(special.expit(special.logit(target) + shift))


def in_control(
    denominators: np.ndarray, target: float, replications: int, seed: int, *, spread: float = 0.0,
    family: str = funnel.BINOMIAL, world: str = "normal",
) -> Outcome:
    """No outliers: every area drawn from ``target`` (or spread around it, ``_true_rates``), ``replications`` times."""
    rng = np.random.default_rng(seed)
    trials = funnel.whole_trials(denominators) if family == funnel.BINOMIAL else np.asarray(denominators, dtype=float)
    judged = _judge(_true_rates(rng, (replications, len(trials)), target, spread, world), trials, target, rng, family)
    direction, level = funnel.outside_level(judged.position)
    _, plain_level = funnel.outside_level(judged.plain_position)
    total = len(level)
    return Outcome(
        outside_99_8=Share(int((level == 2).sum()), total),
        outside_95=Share(int((level >= 1).sum()), total),
        above_99_8=Share(int(((level == 2) & (direction > 0)).sum()), total),
        below_99_8=Share(int(((level == 2) & (direction < 0)).sum()), total),
        above_95=Share(int(((level >= 1) & (direction > 0)).sum()), total),
        below_95=Share(int(((level >= 1) & (direction < 0)).sum()), total),
        plain_outside_99_8=Share(int((plain_level == 2).sum()), total),
        adjusted_replications=_adjusted(judged),
        mean_tau=float(np.sqrt(judged.summary["tau2"].to_numpy()).mean()),
    )


def planted_outliers(
    denominators: np.ndarray,
    target: float,
    shift: float,
    replications: int,
    seed: int,
    *,
    outliers: int = 10,
    spread: float = 0.0,
    world: str = "normal",
) -> Detection:
    """``outliers`` random areas per replication with a true rate ``shift`` above ``target`` (``shifted``)."""
    rng = np.random.default_rng(seed)
    trials = funnel.whole_trials(denominators)
    true_rates = _true_rates(rng, (replications, len(trials)), target, spread, world)
    planted = np.argsort(rng.random(true_rates.shape), axis=1)[:, :outliers]
    is_planted = np.zeros(true_rates.shape, dtype=bool)
    np.put_along_axis(is_planted, planted, True, axis=1)
    true_rates = np.where(is_planted, shifted(target, shift, world), true_rates)
    judged = _judge(true_rates, trials, target, rng)
    direction, level = funnel.outside_level(judged.position)
    plain_direction, plain_level = funnel.outside_level(judged.plain_position)
    planted_rows = is_planted.ravel()
    above, plain_above = direction > 0, plain_direction > 0
    others, planted_count = int((~planted_rows).sum()), int(planted_rows.sum())
    return Detection(
        detected_99_8=Share(int((above & (level == 2) & planted_rows).sum()), planted_count),
        detected_95=Share(int((above & (level >= 1) & planted_rows).sum()), planted_count),
        plain_detected_99_8=Share(int((plain_above & (plain_level == 2) & planted_rows).sum()), planted_count),
        plain_detected_95=Share(int((plain_above & (plain_level >= 1) & planted_rows).sum()), planted_count),
        false_99_8=Share(int(((level == 2) & ~planted_rows).sum()), others),
        plain_false_99_8=Share(int(((plain_level == 2) & ~planted_rows).sum()), others),
        adjusted_replications=_adjusted(judged),
        mean_tau=float(np.sqrt(judged.summary["tau2"].to_numpy()).mean()),
    )


@dataclass(frozen=True)
class RobustNull:
    beyond_2: Share  # areas beyond 2 robust SDs either way
    beyond_3: Share  # areas beyond 3 robust SDs either way
    above_2: Share  # areas more than 2 robust SDs above the median
    below_2: Share  # areas more than 2 robust SDs below it
    above_3: Share
    below_3: Share


def robust_null(values: np.ndarray, replications: int, seed: int, *, shape: str) -> RobustNull:
    """Robust z of ``len(values)`` areas, ``replications`` times: ``shape`` 'normal' draws them from
    N(0, 1), 'real' with replacement from ``values`` (its median, spread, skew and ties)."""
    rng = np.random.default_rng(seed)
    values = np.asarray(values, dtype=float)
    size = (replications, len(values))
    drawn = rng.normal(size=size) if shape == "normal" else rng.choice(values, size=size, replace=True)
    z, _ = robust_z(drawn.ravel(), np.repeat(np.arange(replications), len(values)))
    far, total = np.abs(z), z.size
    return RobustNull(
        beyond_2=Share(int((far > 2).sum()), total), beyond_3=Share(int((far > 3).sum()), total),
        above_2=Share(int((z > 2).sum()), total), below_2=Share(int((z < -2).sum()), total),
        above_3=Share(int((z > 3).sum()), total), below_3=Share(int((z < -3).sum()), total),
    )


TREND_WORLDS = ("independent", "AR(1)", "national drift")


def trend_size(
    denominators: np.ndarray, target: float, replications: int, seed: int, *, world: str, spread: float,
    periods: int = 4, rho: float = 0.6, noise: float = 0.02, drift: float = 0.01,
) -> Share:
    """Areas flagged worsening or improving with no local trend, through the engine's ``trend_statistics``.

    Each area keeps a level drawn from N(target, spread^2); 'AR(1)' adds noise on the rate with
    autocorrelation ``rho`` and standard deviation ``noise``; 'national drift' moves every area
    by ``drift`` a period.
    """
    rng = np.random.default_rng(seed)
    n = np.asarray(denominators, dtype=float)
    shape = (replications, len(n), periods)
    rates = _true_rates(rng, shape[:2], target, spread, world="normal")[:, :, None] + np.zeros(shape)
    if world == "AR(1)":
        shocks = rng.normal(0.0, noise * np.sqrt(1 - rho**2), shape)
        ar = np.empty(shape)
        ar[..., 0] = rng.normal(0.0, noise, shape[:2])
        for period in range(1, periods):
            ar[..., period] = rho * ar[..., period - 1] + shocks[..., period]
        rates = rates + ar
    elif world == "national drift":
        rates = rates + drift * np.arange(periods)
    rates = np.clip(rates, 0.001, 0.999)
    trials = np.broadcast_to(funnel.whole_trials(n)[None, :, None], shape)
    counts = rng.binomial(trials, rates).astype(float)
    rows = counts.size
    areas = replications * len(n)
    result = trend_statistics(
        series=np.repeat(np.arange(areas), periods), window=np.full(rows, periods),
        family=np.full(rows, funnel.BINOMIAL, dtype=object), numerator=counts.ravel(),
        denominator=trials.ravel().astype(float), value=np.full(rows, np.nan), multiplier=np.full(rows, 100.0),
        group=np.tile(np.arange(periods), areas) + periods * np.repeat(np.arange(replications), len(n) * periods),
    )
    flagged = result["trend_direction"].to_numpy()[periods - 1 :: periods] != 0
    return Share(int(flagged.sum()), int(flagged.size))


def octile_skewness(values: np.ndarray) -> float:
    """Hinkley's quantile skewness at the octiles, ``(q7/8 + q1/8 - 2 median) / (q7/8 - q1/8)``: between -1
    and 1, 0 for a symmetric spread, and unmoved by the one or two extreme areas that dominate the moment skewness."""
    low, middle, high = np.quantile(np.asarray(values, dtype=float), (0.125, 0.5, 0.875))
    return float((high + low - 2 * middle) / (high - low)) if high > low else 0.0


@dataclass(frozen=True)
class Shape:
    skewness: float  # octile skewness of the areas' rates (for a world: the mean over replications)
    at_edge: float  # share of areas at exactly 0% or 100%


def world_shape(
    denominators: np.ndarray, target: float, spread: float, replications: int, seed: int, *, world: str,
    family: str = funnel.BINOMIAL,
) -> Shape:
    """How the areas' observed rates spread in a world: the shape to hold against the real areas' (``real_shape``)."""
    rng = np.random.default_rng(seed)
    n = np.asarray(denominators, dtype=float)
    true_rates = _true_rates(rng, (replications, len(n)), target, spread, world)
    if family == funnel.NORMAL:
        observed = np.clip(true_rates + rng.normal(0.0, 1.0, true_rates.shape) * np.sqrt(true_rates * (1 - true_rates) / n),
                           0.0, 1.0)
    else:
        trials = funnel.whole_trials(n)
        observed = rng.binomial(trials, true_rates) / trials
    return Shape(
        skewness=float(np.mean([octile_skewness(row) for row in observed])),
        at_edge=float(np.mean((observed <= 0) | (observed >= 1))),
    )


def real_shape(rates: np.ndarray) -> Shape:
    rates = np.asarray(rates, dtype=float)
    return Shape(skewness=octile_skewness(rates), at_edge=float(np.mean((rates <= 0) | (rates >= 1))))
