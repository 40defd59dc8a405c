"""Working days in England: Monday to Friday except English bank holidays.

The statutory timescales of case reviews are in working days: a serious incident is notified to
the Child Safeguarding Practice Review Panel within 5 working days of the local authority
becoming aware of it, and a rapid review is completed within 15 working days of the
notification. Bank holidays come from the maintained ``holidays`` library (England, including
substitute days and one-off holidays such as the State Funeral of 19 September 2022).

Counting: the day of the event is day 0, whatever day it is; day 1 is the next working day. So
an incident known on Wednesday 24 December 2025 must be notified by Monday 5 January 2026
(Christmas, Boxing Day, the weekend and New Year's Day are not counted).
"""

from __future__ import annotations

import functools
from datetime import date

import holidays
import numpy as np
import pandas as pd


@functools.cache
def _bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(calendar), dtype="datetime64[D]")


def bank_holidays(days: np.ndarray) -> np.ndarray:
    """English bank holidays from the year before the earliest of ``days`` to two years after the latest."""
    known = days[~np.isnat(days)]
    if known.size == 0:
        return np.array([], dtype="datetime64[D]")
    years = known.astype("datetime64[Y]").astype(int) + 1970
    # Two years ahead: a 15-working-day deadline, or 6 months, may cross into the next year.
    return _bank_holidays(int(years.min()) - 1, int(years.max()) + 2)


def _days(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]")


def is_working_day(day: date) -> bool:
    days = _days([day])
    return bool(np.is_busday(days, holidays=bank_holidays(days))[0])


def add_working_days(start, count: int) -> np.ndarray:
    """The day ``count`` working days after each of ``start`` (day 0); NaT stays NaT.

    Rolling a non-working start back to the previous working day before adding gives the same
    answer as counting working days after it one by one: Saturday + 1 working day is Monday.
    """
    days = _days(start)
    result = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    known = ~np.isnat(days)
    result[known] = np.busday_offset(days[known], count, roll="backward", holidays=bank_holidays(days))
    return result


def working_days_after(start, end) -> np.ndarray:
    """Working days after ``start`` up to and including ``end`` (negative when end is earlier); NaN if either
    is missing. ``working_days_after(d, add_working_days(d, n)) == n``."""
    starts, ends = _days(start), _days(end)
    counted = np.full(starts.shape, np.nan)
    known = ~np.isnat(starts) & ~np.isnat(ends)
    calendar = bank_holidays(np.concatenate([starts, ends]))
    one = np.timedelta64(1, "D")
    counted[known] = np.busday_count(starts[known] + one, ends[known] + one, holidays=calendar)
    return counted


def single_deadline(start: date, count: int) -> date:
    """``add_working_days`` for one date, as a date."""
    return pd.Timestamp(add_working_days([start], count)[0]).date()
