"""Period cells, in the forms people write them, to canonical periods (see boards.periods).

Quarters: "2025-26 Q1", "Q1 2025-26", "2025/26 Q1", "2025-2026 Q1". Years to 31 March: "2024-25",
"2024/25", "202425" (DfE's form) or "2025" (the year ending March 2025, DfE's convention). Years
to 30 September: "Sep 2025", "September 2025" or "2025". Which one a cell must be comes from the
indicator's period type in the catalogue; a period that has not ended is refused.
"""

from __future__ import annotations

import re
from datetime import date

from boards.periods import Period, quarter, year_to_march, year_to_september

_QUARTER_FIRST_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*Q([1-4])$", re.IGNORECASE)
_QUARTER_FIRST = re.compile(r"^Q([1-4])\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
_YEAR_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_SEPTEMBER = re.compile(r"^Sep(?:t|tember)?\.?\s+(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")

EXPECTED = {
    "quarter": "a quarter such as 2025-26 Q1 (also written Q1 2025-26 or 2025/26 Q1)",
    "year_to_march": "a year to 31 March such as 2024-25",
    "year_to_september": "a year to 30 September such as Sep 2025",
}
FORMS = {"quarter": "a quarter", "range": "a year to 31 March", "september": "a year to 30 September"}
DESCRIBED = {
    "quarter": "is reported quarterly",
    "year_to_march": "is an annual figure for the year to 31 March",
    "year_to_september": "is an annual figure for the year to 30 September",
}


class PeriodFormError(ValueError):
    """A period cell that is not a period this indicator can have; the message says what is expected."""


def _second_year(first: int, second: str) -> int | None:
    """The year after ``first`` if ``second`` (yy or yyyy) names it, else None."""
    following = first + 1
    return following if int(second) in (following % 100, following) and len(second) in (2, 4) else None


def _written_as(text: str) -> tuple[str, int, int | None]:
    """(form, year the period ends in or starts in, quarter): the form is quarter, range or year."""
    if (m := _QUARTER_FIRST_YEAR.match(text)) or (m := _QUARTER_FIRST.match(text)):
        first, second, q = (m[1], m[2], int(m[3])) if m.re is _QUARTER_FIRST_YEAR else (m[2], m[3], int(m[1]))
        if _second_year(int(first), second) is None:
            raise PeriodFormError(f'"{text}" is not a period: the two years must follow each other, as in 2025-26 Q1')
        return "quarter", int(first), q
    if (m := _YEAR_RANGE.match(text)) or (m := _YEAR_COMPACT.match(text)):
        if _second_year(int(m[1]), m[2]) is None:
            raise PeriodFormError(f'"{text}" is not a period: the two years must follow each other, as in 2024-25')
        return "range", int(m[1]) + 1, None
    if m := _SEPTEMBER.match(text):
        return "september", int(m[1]), None
    if m := _YEAR.match(text):
        return "year", int(m[1]), None
    raise PeriodFormError("")


def read_period(text: str, period_type: str, indicator_name: str, today: date) -> Period:
    """The canonical period a cell names for an indicator, or PeriodFormError saying what was expected."""
    expected = EXPECTED[period_type]
    if not text:
        raise PeriodFormError(f"the period is blank: expected {expected}")
    try:
        form, year, q = _written_as(text)
    except PeriodFormError as exc:
        raise PeriodFormError(str(exc) or f'"{text}" is not a period: expected {expected}') from None
    period: Period | None = None
    if period_type == "quarter" and form == "quarter":
        period = quarter(year, q or 1)
    elif period_type == "year_to_march" and form in ("range", "year"):
        period = year_to_march(year)
    elif period_type == "year_to_september" and form in ("september", "year"):
        period = year_to_september(year)
    if period is None:
        if form in ("year", "range") and period_type != "year_to_march":
            reason = f'"{text}" is ambiguous: "{indicator_name}" {DESCRIBED[period_type]}'
        else:
            reason = f'"{text}" is {FORMS[form]}, but "{indicator_name}" {DESCRIBED[period_type]}'
        raise PeriodFormError(f"{reason}: expected {expected}")
    if period.end >= today:
        raise PeriodFormError(
            f'"{text}" has not ended yet (it runs to {period.end.day} {period.end:%B %Y}): give figures '
            "only for periods that have ended"
        )
    return period
