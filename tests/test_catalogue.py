"""Tests for the indicator catalogue (data/indicators.csv and boards/catalogue.py)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from boards.catalogue import (
    CATALOGUE_PATH,
    COLUMNS,
    DOMAINS,
    CatalogueError,
    catalogue_frame,
    load_catalogue,
)

DFE = Path(__file__).resolve().parent.parent / "data" / "reference" / "dfe"
CSWW = DFE / "csww_indicators_2017_to_2025.csv"
C1 = DFE / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
B1 = DFE / "b1_children_in_need_2013_to_2025.csv"
D3 = DFE / "d3_cpps_subsequent_plan_2013_to_2025.csv"
C4 = DFE / "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
LAIT = DFE / "lait_bds_long_selected_measures_2016_to_2025.csv"
POPULATION = DFE / "ons_mid-year_population_estimates_2012_to_2024.csv"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def national(path: Path, year: int) -> pd.Series:
    """The single National row of a DfE EES file for `year`."""
    frame = pd.read_csv(path, dtype=str)
    rows = frame[(frame["geographic_level"] == "National") & (frame["time_period"] == str(year))]
    assert len(rows) == 1
    return rows.iloc[0]


def test_shipped_catalogue_loads(catalogue):
    """The shipped catalogue loads without problems, keyed by id in file order."""
    assert list(catalogue)[:3] == ["referral_rate", "rereferral_rate", "assessment_timeliness"]
    assert list(catalogue)[-1] == "review_themes_after_sign_off"


def test_indicator_counts(catalogue):
    """The catalogue holds 37 indicators: 4, 7, 9, 4, 6 and 7 per domain, domains first met in display order."""
    assert len(catalogue) == 37
    assert Counter(i.domain for i in catalogue.values()) == {
        "demand": 4,
        "child_protection": 7,
        "case_reviews": 9,
        "inspection_audit": 4,
        "workforce": 6,
        "partnership": 7,
    }
    in_file = list(dict.fromkeys(i.domain for i in catalogue.values()))
    assert in_file == list(DOMAINS)


def test_every_indicator_is_described(catalogue):
    """Every indicator has a unit, polarity, definition and numerator."""
    for indicator in catalogue.values():
        assert indicator.unit and indicator.polarity, indicator.indicator_id
        assert indicator.definition and indicator.numerator, indicator.indicator_id


def test_polarity_of_named_indicators(catalogue):
    """Caseload is lower-better, police attendance higher-better, notifications and months since inspection
    context only (Ofsted, not the partnership, sets when it inspects)."""
    assert catalogue["caseload"].polarity == "lower_better"
    assert catalogue["attendance_police"].polarity == "higher_better"
    assert catalogue["serious_incident_notifications"].polarity == "context"
    assert not catalogue["serious_incident_notifications"].judged
    assert catalogue["caseload"].judged
    context = {i.indicator_id for i in catalogue.values() if not i.judged}
    assert context == {
        "referral_rate", "cin_rate", "s47_rate", "s47_icpc_conversion", "serious_incident_notifications",
        "recurring_review_themes", "months_since_inspection",
    }


def test_published_formula_parsing(catalogue):
    """published_columns parses into column lists by role; local indicators have none."""
    assert catalogue["vacancy_rate"].published_formula() == {
        "value": ["vacancy_rate_fte"],
        "numerator": ["vacancy_fte"],
        "denominator": ["vacancy_fte", "inpost_fte"],
    }
    assert catalogue["absence_rate"].published_formula() == {
        "value": ["absence_rate_fte"],
        "numerator": ["working_days_lost_fte"],
    }
    assert catalogue["supervision_timeliness"].published_formula() == {}


# Population-based rates use the ONS mid-year estimate before the 31 March year end (mid-2024).
PUBLISHED_2025 = [
    ("vacancy_rate", CSWW, 14.2),
    ("agency_rate", CSWW, 13.0),
    ("turnover_rate", CSWW, 11.8),
    ("caseload", CSWW, 15.2),
    ("rereferral_rate", C1, 22.6),
    ("repeat_cp_plans", D3, 24.5),
    ("referral_rate", C1, 519.4),
    ("cin_rate", B1, 330.3),
    # 58,670 of 72,100 ICPCs within 15 working days; 230,590 enquiries for 12,183,016 children.
    ("icpc_timeliness", C4, 81.4),
    ("s47_rate", C4, 189.3),
]


@pytest.mark.parametrize(("indicator_id", "path", "expected"), PUBLISHED_2025)
def test_published_formula_reproduces_england_2025(catalogue, indicator_id, path, expected):
    """The published columns, combined as the catalogue says, give the national 2025 figure."""
    indicator = catalogue[indicator_id]
    row = pd.concat([national(path, 2025), national(POPULATION, 2024)])
    formula = indicator.published_formula()
    numerator = sum(float(row[c]) for c in formula["numerator"])
    denominator = sum(float(row[c]) for c in formula["denominator"])
    assert round(numerator / denominator * indicator.multiplier, 1) == expected
    if "value" in formula:
        assert float(row[formula["value"][0]]) == expected
    assert indicator.england_reference == expected


def test_section47_to_icpc_conversion_reproduces_england_2025(catalogue):
    """72,100 ICPCs of 230,590 section 47 enquiries: 0.313, DfE's 31.3% conversion, as a ratio."""
    formula = catalogue["s47_icpc_conversion"].published_formula()
    row = national(C4, 2025)
    assert formula == {"numerator": ["ICPC"], "denominator": ["Section47"]}
    assert (row["ICPC"], row["Section47"]) == ("72100", "230590")
    assert round(72100 / 230590, 3) == catalogue["s47_icpc_conversion"].england_reference == 0.313


