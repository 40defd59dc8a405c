"""Financial quarters and reporting years, with their dates."""

from datetime import date

import pytest

from boards.periods import (
    PeriodError,
    parse_period_id,
    published_on,
    quarter,
    quarters_between,
    whole_months_between,
    year_to_march,
    year_to_september,
)


def test_q1_is_april_to_june():
    """2025-26 Q1 runs from 1 April to 30 June 2025."""
    q1 = quarter(2025, 1)
    assert (q1.period_id, q1.start, q1.end) == ("2025-26 Q1", date(2025, 4, 1), date(2025, 6, 30))


def test_q4_falls_in_the_next_calendar_year():
    """2025-26 Q4 is January to March 2026."""
    q4 = quarter(2025, 4)
    assert (q4.start, q4.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert q4.label == "2025-26 Q4 (Jan-Mar 2026)"


def test_q3_ends_in_december():
    """Q3 ends on 31 December of the first year."""
    assert quarter(2024, 3).end == date(2024, 12, 31)


def test_year_to_march_matches_dfe_time_period():
    """DfE time_period 2025 for children in need is the year 1 April 2024 to 31 March 2025."""
    year = year_to_march(2025)
    assert (year.period_id, year.start, year.end) == ("2024-25", date(2024, 4, 1), date(2025, 3, 31))


def test_workforce_year_ends_in_september():
    """DfE workforce time_period 2025 is the year to 30 September 2025."""
    year = year_to_september(2025)
    assert (year.period_id, year.end, year.label) == ("Sep 2025", date(2025, 9, 30), "Year to 30 Sep 2025")


@pytest.mark.parametrize("text", ["2025-26 Q1", "2024-25", "Sep 2025", " 2023-24 Q4 "])
def test_canonical_ids_round_trip(text):
    """Every canonical id parses back to itself."""
    assert parse_period_id(text).period_id == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-27 Q1", "consecutive"),
        ("2025-26 Q5", "not a period"),
        ("Q1 2025", "not a period"),
        ("2024-26", "consecutive"),
    ],
)
def test_bad_ids_say_what_was_expected(text, message):
    """A malformed id raises PeriodError naming the value and the expected form."""
    with pytest.raises(PeriodError, match=message) as error:
        parse_period_id(text)
    assert text in str(error.value)


def test_quarters_between_crosses_financial_years():
    """Eight quarters from 2024-25 Q3 end at 2026-27 Q2."""
    ids = [p.period_id for p in quarters_between(quarter(2024, 3), quarter(2026, 2))]
    assert ids == [
        "2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2",
        "2025-26 Q3", "2025-26 Q4", "2026-27 Q1", "2026-27 Q2",
    ]


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        (date(2025, 1, 15), date(2025, 3, 14), 1),
        (date(2025, 1, 15), date(2025, 3, 15), 2),
        (date(2023, 9, 15), date(2026, 9, 30), 36),
        (date(2025, 6, 30), date(2025, 6, 30), 0),
    ],
)
def test_whole_months(earlier, later, months):
    """Only completed calendar months count."""
    assert whole_months_between(earlier, later) == months


def test_publication_dates():
    """Children in need figures for the year to 31 March count from 1 December; workforce figures for the year
    to 30 September from 1 March after it; quarters are not published."""
    assert published_on(date(2022, 3, 31), "year_to_march") == date(2022, 12, 1)
    assert published_on(date(2022, 9, 30), "year_to_september") == date(2023, 3, 1)
    assert published_on(date(2022, 9, 30), "quarter") is None
