"""One sentence per result that a director can read aloud, e.g.

    Re-referrals 31.2% (year to 31 Mar 2025) against England 22.6%: above the 99.8% limit
    (27.9%); worse for 3 years running.

Values use the catalogue's short name, unit and decimals; the period is named when it is not
the period the comparison is for (an annual figure in a quarter's comparison). Context
indicators get no sentence: they are never judged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from boards.compare.score import BETTER, DID_NOT_REPORT, NOT_COMPARED, NOT_JUDGED, WORSE

GRADE_NAMES = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
# Why a figure could not be compared, by status.
NOT_COMPARED_REASONS = {
    "c": "suppressed to protect confidentiality",
    "low": "suppressed as too small",
    "u": "flagged as unreliable by the publisher",
    "x": "not available",
    "z": "not applicable (nothing to count)",
    "missing": "not published",
    "absent": "no figure",
}
_PLURAL_PERIODS = {"quarter": "quarters", "year_to_march": "years", "year_to_september": "years"}


def format_value(value: float, unit: str, decimals: int) -> str:
    """A value as a director reads it: 31.2%, 519.4 per 10,000, 19.8, 30 months, Good."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no figure"
    if unit == "grade":
        grade = int(round(value))
        return GRADE_NAMES.get(grade, f"grade {grade}")
    number = f"{value:,.{decimals}f}"
    if unit == "percent":
        return f"{number}%"
    if unit == "per_10k":
        return f"{number} per 10,000"
    if unit == "months":
        return f"{number} months"
    return number


def period_phrase(period_id: str, granularity: str, end_date: date) -> str:
    """How a sentence names a period: '2026-27 Q2', 'year to 31 Mar 2025', 'year to 30 Sep 2025'."""
    if granularity == "quarter":
        return period_id
    return f"year to {end_date.day} {end_date:%b %Y}"


def _p_value(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _clauses(row: Mapping[str, Any]) -> list[str]:
    periods = _PLURAL_PERIODS[row["granularity"]]
    clauses = []
    if row["flag"] == WORSE and row["worse_streak"] >= 3:
        clauses.append(f"worse for {row['worse_streak']} {periods} running")
    if row["trend"] in ("worsening", "improving"):
        test = _p_value(row["trend_p"]) if row["method"] in ("proportion", "rate") else "faster than other areas"
        clauses.append(f"{row['trend']} over the last {row['trend_points']} {periods} ({test})")
    return clauses


def sentence(row: Mapping[str, Any], as_at_period_id: str) -> str | None:
    """The sentence of one area result (a row of ``Comparison.area_results``), or None for context."""
    flag = row["flag"]
    if flag == NOT_JUDGED:
        return None
    unit, decimals = row["unit"], int(row["decimals"])
    name = row["short_name"]
    when = period_phrase(row["period_id"], row["granularity"], row["end_date"])
    if flag == DID_NOT_REPORT:
        return f"{name}: no return for {when}."
    shown = format_value(row["value"], unit, decimals)
    if row["period_id"] != as_at_period_id:
        shown += f" ({when})"
    if flag == NOT_COMPARED:
        if row["status"] == "reported" and row["value"] == row["value"]:
            return f"{name} {shown}: not compared, no numerator and denominator to test it with."
        return f"{name} ({when}): not compared, {NOT_COMPARED_REASONS.get(row['status'], 'no figure')}."
    benchmark = "England" if row["england_basis"] != "median" else "the median of areas"
    opening = f"{name} {shown} against {benchmark} {format_value(row['england'], unit, decimals)}"
    method = row["method"]
    if method in ("proportion", "rate"):
        if flag in (WORSE, BETTER):
            side = "above" if row["direction"] > 0 else "below"
            limit = row[f"{'upper' if row['direction'] > 0 else 'lower'}_{row['flag_level'].replace('.', '_')}"]
            verdict = f"{side} the {row['flag_level']}% limit ({format_value(limit, unit, decimals)})"
        else:
            low, high = (format_value(row[k], unit, decimals) for k in ("lower_95", "upper_95"))
            verdict = f"within the 95% limits ({low} to {high})"
    elif method == "grade":
        if flag == WORSE:
            verdict = "the lowest Ofsted grade"
        elif flag == BETTER:
            verdict = "the highest Ofsted grade"
        else:
            verdict = "neither the highest nor the lowest Ofsted grade"
    else:
        z = row["robust_z"]
        if flag in (WORSE, BETTER):
            side, sign = ("above", "") if z > 0 else ("below", "-")
            threshold = "3.09" if row["flag_level"] == "99.8" else "1.96"
            median = format_value(row["areas_median"], unit, decimals)
            measured_from = "it" if row["england_basis"] == "median" else f"the median of areas ({median})"
            distance = "far " if row["flag_level"] == "99.8" else ""
            verdict = f"{distance}{side} {measured_from}, robust z {z:.1f}, beyond {sign}{threshold}"
        else:
            verdict = f"within the usual range of areas (robust z {z:.1f})"
    return f"{opening}: {'; '.join([verdict, *_clauses(row)])}."
