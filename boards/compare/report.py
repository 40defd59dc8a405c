"""The ``boards flags`` output: partnerships ranked by concern score, with their flags.

A partnership's flags are its results that add to its score: indicators worse than England,
quarterly indicators it did not report, and indicators significantly worsening; most points
first. The same content in three formats: a readable table, CSV (one row per flag) and JSON.
"""

from __future__ import annotations

import io
import json
import math

import pandas as pd

from boards.compare.engine import Comparison
from boards.compare.formats import FORMATS
from boards.compare.score import DID_NOT_REPORT, WORSE, rank_text

CSV_COLUMNS = ["rank", "rank_low", "rank_high", "partnership_id", "partnership_name", "region_code", "score", "summary",
               "indicator_id", "period_id", "flag", "flag_level", "trend", "sentence"]
HEAD_COLUMNS = CSV_COLUMNS[:8]  # the score's; the rest are each flag's


def flagged_results(comparison: Comparison) -> pd.DataFrame:
    """The results that add to a score, most points first within each partnership."""
    results = comparison.area_results
    flagged = results[results["flag"].isin([WORSE, DID_NOT_REPORT]) | (results["trend"] == "worsening")]
    order = flagged.assign(indicator_order=flagged.index).sort_values(
        ["partnership_id", "points", "indicator_order"], ascending=[True, False, True]
    )
    return order.drop(columns="indicator_order")


def _score_text(score: float) -> str:
    return "no score" if math.isnan(score) else f"score {score:+.2f}"


def flags_report(comparison: Comparison, output_format: str = "table") -> str:
    if output_format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    flagged = flagged_results(comparison)
    by_partnership = {key: rows for key, rows in flagged.groupby("partnership_id", observed=True, sort=False)}
    scores = comparison.scores
    if output_format == "json":
        return _json(comparison, scores, by_partnership)
    if output_format == "csv":
        return _csv(scores, by_partnership)
    return _table(comparison, scores, by_partnership)


def _table(comparison: Comparison, scores: pd.DataFrame, by_partnership: dict[str, pd.DataFrame]) -> str:
    as_at = f"{comparison.as_at.day} {comparison.as_at:%b %Y}"
    lines = [
        f"Concern scores as at {comparison.period_label}: {len(scores)} partnerships, most concern first.",
        f"Annual indicators use their latest figures for a year ended by {as_at}. Flags are against England;",
        "funnel limits allow for overdispersion between areas. The score is the mean distance from England in",
        "standard deviations (positive worse; weights: data/concern_weights.csv); the rank's 95% interval is in brackets.",
        "",
    ]
    for row in scores.itertuples(index=False):
        lines.append(
            f"{' ' * (4 - len(str(row.rank)))}{rank_text(row.rank, row.rank_low, row.rank_high)}  "
            f"{row.partnership_name} ({row.partnership_id})  "
            f"{_score_text(row.score)}  {row.summary}"
        )
        flags = by_partnership.get(row.partnership_id)
        if flags is not None:
            lines += [f"        {sentence}" for sentence in flags["sentence"]]
    return "\n".join(lines)


def _csv(scores: pd.DataFrame, by_partnership: dict[str, pd.DataFrame]) -> str:
    rows = []
    for score in scores.to_dict("records"):
        head = {key: score[key] for key in HEAD_COLUMNS}
        flags = by_partnership.get(score["partnership_id"])
        if flags is None:
            rows.append(head)
            continue
        for flag in flags[CSV_COLUMNS[len(HEAD_COLUMNS):]].astype(str).to_dict("records"):
            rows.append({**head, **flag})
    frame = pd.DataFrame(rows, columns=CSV_COLUMNS)
    frame["score"] = frame["score"].round(2)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().rstrip("\n")


def _json(comparison: Comparison, scores: pd.DataFrame, by_partnership: dict[str, pd.DataFrame]) -> str:
    partnerships = []
    for score in scores.to_dict("records"):
        flags = by_partnership.get(score["partnership_id"])
        entry = {key: (None if isinstance(value, float) and math.isnan(value) else value) for key, value in score.items()}
        entry["flags"] = [] if flags is None else flags[CSV_COLUMNS[len(HEAD_COLUMNS):]].astype(str).to_dict("records")
        partnerships.append(entry)
    document = {
        "period_id": comparison.period_id,
        "period_label": comparison.period_label,
        "as_at": comparison.as_at.isoformat(),
        "partnerships": partnerships,
    }
    return json.dumps(document, indent=2, default=_plain)


def _plain(value: object) -> object:
    """NumPy scalars as plain numbers for JSON."""
    return value.item() if hasattr(value, "item") else str(value)

