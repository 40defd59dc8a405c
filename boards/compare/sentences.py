"""One sentence per result that a director can read aloud, e.g.

    Re-referrals 31.2% (year to 31 Mar 2025) against England 22.6%: above the 99.8% limit
    (27.9%); worse for 3 years running.

Values use the catalogue's short name, unit and decimals; the period is named when it is not
the period the comparison is for (an annual figure in a quarter's comparison). Context
indicators get no sentence: they are never judged.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from boards.compare.score import BETTER, DID_NOT_REPORT, NOT_COMPARED, NOT_JUDGED, TOO_FEW, WORSE

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
# A figure's status in a word or two, for tables and chart labels: the codes themselves ("z", "c") mean nothing
# to a reader (GSS symbols, as DfE and ONS publish them).
STATUS_WORDS = {
    "reported": "reported",
    "c": "suppressed",
    "low": "suppressed (rounds to 0)",
    "u": "unreliable",
    "x": "not available",
    "z": "not applicable",
    "missing": "not returned",
    "absent": "no figure",
}


def status_words(status: object) -> str:
    """'not applicable' for 'z', 'suppressed' for 'c': a status as a reader says it (unknown codes as they are)."""
    return STATUS_WORDS.get(str(status), str(status))


_PLURAL_PERIODS = {"quarter": "quarters", "year_to_march": "years", "year_to_september": "years"}
_UNIT_SUFFIXES = {"percent": "%", "per_10k": " per 10,000", "months": " months"}


def format_value(value: float, unit: str, decimals: int) -> str:
    """A value as a director reads it: 31.2%, 519.4 per 10,000, 19.8, 30 months, Good."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no figure"
    if unit == "grade":
        grade = int(round(value))
        return GRADE_NAMES.get(grade, f"grade {grade}")
    return f"{value:,.{decimals}f}{_UNIT_SUFFIXES.get(unit, '')}"


