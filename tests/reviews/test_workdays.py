"""Working days in England: weekends and bank holidays (2025 to 2027) are not counted; day 0 is the event."""

from datetime import date

import numpy as np
import pytest

from boards.reviews.workdays import add_working_days, is_working_day, single_deadline, working_days_after


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        # Christmas 2025: 25, 26 Dec, the weekend and 1 Jan are skipped.
        (date(2025, 12, 24), 5, date(2026, 1, 5)),
        (date(2025, 12, 24), 15, date(2026, 1, 19)),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
        (date(2026, 4, 2), 5, date(2026, 4, 13)),
        # Easter 2025: Good Friday 18 April and Easter Monday 21 April.
        (date(2025, 4, 4), 15, date(2025, 4, 29)),
        # Christmas 2026: Boxing Day is a Saturday, so Monday 28 December is the substitute holiday.
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
        # A plain week: Monday + 5 is the next Monday.
        (date(2025, 11, 17), 5, date(2025, 11, 24)),
        # A weekend start: Saturday + 1 working day is Monday, + 5 is Friday.
        (date(2025, 11, 22), 1, date(2025, 11, 24)),
        (date(2025, 11, 22), 5, date(2025, 11, 28)),
        # A bank holiday start (Late Summer 25 Aug 2025): the next working day is day 1.
        (date(2025, 8, 25), 1, date(2025, 8, 26)),
        # One-off holidays: the State Funeral (19 Sep 2022) and the Coronation (8 May 2023).
        (date(2022, 9, 15), 2, date(2022, 9, 20)),
        (date(2023, 5, 5), 1, date(2023, 5, 9)),
    ],
)
def test_deadline_in_working_days(start, days, deadline):
    """The deadline skips weekends and English bank holidays; counting back gives the same number of days."""
    assert single_deadline(start, days) == deadline
    assert working_days_after([start], [deadline])[0] == days


def test_bank_holidays_and_weekends_are_not_working_days():
    """Boxing Day 2026 (a Saturday), its substitute Monday 28 Dec, Easter Monday 2026 are not working days."""
    assert not is_working_day(date(2026, 12, 26))
    assert not is_working_day(date(2026, 12, 28))
    assert not is_working_day(date(2026, 4, 6))
    assert is_working_day(date(2026, 12, 29))


def test_on_time_boundary():
    """Notified on the 5th working day is on time, on the 6th late: 24 Dec 2025 known, 5 Jan vs 6 Jan."""
    assert working_days_after([date(2025, 12, 24)] * 2, [date(2026, 1, 5), date(2026, 1, 6)]).tolist() == [5, 6]


def test_missing_dates_stay_missing_and_arrays_work():
    """NaT in, NaT (or NaN) out; whole columns at once."""
    deadlines = add_working_days([date(2025, 12, 24), None, date(2026, 4, 2)], 5)
    assert deadlines[0] == np.datetime64("2026-01-05") and np.isnat(deadlines[1])
    assert deadlines[2] == np.datetime64("2026-04-13")
    counted = working_days_after([date(2025, 12, 24), None], [date(2026, 1, 5), date(2026, 1, 5)])
    assert counted[0] == 5 and np.isnan(counted[1])


def test_earlier_end_counts_negative():
    """A notification dated before the incident was known counts back: -1 working day."""
    assert working_days_after([date(2025, 11, 25)], [date(2025, 11, 24)])[0] == -1
