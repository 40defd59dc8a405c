"""Period cells in the forms people write them, read against the indicator's period type."""

from datetime import date

import pytest

from boards.imports.period_forms import PeriodFormError, read_period

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "period_type", "period_id"),
    [
        ("2025-26 Q1", "quarter", "2025-26 Q1"),
        ("Q1 2025-26", "quarter", "2025-26 Q1"),
        ("2025/26 Q1", "quarter", "2025-26 Q1"),
        ("2025/2026 q4", "quarter", "2025-26 Q4"),
        ("2026-27 Q2", "quarter", "2026-27 Q2"),
        ("2024-25", "year_to_march", "2024-25"),
        ("2024/25", "year_to_march", "2024-25"),
        ("202425", "year_to_march", "2024-25"),
        ("2025", "year_to_march", "2024-25"),
        ("Sep 2025", "year_to_september", "Sep 2025"),
        ("September 2025", "year_to_september", "Sep 2025"),
        ("2025", "year_to_september", "Sep 2025"),
    ],
)
def test_accepted_forms(text, period_type, period_id):
    """Every accepted form gives the canonical period id."""
    assert read_period(text, period_type, "X", TODAY).period_id == period_id


@pytest.mark.parametrize(
    ("text", "period_type", "message"),
    [
        ("2025", "quarter", '"2025" is ambiguous: "X" is reported quarterly: expected a quarter such as 2025-26 Q1 '
                            "(also written Q1 2025-26 or 2025/26 Q1)"),
        ("2024-25", "year_to_september", '"2024-25" is ambiguous: "X" is an annual figure for the year to 30 '
                                         "September: expected a year to 30 September such as Sep 2025"),
        ("2025-26 Q1", "year_to_march", '"2025-26 Q1" is a quarter, but "X" is an annual figure for the year to 31 '
                                        "March: expected a year to 31 March such as 2024-25"),
        ("2026-27 Q3", "quarter", '"2026-27 Q3" has not ended yet (it runs to 31 December 2026): give figures only '
                                  "for periods that have ended"),
        ("2026-27", "year_to_march", '"2026-27" has not ended yet (it runs to 31 March 2027): give figures only '
                                     "for periods that have ended"),
        ("2025-27 Q1", "quarter",
         '"2025-27 Q1" is not a period: the two years must follow each other, as in 2025-26 Q1'),
        ("Q5 2025", "quarter", '"Q5 2025" is not a period: expected a quarter such as 2025-26 Q1 (also written Q1 '
                               "2025-26 or 2025/26 Q1)"),
        ("", "year_to_march", "the period is blank: expected a year to 31 March such as 2024-25"),
    ],
)
def test_refused_forms_say_what_was_expected(text, period_type, message):
    """Ambiguous, mismatched, future and malformed periods are refused with the expected form."""
    with pytest.raises(PeriodFormError) as refused:
        read_period(text, period_type, "X", TODAY)
    assert str(refused.value) == message


def test_quarter_ends_on_its_last_day():
    """On 30 September 2026 the quarter ending that day has not ended; the day after it has."""
    with pytest.raises(PeriodFormError):
        read_period("2026-27 Q2", "quarter", "X", date(2026, 9, 30))
    assert read_period("2026-27 Q2", "quarter", "X", date(2026, 10, 1)).period_id == "2026-27 Q2"


QUARTER_EXPECTED = "expected a quarter such as 2025-26 Q1 (also written Q1 2025-26 or 2025/26 Q1)"


@pytest.mark.parametrize(
    ("text", "period_type", "message"),
    [
        ("30/09/2026", "quarter", f'"30/09/2026" is not a period: {QUARTER_EXPECTED}; did you mean 2026-27 Q2, the '
                                  "quarter the date 30 September 2026 falls in?"),
        ("2026-09-30", "quarter", f'"2026-09-30" is not a period: {QUARTER_EXPECTED}; did you mean 2026-27 Q2, the '
                                  "quarter the date 30 September 2026 falls in?"),
        ("46295", "quarter", f'"46295" is not a period: {QUARTER_EXPECTED}; did you mean 2026-27 Q2, the quarter the '
                             "Excel date 46295 (30 September 2026) falls in?"),
        ("Sep 2026", "quarter", '"Sep 2026" is a year to 30 September, but "X" is reported quarterly: '
                                f"{QUARTER_EXPECTED}; did you mean 2026-27 Q2, the quarter the month September 2026 "
                                "falls in?"),
        ("Jan 2026", "quarter", f'"Jan 2026" is not a period: {QUARTER_EXPECTED}; did you mean 2025-26 Q4, the '
                                "quarter the month January 2026 falls in?"),
        ("31/03/2025", "year_to_march", '"31/03/2025" is not a period: expected a year to 31 March such as 2024-25; '
                                        "did you mean 2024-25, the year to 31 March the date 31 March 2025 falls in?"),
        ("31/12/2026", "quarter", f'"31/12/2026" is not a period: {QUARTER_EXPECTED}; the date 31 December 2026 falls '
                                  "in 2026-27 Q3, which has not ended yet"),
        ("31/02/2026", "quarter", f'"31/02/2026" is not a period: {QUARTER_EXPECTED}'),
    ],
)
def test_a_date_is_refused_with_the_period_it_falls_in(text, period_type, message):
    """A typed date, an Excel date serial and a month are not periods: the refusal suggests the one they fall in,
    or says it has not ended; a day that does not exist gets no suggestion."""
    with pytest.raises(PeriodFormError) as refused:
        read_period(text, period_type, "X", TODAY)
    assert str(refused.value) == message