def format_values(values: np.ndarray, units: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """``format_value`` of many values at once (an object array): each distinct value of a unit
    and number of decimals is formatted once (a benchmark is shared by every area)."""
    values = np.asarray(values, dtype=float) + 0.0  # -0.0 becomes 0.0: never "-0.0%"
    text = np.full(len(values), "no figure", dtype=object)
    present = ~np.isnan(values)
    for unit in set(units[present].tolist()):
        of_unit = present & (units == unit)
        for places in set(decimals[of_unit].tolist()):
            rows = of_unit & (decimals == places)
            distinct, inverse = np.unique(values[rows], return_inverse=True)
            if unit == "grade":
                words = [GRADE_NAMES.get(grade, f"grade {grade}") for grade in np.rint(distinct).astype(int).tolist()]
            else:
                spec, suffix = f",.{places}f", _UNIT_SUFFIXES.get(unit, "")
                words = [format(value, spec) + suffix for value in distinct.tolist()]
            text[rows] = np.array(words, dtype=object)[inverse]
    return text


def period_phrase(period_id: str, granularity: str, end_date: date) -> str:
    """How a sentence names a period: '2026-27 Q2', 'year to 31 Mar 2025', 'year to 30 Sep 2025'."""
    if granularity == "quarter":
        return period_id
    return f"year to {end_date.day} {end_date:%b %Y}"


def _p_values(p: np.ndarray) -> list[str]:
    return ["p < 0.001" if value < 0.001 else f"p = {value:.3f}" for value in p.tolist()]


def sentences_of(results: pd.DataFrame, as_at_period_id: str) -> list[str | None]:
    """The sentence of every row of ``results`` at once, branch by branch over arrays rather than row by
    row; None for context indicators."""
    def text(column: str) -> np.ndarray:
        return results[column].to_numpy(dtype=object)

    def number(column: str) -> np.ndarray:
        return results[column].to_numpy(dtype=float)

    flag, method, status, basis = text("flag"), text("method"), text("status"), text("england_basis")
    level, trend, name = text("flag_level"), text("trend"), text("short_name")
    unit, decimals = text("unit"), results["decimals"].to_numpy().astype(int)

    def formatted(column: str | np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The ``rows`` of a column (or array) of values, formatted: only the rows a sentence shows."""
        values = number(column) if isinstance(column, str) else column
        return format_values(values[rows], unit[rows], decimals[rows])

    period_id, granularity, end_date = text("period_id"), text("granularity"), text("end_date")
    phrases = {key: period_phrase(*key) for key in set(zip(period_id, granularity, end_date))}
    when = np.array([phrases[key] for key in zip(period_id, granularity, end_date)], dtype=object)
    periods = np.array([_PLURAL_PERIODS[g] for g in granularity], dtype=object)

    said = np.full(len(results), None, dtype=object)
    missing = flag == DID_NOT_REPORT
    said[missing] = name[missing] + ": no return for " + when[missing] + "."

    value = number("value")
    not_compared = flag == NOT_COMPARED
    has_figure = not_compared & (status == "reported") & ~np.isnan(value)
    judged = ~np.isin(flag, (NOT_JUDGED, DID_NOT_REPORT, NOT_COMPARED))
    shown = np.full(len(results), "", dtype=object)
    shown[judged | has_figure] = formatted(value, judged | has_figure)
    elsewhere = (judged | has_figure) & (period_id != as_at_period_id)
    shown[elsewhere] = shown[elsewhere] + " (" + when[elsewhere] + ")"
    said[has_figure] = name[has_figure] + " " + shown[has_figure] + (
        ": not compared, no numerator and denominator to test it with."
    )
    no_figure = not_compared & ~has_figure
    reasons = np.array([NOT_COMPARED_REASONS.get(code, "no figure") for code in status[no_figure]], dtype=object)
    said[no_figure] = name[no_figure] + " (" + when[no_figure] + "): not compared, " + reasons + "."

    by_median = basis == "median"
    benchmark = np.where(by_median[judged], "the median of areas", "England")
    flagged = np.isin(flag, (WORSE, BETTER))
    verdict = np.full(len(results), "", dtype=object)

    funnel = judged & np.isin(method, ("proportion", "rate"))
    above = number("direction") > 0
    strong = level == "99.8"
    limit = np.select(
        [above & strong, above, strong], [number("upper_99_8"), number("upper_95"), number("lower_99_8")],
        number("lower_95"),
    )
    beyond = funnel & flagged
    limit_text = np.full(len(results), "", dtype=object)
    limit_text[beyond] = formatted(limit, beyond)
    # A value and the limit it is beyond never print as the same number: more decimals for both until they differ.
    for row in np.flatnonzero(beyond & (limit_text == formatted(value, np.ones(len(results), dtype=bool)))).tolist():
        for extra in (1, 2, 3):
            places = np.array([decimals[row] + extra])
            value_text = format_values(value[row : row + 1], unit[row : row + 1], places)[0]
            limit_text[row] = format_values(limit[row : row + 1], unit[row : row + 1], places)[0]
            if value_text != limit_text[row]:
                break
        shown[row] = value_text + shown[row][len(format_values(value[row : row + 1], unit[row : row + 1],
                                                                 decimals[row : row + 1])[0]):]
    verdict[beyond] = np.where(above[beyond], "above", "below") + " the " + level[beyond] + "% limit (" + (
        limit_text[beyond] + ")"
    )
    too_few = flag == TOO_FEW
    within = funnel & ~flagged & ~too_few
    verdict[within] = "within the 95% limits (" + formatted("lower_95", within) + " to " + (
        formatted("upper_95", within) + ")"
    )
    if too_few.any():
        verdict[too_few] = [f"too few to judge ({denominator:g} in the denominator, under 10)"
                            for denominator in number("denominator")[too_few].tolist()]

    grade = judged & (method == "grade")
    verdict[grade] = "Ofsted's judgement" + np.select(
        [flag[grade] == WORSE, flag[grade] == BETTER], [", a concern", ", the highest grade"], ""
    )
    if "inspection_finished" in results:
        # The inspection's own date: a judgement is Ofsted's on the day it was made, not a figure of the quarter.
        finished = results["inspection_finished"].to_numpy(dtype=object)
        on_day = grade & pd.notna(finished)
        verdict[on_day] = verdict[on_day] + np.array(
            [f" (inspection ending {day.day} {day:%B %Y})" for day in finished[on_day]], dtype=object
        )
    else:
        on_day = np.zeros(len(results), dtype=bool)
    if "inspection_months" in results:
        months = number("inspection_months")
        dated = grade & ~on_day & np.isfinite(months)
        end = np.array([f"{d:%-d %b %Y}" for d in results["end_date"].to_numpy()[dated]], dtype=object)
        verdict[dated] = verdict[dated] + " (inspected " + months[dated].astype(int).astype(str) + (
            " months before " + end + ")"
        )

    robust = judged & ~funnel & ~grade
    z = number("robust_z")
    z_text = np.full(len(results), "", dtype=object)
    z_text[robust] = [f"{value:.1f}" for value in z[robust].tolist()]
    far = robust & flagged
    positive = z > 0
    measured_from = np.full(len(results), "it", dtype=object)
    from_areas = far & ~by_median
    measured_from[from_areas] = "the median of areas (" + formatted("areas_median", from_areas) + ")"
    verdict[far] = (
        np.where(strong[far], "far ", "") + np.where(positive[far], "above ", "below ") + measured_from[far]
        + ", robust z " + z_text[far] + ", beyond " + np.where(strong[far], "3", "2") + " robust SDs"
    )
    usual = robust & ~flagged
    verdict[usual] = "within the usual range of areas (robust z " + z_text[usual] + ")"
    if "robust_value" in results:
        per_children = robust & np.isfinite(number("robust_value"))
        rates = [f"{rate:.1f} per 10,000 children against the median of areas {median:.1f}"
                 for rate, median in zip(number("robust_value")[per_children].tolist(),
                                         number("robust_median")[per_children].tolist(), strict=True)]
        verdict[per_children] = np.array(rates, dtype=object) + ": " + verdict[per_children]

    streak = judged & (flag == WORSE) & (results["worse_streak"].to_numpy() >= 3)
    verdict[streak] = verdict[streak] + "; worse for " + results["worse_streak"].to_numpy()[streak].astype(str) + (
        " " + periods[streak] + " running"
    )
    trending = judged & np.isin(trend, ("worsening", "improving"))
    test = np.where(funnel[trending], np.array(_p_values(number("trend_p")[trending]), dtype=object),
                    "faster than other areas")
    against = np.where(funnel[trending], " relative to England", "")
    verdict[trending] = verdict[trending] + "; " + trend[trending] + against + " over the last " + (
        results["trend_points"].to_numpy()[trending].astype(str) + " " + periods[trending] + " (" + test + ")"
    )
    opening = name[judged] + " " + shown[judged] + " against " + benchmark + " " + formatted("england", judged)
    said[judged] = opening + ": " + verdict[judged] + "."
    return said.tolist()
