"""The concern score: one number per partnership and period, from its flags, with its weights.

For the indicators *assessed* for a partnership at a period (judged indicators that were
compared with England, or that it did not report; context and suppressed ones, and figures
too few to judge, are left out and counted apart),
each indicator ``i`` of domain ``d`` earns, multiplied by the domain weight ``w_d`` and by its
own ``indicator[i]`` weight where it has one (vacancy and agency rates, rank correlation 0.83,
are one indicator counted twice, so half each: no double counting):

- ``flag[95]`` points if worse than England beyond its 95% limit, or ``flag[99.8]`` points if
  beyond its 99.8% limit (a robust z beyond 2 or 3 robust SDs);
- for the ILACS grade, Ofsted's judgement: ``inspection[inadequate]`` points for Inadequate,
  ``inspection[requires_improvement]`` for Requires improvement (both are "worse", neither is
  beyond a limit);
- ``did_not_report`` points if it is a quarterly local indicator the partnership did not
  report (a missing return is a concern of its own, not a zero);
- ``trend[worsening]`` points more if it is significantly worsening over its window;
- ``persistence[worse_3_running]`` points more if it was flagged worse in each of the last
  3 periods or more.

    score = 100 x points / (flag[99.8] x sum of w_d indicator[i] over the assessed indicators)

so 100 means "every assessed indicator beyond its 99.8% limit" (the trend and persistence
extras can take a partnership past it). Dividing by what was assessed, rather than by the whole
catalogue, means a partnership with fewer figures is not flattered by the gaps, and counting
the indicators it did not report as assessed means not reporting cannot lower its score.
Partnerships are ranked by score (rank 1 = most concern); ties by the number of 99.8% flags,
then by the number of flags. The weights live in ``data/concern_weights.csv`` with a comment
for each; a partnership with nothing assessed has no score and ranks last.
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
    "flag": ("95", "99.8"),
    "did_not_report": ("indicator",),
    "trend": ("worsening",),
    "persistence": ("worse_3_running",),
    "inspection": ("inadequate", "requires_improvement"),
    "indicator": ("vacancy_rate", "agency_rate"),
    "domain": tuple(DOMAINS),
}
PERSISTENT_RUN = 3
# What chance alone gives one statistical test with no real difference: worse beyond the 95% limit
# (one side of 95%) and beyond the 99.8% limit (one side of 99.8%), the funnels' nominal rates.
CHANCE_WORSE_95 = 0.025
CHANCE_WORSE_99_8 = 0.001

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
    flag_95: float
    flag_99_8: float
    did_not_report: float
    worsening: float
    persistent: float
    inadequate: float
    requires_improvement: float
    indicator: dict[str, float]  # indicators that share a weight with a correlated one (1 when not named)


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
    if found[("flag", "99.8")] <= 0:
        raise WeightsError(f"{path.name}: flag/99.8 sets the score's scale and must be above 0")
    return ConcernWeights(
        domain={key: found[("domain", key)] for key in DOMAINS},
        flag_95=found[("flag", "95")],
        flag_99_8=found[("flag", "99.8")],
        did_not_report=found[("did_not_report", "indicator")],
        worsening=found[("trend", "worsening")],
        persistent=found[("persistence", "worse_3_running")],
        inadequate=found[("inspection", "inadequate")],
        requires_improvement=found[("inspection", "requires_improvement")],
        indicator={key: found[("indicator", key)] for key in _KEYS["indicator"]},
    )


def concern_components(frame: pd.DataFrame, weights: ConcernWeights) -> pd.DataFrame:
    """What each result contributes to its partnership's score: points, weight assessed, counts.

    ``frame`` needs: domain, flag, flag_level, trend, worse_streak, and may have inspection_concern
    (2 for an Inadequate judgement, 1 for Requires improvement, else 0), one row per result.
    """
    domain = frame["domain"].astype("category")
    by_domain = np.array([weights.domain.get(name, 0.0) for name in domain.cat.categories] + [0.0])
    domain_weight = by_domain[domain.cat.codes.to_numpy()]  # code -1 (no domain) takes the last, 0
    if "indicator_id" in frame:
        indicator = frame["indicator_id"].astype("category")
        shares = np.array([weights.indicator.get(name, 1.0) for name in indicator.cat.categories] + [1.0])
        domain_weight = domain_weight * shares[indicator.cat.codes.to_numpy()]
    flag = frame["flag"]
    assessed = one_of(flag, ASSESSED)
    worse = one_of(flag, (WORSE,))
    strong = worse & one_of(frame["flag_level"], ("99.8",))
    missing = one_of(flag, (DID_NOT_REPORT,))
    worsening = assessed & one_of(frame["trend"], ("worsening",))
    persistent = worse & (frame["worse_streak"].to_numpy() >= PERSISTENT_RUN)
    inspection = frame["inspection_concern"].to_numpy() if "inspection_concern" in frame else np.zeros(len(frame))
    flag_points = np.where(strong, weights.flag_99_8, np.where(worse, weights.flag_95, 0.0))
    points = domain_weight * (
        np.select([worse & (inspection == 2), worse & (inspection == 1)], [weights.inadequate, weights.requires_improvement],
                  flag_points)
        + missing * weights.did_not_report
        + worsening * weights.worsening
        + persistent * weights.persistent
    )
    return pd.DataFrame(
        {
            "points": points,
            "assessed_weight": np.where(assessed, domain_weight, 0.0),
            "assessed": assessed,
            "worse": worse,
            "worse_99_8": strong,
            "worsening": worsening,
            "worse_3_running": persistent,
            "did_not_report": missing,
            "better": one_of(flag, (BETTER,)),
            "not_compared": one_of(flag, (NOT_COMPARED,)),
            "too_few": one_of(flag, (TOO_FEW,)),
            # Statistical verdicts (not Ofsted's judgements): the tests chance acts on.
            "tested": one_of(flag, (WORSE, SIMILAR, BETTER))
            & ~(one_of(frame["method"], ("grade",)) if "method" in frame else np.zeros(len(frame), dtype=bool)),
        }
    )


COUNTS = (
    "assessed", "worse", "worse_99_8", "worsening", "worse_3_running", "did_not_report", "better", "not_compared", "too_few",
    "tested",
)


def chance_of_any_worse(tested: np.ndarray) -> np.ndarray:
    """P(at least one of ``tested`` independent tests worse beyond 95% by chance alone): 1 - 0.975^k."""
    return 1 - (1 - CHANCE_WORSE_95) ** np.asarray(tested, dtype=float)


def chance_of_strong(tested: np.ndarray, at_least: int) -> np.ndarray:
    """P(``at_least`` or more of ``tested`` tests worse beyond 99.8% by chance alone), binomial."""
    tested = np.asarray(tested, dtype=float)
    below = sum(
        special.comb(tested, k) * CHANCE_WORSE_99_8**k * (1 - CHANCE_WORSE_99_8) ** (tested - k) for k in range(at_least)
    )
    return np.clip(1 - below, 0.0, 1.0)


def concern_scores(components: pd.DataFrame, weights: ConcernWeights) -> pd.DataFrame:
    """Scores per (as_at_period_id, partnership_id): components summed, scored and ranked.

    ``components`` are ``concern_components`` rows with the two key columns added, one row per
    partnership and indicator as at each period.
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
        for column in ("points", "assessed_weight", *COUNTS)
    }
    scores = pd.DataFrame(
        {
            "as_at_period_id": periods[period_of],
            "partnership_id": partnerships[partnership_of],
            **{column: sums[column].astype(int) if column in COUNTS else sums[column] for column in sums},
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        scores["score"] = 100 * scores["points"] / (weights.flag_99_8 * scores["assessed_weight"])
    scores.loc[scores["assessed_weight"] <= 0, "score"] = np.nan
    return rank_scores(scores)


def rank_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Rank 1 = most concern within each period; equal score, 99.8% flags and flags share a rank."""
    ordered = scores.sort_values(
        ["as_at_period_id", "score", "worse_99_8", "worse", "partnership_id"],
        ascending=[True, False, False, False, True],
        na_position="last",
    ).reset_index(drop=True)
    period = ordered["as_at_period_id"].to_numpy()
    score = ordered["score"].fillna(-1.0).round(9).to_numpy()
    changed = np.ones(len(ordered), dtype=bool)
    changed[1:] = (
        (period[1:] != period[:-1])
        | (score[1:] != score[:-1])
        | (np.diff(ordered["worse_99_8"].to_numpy()) != 0)
        | (np.diff(ordered["worse"].to_numpy()) != 0)
    )
    position = ordered.groupby("as_at_period_id", sort=False).cumcount().to_numpy() + 1
    ordered["rank"] = pd.Series(np.where(changed, position, np.nan)).ffill().astype(int)
    return ordered
