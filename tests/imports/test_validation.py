"""The rules of every figure: limits from the catalogue, counts, and the rounding tolerance."""

import pytest

from .conftest import inspect, long_csv
from .xlsx import workbook


def messages(store, *rows):
    return [problem.message for problem in inspect(store, "r.csv", long_csv(*rows)).problems]


@pytest.mark.parametrize(
    "row",
    [
        "E06000001,2025-26 Q1,attendance_police,85.7,6,7,",  # 85.714... rounds to 85.7
        "E06000001,2025-26 Q1,attendance_police,86,6,7,",  # written to a whole number: 85.5 to 86.5
        "E06000001,2025-26 Q1,attendance_police,85.71428571,6,7,",
        "E06000001,2025-26 Q1,attendance_police,100,7,7,",
        "E06000001,2025-26 Q1,attendance_police,0,0,7,",
        "E06000001,2024-25,s47_rate,189.0,1134,60000,",
        "E06000001,Sep 2025,caseload,15.3,152,9.9,",  # 15.35: passes only because the FTE is rounded to 0.1
    ],
)
def test_correctly_rounded_values_pass(store, row):
    """A value written to any precision passes when it is numerator / denominator x multiplier rounded."""
    assert messages(store, row) == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("E06000001,2025-26 Q1,attendance_police,85.8,6,7,",
         'Line 2, column "value": 85.8 does not match numerator / denominator (6 / 7 = 85.71%) for "Police '
         'attendance at partnership meetings"'),
        ("E06000001,2025-26 Q1,attendance_police,87,6,7,",
         'Line 2, column "value": 87 does not match numerator / denominator (6 / 7 = 85.71%) for "Police '
         'attendance at partnership meetings"'),
        ("E06000001,2024-25,s47_rate,190.0,1134,60000,",
         'Line 2, column "value": 190.0 does not match numerator / denominator (1,134 / 60,000 = 189) for '
         '"Section 47 enquiry rate"'),
        ("E06000001,Sep 2025,caseload,101,,,",
         'Line 2, column "value": 101 is above the maximum of 100 for "Caseload per case-holding social worker" '
         "(a ratio)"),
        ("E06000001,2025-26 Q1,ilacs_grade,5,,,",
         'Line 2, column "value": 5 is above the maximum of 4 for "ILACS overall effectiveness" (a grade from 1 to 4)'),
    ],
)
def test_values_outside_the_rounding_or_the_range_are_refused(store, row, message):
    """Half a unit of the last written digit is the whole tolerance; limits come from the catalogue."""
    assert messages(store, row) == [message]


def test_published_counts_are_not_checked_against_the_value(store):
    """DfE's rounded counts may not reproduce its published percentage; only uploads are held to it."""
    ees = (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "old_la_code,new_la_code,la_name,category,referral_count,rereferral_count,rereferral_percent\n"
        "2025,Reporting year,Local authority,E92000001,England,E12000001,North East,805,E06000001,Hartlepool,"
        "Referrals,121230,32310,26.6\n"
    )
    assert inspect(store, "c1.csv", ees.encode()).problems == ()


def test_total_rows_and_typed_dates_are_named_as_such(store):
    """A total row is named a total row, not an unknown area; a date in the period cell gets the quarter it falls
    in as a suggestion."""
    assert messages(
        store,
        "Total,2025-26 Q1,attendance_police,80,4,5,",
        "E06000001,30/09/2026,attendance_police,80,4,5,",
    ) == [
        'Line 2, column "area_code": "Total" is a total row, not a local authority: delete the row. A return gives '
        "one row per local authority; England and regional figures come from DfE or are added up from them",
        'Line 3, column "period": "30/09/2026" is not a period: expected a quarter such as 2025-26 Q1 (also written '
        "Q1 2025-26 or 2025/26 Q1); did you mean 2026-27 Q2, the quarter the date 30 September 2026 falls in?",
    ]


def test_an_excel_date_serial_in_a_workbook_gets_the_quarter_it_falls_in(store):
    """A period column formatted as a number in Excel holds the date's serial, 46295 for 30 September 2026."""
    data = workbook({"Q2": [["area_code", "period", "attendance_police"], ["E06000001", 46295, 80]]})
    assert [p.message for p in inspect(store, "r.xlsx", data).problems] == [
        'Row 2, column "period": "46295" is not a period: expected a quarter such as 2025-26 Q1 (also written Q1 '
        "2025-26 or 2025/26 Q1); did you mean 2026-27 Q2, the quarter the Excel date 46295 (30 September 2026) "
        "falls in?"
    ]
