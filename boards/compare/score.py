"""The concern score: each partnership's signed standardised distance from England, weighted by domain.

Every judged indicator *assessed* for a partnership at a period (compared with England, or a
quarterly local return it did not report; context, suppressed and unjudged figures, and figures
too few to judge, are left out and counted apart) contributes its *distance* ``z``, signed so
that positive is worse than England (``engine._distances``):

- proportions and rates judged by the funnel: the normal quantile of the area's mid-P position
  in the funnel, widened for overdispersion (Spiegelhalter 2005's random-effects z). The
  distance is divided by the sampling error plus the spread between areas, so a small or
  uncertain figure is shrunk towards zero: 3 of 5 and 300 of 500 are not the same distance;
- figures without a denominator: the robust z against the median of areas;
- the ILACS judgement, on Ofsted's 1-4 scale: ``inspection[grade_step]`` per grade from Good
  (Requires improvement +1, Inadequate +2, Outstanding -1): Ofsted's judgement, not a limit;
- a quarterly local return not reported: the cap, the worst a reported figure can count.

Each distance is capped at ``distance[cap]`` either way, and

    score = sum of w_d w_i z_i / sum of w_d w_i over the assessed indicators

with ``w_d`` the domain's weight and ``w_i`` the indicator's own (vacancy and agency rates,
rank correlation 0.83, are one indicator counted twice: half each). The score is the weighted
mean distance in standard deviations: 0 is England, +1 is on average one SD worse. Because a
missing return counts as the cap and stays in the divisor, withholding any figure can only raise
a score: not reporting never helps (``tests/compare/test_score.py`` checks every subset).
Partnerships are ranked by score, rank 1 = most concern; equal scores share a rank.

Each score and rank carries a 95% interval by parametric bootstrap (``score_intervals``): the
funnel distances are redrawn from their sampling distribution (a standard deviation of
``1 / widen``, the share of the figure's variance that is sampling error), the other
distances are held (a judgement, and figures without a sampling model), and scores and ranks
are recomputed; the 2.5th and 97.5th percentiles over the replicates are the interval, as
Goldstein and Spiegelhalter ("League tables and their limitations", JRSS A 159, 1996) rank
institutions with intervals. The weights live in ``data/concern_weights.csv`` with their reasons;
a partnership with nothing assessed has no score and ranks last.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from boards.catalogue import DOMAINS
from boards.compare.arrays import one_of
from boards.compare.errors import ComparisonError

WEIGHTS_PATH = Path(__file__).resolve().parents[2] / "data" / "concern_weights.csv"
_KEYS = {
    "domain": tuple(DOMAINS),
    "indicator": ("vacancy_rate", "agency_rate"),
    "distance": ("cap",),
    "inspection": ("grade_step",),
}
PERSISTENT_RUN = 3
INTERVAL_REPLICATES = 1000
INTERVAL_SEED = 20250401  # fixed, so that a page shows the same interval on every run
# What chance alone gives one statistical test with no real difference: a verdict "worse" at 95% and at
# 99.8% (3 robust SDs), as the engine's verdicts produce them, not the nominal 2.5% and 0.1%: the mean
# over the 23 judged indicators of the share of areas called worse in benchmarks/compare_simulation.py's
# section 6 (funnels in the random-effects world, 1.98-3.67%; robust z in each indicator's real shape,
# 0-7.5%, which is why 99.8% is 0.366% and not 0.1%).
CHANCE_WORSE_95 = 0.0285
CHANCE_WORSE_99_8 = 0.00366

# Flags, as the comparison names them.
WORSE = "worse"
SIMILAR = "similar"
BETTER = "better"
NOT_COMPARED = "not compared"
DID_NOT_REPORT = "did not report"
NOT_JUDGED = "not judged"
TOO_FEW = "too few to judge"
ASSESSED = (WORSE, SIMILAR, BETTER, DID_NOT_REPORT)
FLAG_NAMES = (WORSE, SIMILAR, BETTER, NOT_COMPARED, DID_NOT_REPORT, NOT_JUDGED, TOO_FEW)  # a flag's code 0-6


class WeightsError(ComparisonError):
    """The weights file is malformed; the message names the line."""


@dataclass(frozen=True)
class ConcernWeights:
    domain: dict[str, float]
    indicator: dict[str, float]  # indicators that share a weight with a correlated one (1 when not named)
    cap: float  # standard deviations a distance counts up to, either way; a missing return counts this
    grade_step: float  # standard deviations per ILACS grade step from Good


def load_weights(path: Path = WEIGHTS_PATH) -> ConcernWeights:
    """Read and check ``data/concern_weights.csv``: every key once, every weight a number >= 0."""
    found: dict[tuple[str, str], float] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            key = (row["kind"].strip(), row["key"].strip())
            if key[1] not in _KEYS.get(key[0], ()):
                raise WeightsError(f"{path.name} line {line}: unknown weight {key[0]}/{key[1]}")
            if key in found:
                raise WeightsError(f"{path.name} line {line}: {key[0]}/{key[1]} is given twice")
            try:
                weight = float(row["weight"])
            except ValueError:
                raise WeightsError(f"{path.name} line {line}: weight {row['weight']!r} is not a number") from None
            if not weight >= 0:
                raise WeightsError(f"{path.name} line {line}: weight {weight} is negative")
            found[key] = weight
    missing = [f"{kind}/{key}" for kind, keys in _KEYS.items() for key in keys if (kind, key) not in found]
    if missing:
        raise WeightsError(f"{path.name}: no weight for {', '.join(missing)}")
    if found[("distance", "cap")] <= 0:
        raise WeightsError(f"{path.name}: distance/cap must be above 0")
    return ConcernWeights(
        domain={key: found[("domain", key)] for key in DOMAINS},
        indicator={key: found[("indicator", key)] for key in _KEYS["indicator"]},
        cap=found[("distance", "cap")],
        grade_step=found[("inspection", "grade_step")],
    )


def concern_components(frame: pd.DataFrame, weights: ConcernWeights) -> pd.DataFrame:
    """What each result contributes to its partnership's score: distance, weight, points, counts.

    ``frame`` needs: domain, flag, flag_level, trend, worse_streak and concern_z (the signed
    distance, positive worse; a grade's in grade steps from Good), and may have indicator_id,
    method and concern_se (the distance's sampling standard deviation, 0 when absent).
    """
    domain = frame["domain"].astype("category")
    by_domain = np.array([weights.domain.get(name, 0.0) for name in domain.cat.categories] + [0.0])
    weight = by_domain[domain.cat.codes.to_numpy()]  # code -1 (no domain) takes the last, 0
    if "indicator_id" in frame:
        indicator = frame["indicator_id"].astype("category")
        shares = np.array([weights.indicator.get(name, 1.0) for name in indicator.cat.categories] + [1.0])
        weight = weight * shares[indicator.cat.codes.to_numpy()]
    flag = frame["flag"]
    grade = one_of(frame["method"], ("grade",)) if "method" in frame else np.zeros(len(frame), dtype=bool)
    missing = one_of(flag, (DID_NOT_REPORT,))
    distance = frame["concern_z"].to_numpy(dtype=float) * np.where(grade, weights.grade_step, 1.0)
    assessed = one_of(flag, ASSESSED) & (missing | np.isfinite(distance))
    distance = np.where(missing, weights.cap, np.clip(distance, -weights.cap, weights.cap))
    distance = np.where(assessed, distance, np.nan)
    se = frame["concern_se"].to_numpy(dtype=float) if "concern_se" in frame else np.zeros(len(frame))
    worse = one_of(flag, (WORSE,))
    return pd.DataFrame(
        {
            "distance": distance,
            "distance_se": np.where(assessed & ~missing, np.nan_to_num(se), 0.0),
            "weight": np.where(assessed, weight, 0.0),
            "points": np.where(assessed, weight * distance, 0.0),
            "assessed_weight": np.where(assessed, weight, 0.0),
            "assessed": assessed,
            "worse": worse,
            "worse_99_8": worse & one_of(frame["flag_level"], ("99.8",)),
            "worsening": assessed & one_of(frame["trend"], ("worsening",)),
            "worse_3_running": worse & (frame["worse_streak"].to_numpy() >= PERSISTENT_RUN),
            "did_not_report": missing,
            "better": one_of(flag, (BETTER,)),
            "not_compared": one_of(flag, (NOT_COMPARED,)),
            "too_few": one_of(flag, (TOO_FEW,)),
            # Statistical verdicts (not Ofsted's judgements): the tests chance acts on.
            "tested": one_of(flag, (WORSE, SIMILAR, BETTER)) & ~grade,
        }
    )


COUNTS = (
    "assessed", "worse", "worse_99_8", "worsening", "worse_3_running", "did_not_report", "better", "not_compared", "too_few",
    "tested",
)


def chance_of_any_worse(tested: np.ndarray) -> np.ndarray:
    """P(at least one of ``tested`` independent tests worse at 95% by chance alone): 1 - (1 - 0.0285)^k."""
    return 1 - (1 - CHANCE_WORSE_95) ** np.asarray(tested, dtype=float)


def chance_of_strong(tested: np.ndarray, at_least: int) -> np.ndarray:
    """P(``at_least`` or more of ``tested`` tests worse at 99.8% by chance alone), binomial."""
    tested = np.asarray(tested, dtype=float)
    below = sum(
        special.comb(tested, k) * CHANCE_WORSE_99_8**k * (1 - CHANCE_WORSE_99_8) ** (tested - k) for k in range(at_least)
    )
    return np.clip(1 - below, 0.0, 1.0)


def concern_scores(components: pd.DataFrame) -> pd.DataFrame:
    """Scores per (as_at_period_id, partnership_id): components summed, scored and ranked.

    ``components`` are ``concern_components`` rows with the two key columns added, one row per
    partnership and indicator as at each period; with ``invented_weight`` (the assessed weight of invented
    figures), ``invented_share`` is the share of the score's weight that rests on invented figures.
    """
    # Summed by integer key with np.bincount: a third of the time of a pandas groupby.
    period_codes, periods = pd.factorize(components["as_at_period_id"])
    partnership_codes, partnerships = pd.factorize(components["partnership_id"])
    key = period_codes * len(partnerships) + partnership_codes
    present = np.flatnonzero(np.bincount(key, minlength=len(periods) * len(partnerships)))
    period_of, partnership_of = np.divmod(present, max(len(partnerships), 1))
    slot = np.searchsorted(present, key)
    sums = {
        column: np.bincount(slot, weights=components[column].to_numpy(dtype=float), minlength=len(present))
        for column in ("points", "assessed_weight", *COUNTS, "invented_weight") if column in components
    }
    scores = pd.DataFrame(
        {
            "as_at_period_id": periods[period_of],
            "partnership_id": partnerships[partnership_of],
            **{column: sums[column].astype(int) if column in COUNTS else sums[column] for column in sums},
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        scores["score"] = scores["points"] / scores["assessed_weight"]
        if "invented_weight" in scores:
            scores["invented_share"] = scores.pop("invented_weight") / scores["assessed_weight"]
    scores.loc[scores["assessed_weight"] <= 0, "score"] = np.nan
    return rank_scores(scores)


def rank_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Rank 1 = most concern within each period; equal scores share a rank (listed by 99.8% flags, flags, id)."""
    ordered = scores.sort_values(
        ["as_at_period_id", "score", "worse_99_8", "worse", "partnership_id"],
        ascending=[True, False, False, False, True],
        na_position="last",
    ).reset_index(drop=True)
    score = ordered["score"].fillna(-np.inf).round(9)
    ordered["rank"] = score.groupby(ordered["as_at_period_id"], sort=False).rank(method="min", ascending=False).astype(int)
    return ordered


def invented_words(share: float) -> str:
    """How much of a score rests on invented demo figures (``invented_share``), as a table cell says it: '72%
    invented', or 'none'."""
    if pd.isna(share) or share == 0:
        return "none"
    return f"{share:.0%} invented"


def rank_text(rank: int, low: int, high: int) -> str:
    """A rank with its 95% interval, '3 (1-9)'; an exact rank is '3 (3-3)' too, so the form never varies."""
    return f"{int(rank)} ({int(low)}-{int(high)})"


def score_intervals(
    components: pd.DataFrame, cap: float, *, replicates: int = INTERVAL_REPLICATES, seed: int = INTERVAL_SEED
) -> pd.DataFrame:
    """95% intervals of each partnership's score and rank at one period, by parametric bootstrap.

    ``components``: ``concern_components`` rows of one period with ``partnership_id``. Returns
    partnership_id, score_low, score_high, rank_low, rank_high (see the module docstring).
    """
    codes, partnerships = pd.factorize(components["partnership_id"])
    count = len(partnerships)
    assessed = components["assessed"].to_numpy(dtype=bool)
    codes = codes[assessed]
    distance = components["distance"].to_numpy(dtype=float)[assessed]
    se = components["distance_se"].to_numpy(dtype=float)[assessed]
    weight = components["weight"].to_numpy(dtype=float)[assessed]
    base = np.bincount(codes, weights=weight, minlength=count)
    noise = np.random.default_rng(seed).standard_normal((replicates, len(distance)))
    # The capped distances are redrawn and capped again.
    drawn = np.clip(distance + noise * se, -cap, cap) * weight
    keys = (np.arange(replicates)[:, None] * count + codes[None, :]).ravel()
    points = np.bincount(keys, weights=drawn.ravel(), minlength=replicates * count).reshape(replicates, count)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(base > 0, points / base, -np.inf)
    ranks = (-scores).argsort(axis=1, kind="stable").argsort(axis=1) + 1
    low, high = np.quantile(ranks, [0.025, 0.975], axis=0, method="inverted_cdf")
    score_low, score_high = np.quantile(scores, [0.025, 0.975], axis=0)
    scored = base > 0
    return pd.DataFrame(
        {
            "partnership_id": partnerships,
            "score_low": np.where(scored, score_low, np.nan),
            "score_high": np.where(scored, score_high, np.nan),
            "rank_low": low.astype(int),
            "rank_high": high.astype(int),
        }
    )
