"""Period cells, in the forms people write them, to canonical periods (see boards.periods).

Quarters: "2025-26 Q1", "Q1 2025-26", "2025/26 Q1", "2025-2026 Q1". Years to 31 March: "2024-25",
"2024/25", "202425" (DfE's form) or "2025" (the year ending March 2025, DfE's convention). Years
to 30 September: "Sep 2025", "September 2025" or "2025". Which one a cell must be comes from the
indicator's period type in the catalogue; a period that has not ended is refused.

A date is not a period, but people type one ("30/09/2026", "2026-09-30", an Excel date cell's
serial number 46295, a month "Sep 2026"): its refusal suggests the period it falls in ("did you
mean 2026-27 Q2?") rather than guessing, since a date may be a quarter's start, end or any day.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from boards.periods import Period, quarter, year_to_march, year_to_september

_QUARTER_FIRST_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*Q([1-4])$", re.IGNORECASE)
_QUARTER_FIRST = re.compile(r"^Q([1-4])\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
_YEAR_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_SEPTEMBER = re.compile(r"^Sep(?:t|tember)?\.?\s+(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_DAY_FIRST_DATE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{4})$")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")
# Day 0 of Excel's date serial numbers (its 1900 leap-year bug makes it the 30th, for dates after February 1900).
_EXCEL_DAY_ZERO = date(1899, 12, 30)

EXPECTED = {
    "quarter": "a quarter such as 2025-26 Q1 (also written Q1 2025-26 or 2025/26 Q1)",
    "year_to_march": "a year to 31 March such as 2024-25",
    "year_to_september": "a year to 30 September such as Sep 2025",
}
FORMS = {"quarter": "a quarter", "range": "a year to 31 March", "september": "a year to 30 September"}
PERIOD_NOUNS = {"quarter": "quarter", "year_to_march": "year to 31 March", "year_to_september": "year to 30 September"}
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


def _date_written(text: str) -> tuple[str, date] | None:
    """(the date in words, its day) when the text is a date, an Excel date serial or a month; else None."""
    try:
        if m := _DAY_FIRST_DATE.match(text):
            day = date(int(m[3]), int(m[2]), int(m[1]))
        elif m := _ISO_DATE.match(text):
            day = date(int(m[1]), int(m[2]), int(m[3]))
        else:
            day = None
    except ValueError:  # no such day (31/02/2026)
        return None
    if day is not None:
        return f"the date {day.day} {day:%B %Y}", day
    if m := _EXCEL_SERIAL.match(text):
        day = _EXCEL_DAY_ZERO + timedelta(days=int(m[1]))
        return f"the Excel date {text} ({day.day} {day:%B %Y})", day
    if m := _MONTH_YEAR.match(text):
        word = m[1].lower()
        months = [n for n, name in enumerate(_MONTH_NAMES, start=1) if len(word) >= 3 and name.startswith(word)]
        if months:
            year, month = int(m[2]), months[0]
            last_day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            return f"the month {last_day:%B %Y}", last_day
    return None


def period_containing(day: date, period_type: str) -> Period:
    """The period of a type that ``day`` falls in: the financial quarter, or the year to March or September."""
    if period_type == "quarter":
        first_year = day.year if day.month >= 4 else day.year - 1
        return quarter(first_year, (day.month - 4) % 12 // 3 + 1)
    if period_type == "year_to_march":
        return year_to_march(day.year if day.month <= 3 else day.year + 1)
    return year_to_september(day.year if day.month <= 9 else day.year + 1)


def _suggestion(text: str, period_type: str, today: date) -> str:
    """"; did you mean 2026-27 Q2, ...?" for a date, Excel date or month, naming the period it falls in; else ""."""
    written = _date_written(text)
    if written is None:
        return ""
    words, day = written
    period = period_containing(day, period_type)
    if period.end >= today:
        return f"; {words} falls in {period.period_id}, which has not ended yet"
    return f"; did you mean {period.period_id}, the {PERIOD_NOUNS[period_type]} {words} falls in?"


def read_period(text: str, period_type: str, indicator_name: str, today: date) -> Period:
    """The canonical period a cell names for an indicator, or PeriodFormError saying what was expected (and,
    for a date, which period it falls in)."""
    expected = EXPECTED[period_type]
    if not text:
        raise PeriodFormError(f"the period is blank: expected {expected}")
    try:
        form, year, q = _written_as(text)
    except PeriodFormError as exc:
        raise PeriodFormError(
            str(exc) or f'"{text}" is not a period: expected {expected}{_suggestion(text, period_type, today)}'
        ) from None
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
        raise PeriodFormError(f"{reason}: expected {expected}{_suggestion(text, period_type, today)}")
    if period.end >= today:
        raise PeriodFormError(
            f'"{text}" has not ended yet (it runs to {period.end.day} {period.end:%B %Y}): give figures '
            "only for periods that have ended"
        )
    return period
