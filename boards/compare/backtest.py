"""Does the concern score find the areas Ofsted judges weak? A backtest on published figures only.

For every ILACS inspection since 2018 with a judgement (``data/reference/ofsted/``), the
partnership's concern score is computed as it would have stood on the inspection's first day,
from what had been *published* by then: each judged indicator of the catalogue with published
figures (whatever ``demo.PUBLISHED_FILES`` loads; nothing here names an indicator) contributes
the latest period published before that day, a year to 31 March counting as published on
1 December after it (DfE's children in need statistics) and a year to 30 September on 1 March
after it (DfE's workforce statistics), no older than the engine's two-year limit; and the
partnership's previous ILACS judgement, published before that day, counts as the score counts it.
Invented local returns play no part.

Each inspection's judgement, overall effectiveness and help and protection, is the outcome:
Requires improvement or worse, and Inadequate. Reported for each outcome and for inspections
before 2022 (in sample) and from 2022 (out of sample): the area under the ROC curve (AUC) of

- the concern score, with the weights of ``data/concern_weights.csv`` (set before 2022's
  inspections were scored; nothing is fitted to the outcomes);
- the equal-weight baseline: the plain mean of the engine's signed distances on the same
  published indicators (no cap, no domain weights, no previous judgement);
- each single indicator, and the previous judgement alone;

with 95% intervals by a bootstrap clustered by local authority (an LA's inspections are
resampled together: they are not independent), the paired difference between the score and
the baseline, and the share of the worst quarter of scores that Ofsted judged Requires
improvement or worse against the share of all inspections (the base rate).

AUC is the Mann-Whitney probability that a randomly chosen area judged weak scores above one
that was not, ties counting half (Hanley and McNeil, "The meaning and use of the area under a
receiver operating characteristic (ROC) curve", Radiology 143, 1982; ``auc`` is tested on
their worked example). Partnerships of several LAs use the partnership's figures for each LA's
inspection.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from boards.catalogue import catalogue_frame, load_catalogue
from boards.compare.engine import AS_AT_MAX_AGE_DAYS, compare_inputs
from boards.compare.inputs import read_inputs
from boards.compare.score import ConcernWeights, concern_components, load_weights
from boards.periods import published_on
from boards.reference import Reference, load_reference
from boards.store import Store

FIRST_INSPECTION = pd.Timestamp("2018-01-01")
SPLIT = pd.Timestamp("2022-01-01")  # inspections before it: in sample; from it: out of sample
REPLICATES = 2000
SEED = 20180101
WINDOWS = {"in sample (before 2022)": "before", "out of sample (2022 on)": "after", "all": "all"}
JUDGEMENTS = {"overall effectiveness": "grade", "help and protection": "help_protection_grade"}
OUTCOMES = {"Requires improvement or worse": 3, "Inadequate": 4}
SCORE, BASELINE, PREVIOUS = "concern score", "equal-weight z baseline", "previous ILACS judgement"
PREVIOUS_ID = "ilacs_grade"


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve: the Mann-Whitney U of the positives over n1 x n0, ties counting half.

    NaN if either group is empty."""
    scores, positive = np.asarray(scores, dtype=float), np.asarray(positive, dtype=bool)
    positives, negatives = int(positive.sum()), int((~positive).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = stats.rankdata(scores)  # midranks for ties
    u = ranks[positive].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def clustered_replicates(clusters: np.ndarray, replicates: int, seed: int) -> list[np.ndarray]:
    """Row indices of each bootstrap replicate: clusters drawn with replacement, each with all its rows."""
    codes, _ = pd.factorize(clusters)
    rows_of = [np.flatnonzero(codes == code) for code in range(codes.max() + 1)] if len(codes) else []
    rng = np.random.default_rng(seed)
    return [
        np.concatenate([rows_of[c] for c in rng.integers(0, len(rows_of), len(rows_of))])
        for _ in range(replicates)
    ]


@dataclass(frozen=True)
class Backtest:
    """``inspections``: one row per inspection with its judgements, the score, the baseline and each
    indicator's distance as they stood before it; ``areas``: AUCs with their intervals; ``differences``:
    score minus baseline, paired; ``worst_quarter``: hit rate of the worst quarter of scores."""

    inspections: pd.DataFrame
    areas: pd.DataFrame
    differences: pd.DataFrame
    worst_quarter: pd.DataFrame
    replicates: int


def published_store(path: Path, ref: Reference | None = None) -> Store:
    """A database holding the reference data and every published DfE file of the demo, nothing invented."""
    from boards.demo import load_published_files

    store = Store.open(path)
    store.replace_reference(ref or load_reference())
    store.sync_catalogue(catalogue_frame(load_catalogue()))
    load_published_files(store)
    return store


def scored_inspections(
    store: Store, ref: Reference, weights: ConcernWeights | None = None, areas: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Every inspection since 2018 with a judgement (of ``areas`` only, if given), scored on what had been
    published before its first day."""
    from boards.demo import inspection_grade

    weights = weights or load_weights()
    comparison = compare_inputs(read_inputs(store), weights=weights)
    history = comparison.history
    judged = history[
        (history["polarity"].astype(str) != "context") & (history["method"].astype(str) != "grade")
    ].copy()
    judged["published"] = pd.to_datetime([
        published_on(end, granularity)
        for end, granularity in zip(judged["end_date"], judged["granularity"].astype(str), strict=True)
    ])
    judged = judged[judged["published"].notna()]
    judged["end"] = pd.to_datetime(judged["end_date"])
    indicators = list(dict.fromkeys(judged["indicator_id"].astype(str)))

    inspections = ref.inspections.assign(grade=inspection_grade(ref.inspections))
    inspections = inspections[inspections["grade"].notna() | inspections["help_protection_grade"].notna()]
    inspections = inspections[inspections["start_date"] >= FIRST_INSPECTION]
    if areas is not None:
        inspections = inspections[inspections["area_code"].isin(areas)]
    inspections = inspections.reset_index(drop=True)
    partnership_of = ref.partnerships.set_index("area_code")["partnership_id"]
    inspections["partnership_id"] = inspections["area_code"].map(partnership_of)

    rows = []
    every = ref.inspections.assign(grade=inspection_grade(ref.inspections)).dropna(subset=["grade"])
    for inspection in inspections.itertuples(index=False):
        day = inspection.start_date
        known = judged[
            (judged["partnership_id"].astype(str) == inspection.partnership_id)
            & (judged["published"] < day)
            & (judged["end"] > day - pd.Timedelta(days=AS_AT_MAX_AGE_DAYS))
        ]
        latest = known.sort_values("end").groupby("indicator_id", observed=True).tail(1)
        before = every[(every["area_code"] == inspection.area_code) & (every["publication_date"] < day)]
        frame = latest[["indicator_id", "domain", "flag", "flag_level", "trend", "worse_streak", "method", "concern_z"]]
        if len(before):
            previous = float(before.sort_values("publication_date")["grade"].iloc[-1])
            flag = "worse" if previous >= 3 else "better" if previous == 1 else "similar"
            frame = pd.concat([frame.astype({"indicator_id": str, "domain": str, "flag": str, "flag_level": str,
                                             "trend": str, "method": str}),
                               pd.DataFrame([{
                                   "indicator_id": PREVIOUS_ID, "domain": "inspection_audit", "flag": flag,
                                   "flag_level": "", "trend": "not tested", "worse_streak": 1, "method": "grade",
                                   "concern_z": previous - 2,
                               }])], ignore_index=True)
        components = concern_components(frame.reset_index(drop=True), weights)
        weight = components["assessed_weight"].sum()
        published = frame["indicator_id"].astype(str) != PREVIOUS_ID
        distances = dict(zip(frame["indicator_id"].astype(str), frame["concern_z"].astype(float), strict=True))
        rows.append({
            SCORE: components["points"].sum() / weight if weight > 0 else np.nan,
            BASELINE: frame.loc[published, "concern_z"].astype(float).mean() if published.any() else np.nan,
            **{name: distances.get(name, np.nan) for name in indicators},
            PREVIOUS: distances.get(PREVIOUS_ID, np.nan),
        })
    measures = pd.DataFrame(rows, index=inspections.index)
    return pd.concat(
        [inspections[["area_code", "partnership_id", "inspection_type", "start_date", "grade",
                      "help_protection_grade"]], measures],
        axis=1,
    )


def evaluate(inspections: pd.DataFrame, *, replicates: int = REPLICATES, seed: int = SEED) -> Backtest:
    """AUCs with LA-clustered bootstrap intervals, paired differences and worst-quarter hit rates."""
    measures = [column for column in inspections.columns[6:]]
    areas, differences, quarters = [], [], []
    for window, side in WINDOWS.items():
        in_window = inspections if side == "all" else inspections[
            (inspections["start_date"] < SPLIT) if side == "before" else (inspections["start_date"] >= SPLIT)
        ]
        for judgement, column in JUDGEMENTS.items():
            judged = in_window[in_window[column].notna()].reset_index(drop=True)
            draws = clustered_replicates(judged["area_code"].to_numpy(), replicates, seed)
            for outcome, worst in OUTCOMES.items():
                positive = judged[column].astype(float).to_numpy() >= worst
                key = {"window": window, "judgement": judgement, "outcome": outcome}
                boot = {}
                for measure in measures:
                    values = judged[measure].to_numpy(dtype=float)
                    present = np.isfinite(values)
                    point = auc(values[present], positive[present])
                    boot[measure] = np.array([
                        auc(values[rows][present[rows]], positive[rows][present[rows]]) for rows in draws
                    ])
                    low, high = _interval(boot[measure])
                    areas.append({**key, "measure": measure, "inspections": int(present.sum()),
                                  "judged_weak": int(positive[present].sum()), "auc": point, "low": low, "high": high})
                both = np.isfinite(judged[SCORE].to_numpy(dtype=float)) & np.isfinite(judged[BASELINE].to_numpy(dtype=float))
                paired = np.array([
                    auc(judged[SCORE].to_numpy(dtype=float)[rows][both[rows]], positive[rows][both[rows]])
                    - auc(judged[BASELINE].to_numpy(dtype=float)[rows][both[rows]], positive[rows][both[rows]])
                    for rows in draws
                ])
                point = (auc(judged.loc[both, SCORE], positive[both]) - auc(judged.loc[both, BASELINE], positive[both]))
                low, high = _interval(paired)
                differences.append({**key, "inspections": int(both.sum()), "difference": point, "low": low, "high": high})
                score = judged[SCORE].to_numpy(dtype=float)
                scored = np.isfinite(score)
                worst_quarter = scored & (score >= np.nanquantile(score, 0.75))
                quarters.append({**key, "worst_quarter": int(worst_quarter.sum()),
                                 "hit_rate": float(positive[worst_quarter].mean()),
                                 "base_rate": float(positive[scored].mean())})
    return Backtest(
        inspections=inspections,
        areas=pd.DataFrame(areas),
        differences=pd.DataFrame(differences),
        worst_quarter=pd.DataFrame(quarters),
        replicates=replicates,
    )


def _interval(replicates: np.ndarray) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the replicates that have a value (NaN, NaN if none has)."""
    finite = replicates[np.isfinite(replicates)]
    if not len(finite):
        return float("nan"), float("nan")
    low, high = np.quantile(finite, [0.025, 0.975])
    return float(low), float(high)


def run_backtest(*, replicates: int = REPLICATES, seed: int = SEED, weights: ConcernWeights | None = None) -> Backtest:
    """The whole backtest: a published-only database in a temporary folder, scored and evaluated."""
    ref = load_reference()
    with tempfile.TemporaryDirectory() as folder:
        store = published_store(Path(folder) / "published.duckdb", ref)
        try:
            inspections = scored_inspections(store, ref, weights)
        finally:
            store.close()
    return evaluate(inspections, replicates=replicates, seed=seed)


def backtest_report(backtest: Backtest, output_format: str = "table") -> str:
    """The backtest as a readable table (one block per judgement and outcome) or JSON."""
    if output_format == "json":
        return json.dumps(backtest_document(backtest), indent=2)
    if output_format != "table":
        raise ValueError(f"format must be table or json, not {output_format!r}")
    inspections = backtest.inspections
    lines = [
        f"Backtest of the concern score against {len(inspections)} ILACS inspections from "
        f"{inspections['start_date'].min():%b %Y} to {inspections['start_date'].max():%b %Y} "
        f"({int((inspections['start_date'] < SPLIT).sum())} before 2022, in sample; "
        f"{int((inspections['start_date'] >= SPLIT).sum())} from 2022, out of sample).",
        "Each inspection is scored on the DfE figures published before its first day (a year to 31 March on",
        "1 December after it, a year to 30 September on 1 March after it) and the previous ILACS judgement.",
        f"AUC (0.5 is chance, 1 perfect) with 95% intervals from {backtest.replicates} bootstrap replicates",
        "clustered by local authority; n inspections with the measure, of which judged weak.",
    ]
    windows = [window for window in WINDOWS if window != "all"]

    def line(label: str, frame: pd.DataFrame, cell: Callable[[pd.Series], str]) -> str:
        """One row of a block: ``label``, then ``cell`` of ``frame``'s row for each window."""
        by_window = frame.set_index("window")
        return f"{label:<28}" + "".join(f"{cell(by_window.loc[window]):<34}" for window in windows)

    for judgement in JUDGEMENTS:
        for outcome in OUTCOMES:
            def chosen(frame: pd.DataFrame, judgement: str = judgement, outcome: str = outcome) -> pd.DataFrame:
                return frame[(frame["judgement"] == judgement) & (frame["outcome"] == outcome)]

            areas = chosen(backtest.areas)
            lines += ["", f"{judgement.capitalize()}: {outcome}",
                      f"{'measure':<28}" + "".join(f"{window:<34}" for window in windows)]
            for measure in dict.fromkeys(areas["measure"]):
                lines.append(line(measure, areas[areas["measure"] == measure], lambda row: (
                    f"{_auc_text(row['auc'], row['low'], row['high'])} n={row['inspections']}/{row['judged_weak']}")))
            lines.append(line("score minus baseline", chosen(backtest.differences), lambda row: (
                f"{row['difference']:+.3f} ({row['low']:+.3f} to {row['high']:+.3f})")))
            lines.append(line("worst quarter judged weak", chosen(backtest.worst_quarter), lambda row: (
                f"{row['hit_rate']:.0%} of {row['worst_quarter']} (base {row['base_rate']:.0%})")))
    return "\n".join(line.rstrip() for line in lines)


def _auc_text(value: float, low: float, high: float) -> str:
    return "-" if np.isnan(value) else f"{value:.3f} ({low:.3f}-{high:.3f})"


def backtest_document(backtest: Backtest) -> dict:
    """The backtest as plain data (NaN as None), the JSON of ``boards backtest --format json``."""
    def records(frame: pd.DataFrame) -> list[dict]:
        return [
            {key: (None if isinstance(value, float) and np.isnan(value) else value) for key, value in row.items()}
            for row in frame.round(4).to_dict("records")
        ]

    inspections = backtest.inspections
    return {
        "inspections": len(inspections),
        "in_sample": int((inspections["start_date"] < SPLIT).sum()),
        "out_of_sample": int((inspections["start_date"] >= SPLIT).sum()),
        "first": f"{inspections['start_date'].min():%Y-%m-%d}",
        "last": f"{inspections['start_date'].max():%Y-%m-%d}",
        "replicates": backtest.replicates,
        "auc": records(backtest.areas),
        "score_minus_baseline": records(backtest.differences),
        "worst_quarter": records(backtest.worst_quarter),
    }


RESULTS_PATH = Path(__file__).resolve().parents[2] / "data" / "backtest_results.json"


def auc_table(document: dict, judgement: str) -> pd.DataFrame:
    """One judgement's AUCs from ``backtest_document`` as a table for a page: a row per measure, a column
    per outcome and window, each '0.715 (0.654-0.784)'."""
    areas = pd.DataFrame(document["auc"])
    areas = areas[(areas["judgement"] == judgement) & (areas["window"] != "all")]
    areas["text"] = [_auc_text(*(np.nan if v is None else v for v in values))
                     for values in zip(areas["auc"], areas["low"], areas["high"], strict=True)]
    table = areas.pivot(index="measure", columns=["outcome", "window"], values="text")
    table = table.reindex(index=list(dict.fromkeys(areas["measure"])))
    table.columns = [f"{outcome}, {window}" for outcome, window in table.columns]
    return table.reset_index().rename(columns={"measure": "Measure"})
