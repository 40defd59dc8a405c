"""The rules of every figure: limits from the catalogue, counts, and the rounding tolerance."""

import pytest

from .conftest import inspect, long_csv


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
        "E06000001,2025-26 Q1,s47_rate,189.0,1134,60000,",
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
        ("E06000001,2025-26 Q1,s47_rate,190.0,1134,60000,",
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