@pytest.mark.parametrize(("indicator_id", "expected"), [("assessment_timeliness", 85.7), ("cp_plans_2_years", 4.4)])
def test_lait_measure_gives_england_2025(catalogue, indicator_id, expected):
    """LAIT's England row (LA number 970) for 2025 gives the catalogue's reference once its float noise is rounded."""
    measure = catalogue[indicator_id].published_formula()["value"][0]
    frame = pd.read_csv(LAIT, dtype=str, encoding="utf-8-sig")
    england = frame[(frame["Short Desc"] == measure) & (frame["LA Number"] == "970") & (frame["Years"] == "2025")]
    assert round(float(england["Values"].item()), 1) == expected == catalogue[indicator_id].england_reference


def test_absence_rate_reads_the_published_value(catalogue):
    """Absence has no denominator column, so its published value column must give 3.5."""
    formula = catalogue["absence_rate"].published_formula()
    assert float(national(CSWW, 2025)[formula["value"][0]]) == 3.5
    assert catalogue["absence_rate"].england_reference == 3.5


def test_every_published_indicator_is_checked(catalogue):
    """Each indicator with published columns has a reproduction check above."""
    published = {i.indicator_id for i in catalogue.values() if i.published_columns}
    assert published == {ident for ident, _, _ in PUBLISHED_2025} | {
        "absence_rate", "s47_icpc_conversion", "assessment_timeliness", "cp_plans_2_years"}


def test_catalogue_frame(catalogue):
    """The frame has one row per indicator, in file order, with exactly the catalogue columns."""
    frame = catalogue_frame(catalogue)
    assert frame.shape == (37, 18)
    assert tuple(frame.columns) == COLUMNS
    assert frame["indicator_id"].tolist() == list(catalogue)
    by_id = frame.set_index("indicator_id")
    assert by_id.loc["caseload", "england_reference"] == 15.2
    assert by_id.loc["caseload", "decimals"] == 1
    assert pd.isna(by_id.loc["ilacs_grade", "england_reference"])
    assert pd.isna(by_id.loc["ilacs_grade", "denominator"])


def write_catalogue(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([list(COLUMNS), *rows])
    return path


def shipped_rows(count: int) -> list[list[str]]:
    with CATALOGUE_PATH.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1 : count + 1]


def test_broken_catalogue_lists_every_problem(tmp_path):
    """Unknown polarity, empty definition and duplicate id are each reported with line and value."""
    rows = shipped_rows(3)
    rows[1][COLUMNS.index("polarity")] = "sometimes"
    rows[2][COLUMNS.index("definition")] = ""
    rows.append(list(rows[0]))
    path = write_catalogue(tmp_path / "broken.csv", rows)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert caught.value.problems == [
        "line 3, polarity: 'sometimes' is not one of higher_better, lower_better, context",
        "line 4, definition: missing for 'assessment_timeliness'",
        "line 5, indicator_id: duplicate 'referral_rate' (first on line 2)",
    ]
    assert "line 3, polarity: 'sometimes'" in str(caught.value)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("indicator_id", "Re-Referrals", "line 2, indicator_id: 'Re-Referrals' is not snake_case"),
        ("domain", "health", "line 2, domain: 'health' is not one of"),
        ("multiplier", "1", "line 2, multiplier: '1' should be 100 for unit 'percent'"),
        ("min_value", "101", "line 2, min_value: '101' is above max_value '100'"),
        ("period_type", "quarter", "line 2, period_type: 'quarter' does not match frequency"),
        ("published_columns", "rate=referral_count", "line 2, published_columns: 'rate=referral_"),
    ],
)
def test_broken_cell_is_reported(tmp_path, column, value, message):
    """A single bad cell in the re-referral row is reported with its line, column and value."""
    row = shipped_rows(2)[1]
    row[COLUMNS.index(column)] = value
    path = write_catalogue(tmp_path / "broken.csv", [row])
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert any(p.startswith(message) for p in caught.value.problems), caught.value.problems
