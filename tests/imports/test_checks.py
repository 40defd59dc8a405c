"""The checks of an upload's figures as pure functions: literal entries and a literal context, no database."""

from datetime import date

import pandas as pd

from boards.catalogue import load_catalogue
from boards.imports.areas import AreaIndex
from boards.imports.checks import check_figures, repeated_figures, resolve_areas, resolve_periods
from boards.imports.context import UploadContext
from boards.imports.layouts import header_names, long_entries
from boards.imports.problems import Problem
from boards.imports.reading import read_table
from boards.imports.register import PartnershipIndex
from boards.reviews.register import RECOMMENDATION_FIELDS, REVIEW_FIELDS, THEME_FIELDS, Register

INDICATORS = load_catalogue()
AREAS = AreaIndex.of(
    pd.DataFrame(
        [("new_code", "E06000001", "E06000001", "E06000001"), ("name", "hartlepool", "Hartlepool", "E06000001"),
         ("new_code", "E06000002", "E06000002", "E06000002"), ("name", "middlesbrough", "Middlesbrough", "E06000002")],
        columns=["kind", "alias_key", "alias", "area_code"],
    ),
    pd.DataFrame({"region_code": ["E12000001"], "region_name": ["North East"]}),
    {"E06000001": "Hartlepool", "E06000002": "Middlesbrough"},
)
CONTEXT = UploadContext(
    already_loaded=None,
    indicators=INDICATORS,
    areas=AREAS,
    population=pd.DataFrame(columns=["area_code", "year", "population_0_17"]),
    partnerships=PartnershipIndex.of(pd.DataFrame(columns=["partnership_id", "name", "area_code"]), AREAS),
    register=Register.of(pd.DataFrame(columns=list(REVIEW_FIELDS)), pd.DataFrame(columns=list(THEME_FIELDS)),
                         pd.DataFrame(columns=list(RECOMMENDATION_FIELDS))),
    today=date(2026, 11, 22),
)


def entries_of(csv: str):
    table = read_table("return.csv", csv.encode())
    return long_entries(table, header_names(table), INDICATORS), table


def test_a_joint_return_is_one_row_for_each_of_its_areas_noted_before_the_rows_own_note():
    frame = pd.DataFrame({"line": [2, 3, 4], "area_column": "area_code",
                          "area_text": ["Hartlepool / Middlesbrough", "E06000002", "Stockton"],
                          "note": ["late", "", ""]})
    resolved, problems = resolve_areas(frame, AREAS, "Line")
    assert resolved[["line", "area_code", "joint"]].astype(str).values.tolist() == [
        ["2", "E06000001", "True"], ["2", "E06000002", "True"], ["3", "E06000002", "False"], ["4", "", "False"],
    ]
    assert resolved["note"].tolist() == ["Joint return for Hartlepool / Middlesbrough; late"] * 2 + ["", ""]
    assert problems == [Problem(4, "area_code", "Stockton", '"Stockton" is not a local authority we know: give its '
                                "ONS code, 3-digit DfE code or name", "Line")]


def test_a_period_is_read_once_per_text_and_period_type_and_a_refusal_names_the_row():
    frame = pd.DataFrame({
        "line": [2, 3, 4], "period_column": "period", "period_text": ["2025-26 Q1", "2025-26 Q1", "2031-32 Q1"],
        "indicator_id": pd.Categorical(["attendance_police", "multi_agency_audits", "attendance_police"]),
    })
    resolved, problems, periods = resolve_periods(frame, INDICATORS, date(2026, 11, 22), "Line")
    assert resolved["period_id"][:2].tolist() == ["2025-26 Q1", "2025-26 Q1"]
    assert resolved["period_id"].isna().tolist() == [False, False, True]
    assert resolved["period_end"][:2].astype(str).tolist() == ["2025-06-30", "2025-06-30"]
    assert resolved["period_end"].isna().tolist() == [False, False, True]
    assert list(periods) == ["2025-26 Q1"]
    assert [(p.line, p.column, p.value) for p in problems] == [(4, "period", "2031-32 Q1")]


def test_two_different_figures_for_one_area_indicator_and_period_are_both_refused_a_copy_once():
    frame = pd.DataFrame({
        "line": [2, 3, 4, 5], "scope": "local", "area_code": ["E06000001", "E06000001", "E06000002", "E06000002"],
        "indicator_id": "attendance_police", "period_id": "2025-26 Q1",
        "value_text": ["80", "90", "50", "50"], "numerator_text": "", "denominator_text": "", "note": "",
    })
    assert [(p.line, p.reason) for p in repeated_figures(frame, AREAS, "Line")] == [
        (2, "lines 2 and 3 both give a figure for Hartlepool (E06000001), attendance_police, 2025-26 Q1: "
            "keep the right one"),
        (3, "lines 2 and 3 both give a figure for Hartlepool (E06000001), attendance_police, 2025-26 Q1: "
            "keep the right one"),
        (5, "this row repeats line 4 (Middlesbrough (E06000002), attendance_police, 2025-26 Q1); delete one of them"),
    ]


def test_check_figures_derives_a_blank_value_from_its_counts_and_refuses_a_numerator_over_its_denominator():
    entries, table = entries_of(
        "area_code,period,indicator,value,numerator,denominator,note\n"
        "Hartlepool,2025-26 Q1,attendance_police,,6,8,\n"
        "E06000002,2025-26 Q1,attendance_police,,9,8,\n"
    )
    checked = check_figures(entries, table.problems, table.line_label, CONTEXT)
    assert checked.frame["value"].tolist()[0] == 75.0
    assert checked.frame["status"].astype(str).tolist() == ["reported", "reported"]
    # The derived 112.5% is out of range, and the numerator exceeds its denominator.
    assert [(p.line, p.column, p.value) for p in checked.problems] == [(3, "value", ""), (3, "numerator", "9")]
    assert list(checked.periods) == ["2025-26 Q1"]
