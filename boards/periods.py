"""Reporting periods: financial quarters and reporting years, with their dates.

Canonical period ids:
- ``2025-26 Q1``: a financial quarter (Q1 = April-June 2025, Q4 = January-March 2026);
- ``2024-25``: a reporting year to 31 March 2025 (DfE children in need collections);
- ``Sep 2025``: a reporting year to 30 September 2025 (DfE workforce census).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

GRANULARITIES = ("quarter", "year_to_march", "year_to_september")

_QUARTER_ID = re.compile(r"^(\d{4})-(\d{2}) Q([1-4])$")
_YEAR_TO_MARCH_ID = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR_TO_SEPTEMBER_ID = re.compile(r"^Sep (\d{4})$")


class PeriodError(ValueError):
    """A period id that does not follow the canonical forms."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    granularity: str
    period_id: str

    @property
    def label(self) -> str:
        if self.granularity == "quarter":
            return f"{self.period_id} ({self.start:%b}-{self.end:%b %Y})"
        if self.granularity == "year_to_march":
            return f"{self.period_id} (year to 31 Mar {self.end.year})"
        return f"Year to 30 Sep {self.end.year}"


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def quarter(fy_start_year: int, q: int) -> Period:
    """The financial quarter ``q`` (1-4) of the year starting in April ``fy_start_year``."""
    if q not in (1, 2, 3, 4):
        raise PeriodError(f"quarter must be 1-4, not {q}")
    first_month = 4 + 3 * (q - 1)
    year = fy_start_year + (first_month > 12)
    first_month = (first_month - 1) % 12 + 1
    start = date(year, first_month, 1)
    end = _month_end(year, first_month + 2)
    return Period(start, end, "quarter", f"{fy_start_year}-{(fy_start_year + 1) % 100:02d} Q{q}")


def year_to_march(end_year: int) -> Period:
    """The reporting year ending 31 March ``end_year`` (DfE ``time_period`` = end_year)."""
    return Period(
        date(end_year - 1, 4, 1),
        date(end_year, 3, 31),
        "year_to_march",
        f"{end_year - 1}-{end_year % 100:02d}",
    )


def year_to_september(end_year: int) -> Period:
    """The reporting year ending 30 September ``end_year`` (workforce census)."""
    return Period(date(end_year - 1, 10, 1), date(end_year, 9, 30), "year_to_september", f"Sep {end_year}")


def parse_period_id(period_id: str) -> Period:
    """Parse a canonical period id (the forms in the module docstring)."""
    text = period_id.strip()
    if m := _QUARTER_ID.match(text):
        start_year, end_yy, q = int(m[1]), int(m[2]), int(m[3])
        if (start_year + 1) % 100 != end_yy:
            raise PeriodError(f"'{period_id}': the years must be consecutive, e.g. 2025-26 Q1")
        return quarter(start_year, q)
    if m := _YEAR_TO_MARCH_ID.match(text):
        start_year, end_yy = int(m[1]), int(m[2])
        if (start_year + 1) % 100 != end_yy:
            raise PeriodError(f"'{period_id}': the years must be consecutive, e.g. 2024-25")
        return year_to_march(start_year + 1)
    if m := _YEAR_TO_SEPTEMBER_ID.match(text):
        return year_to_september(int(m[1]))
    raise PeriodError(f"'{period_id}' is not a period: expected e.g. '2025-26 Q1', '2024-25' or 'Sep 2025'")


def quarters_between(first: Period, last: Period) -> list[Period]:
    """Every financial quarter from ``first`` to ``last`` inclusive."""
    periods = []
    current = first
    while current.start <= last.start:
        periods.append(current)
        next_start = current.end + timedelta(days=1)
        fy = next_start.year if next_start.month >= 4 else next_start.year - 1
        current = quarter(fy, (next_start.month - 4) % 12 // 3 + 1)
    return periods


def published_on(end_date: date, granularity: str) -> date | None:
    """When DfE publishes a year's figures: 1 December after a year to 31 March (children in need
    statistics), 1 March after a year to 30 September (children's social work workforce statistics);
    None for a quarter, which DfE does not publish (quarters are local returns and figures derived at
    the quarter's end)."""
    if granularity == "year_to_march":
        return date(end_date.year, 12, 1)
    if granularity == "year_to_september":
        return date(end_date.year + 1, 3, 1)
    return None


def whole_months_between(earlier: date, later: date) -> int:
    """Completed calendar months from ``earlier`` to ``later`` (15 Jan -> 14 Mar is 1)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)
