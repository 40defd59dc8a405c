"""Mappings of EES files: the shipped ones agree with the catalogue, and any other file can be mapped."""

import pytest

from boards.catalogue import load_catalogue
from boards.imports.mappings import (
    MAPPINGS_DIR,
    POPULATION_TERM,
    load_mapping,
    mapping_from_path,
    mapping_from_upload,
    normalise_column,
    shipped_mappings,
)
from boards.imports.pipeline import commit_plan
from boards.imports.problems import UnusableFile
from boards.reference import REFERENCE_DIR

from .conftest import inspect

INDICATORS = load_catalogue()
QUARTERLY_EES = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,characteristic,attended,expected\n"
    "202526,Financial year Q1,National,E92000001,England,,,,,,Total,900,1000\n"
    "202526,Financial year Q1,Local authority,E92000001,England,E12000001,North East,805,E06000001,Hartlepool,Total,6,7\n"
    "202526,Financial year Q1,Local authority,E92000001,England,E12000001,North East,805,E06000001,Hartlepool,Girls,3,3\n"
    "202526,Financial year Q2,Local authority,E92000001,England,E12000001,North East,806,,Middlesbrough,Total,x,8\n"
    "202526,Financial year Q2,Ward,E92000001,England,E12000001,North East,,,,Total,1,2\n"
)
QUARTERLY_MAPPING = b"""
title = "Police attendance, quarterly"
period = "financial_quarter"
[filters]
Characteristic = "Total"
[indicators.attendance_police]
numerator = "attended"
denominator = "expected"
"""


def test_shipped_mappings_are_the_catalogue_formulas():
    """Every catalogue indicator with published columns has them, and only them, in one shipped mapping."""
    mapped = {}
    for mapping in shipped_mappings(INDICATORS):
        for columns in mapping.indicators:
            mapped[columns.indicator_id] = {role: list(getattr(columns, role)) for role in ("value", "numerator",
                                                                                             "denominator")}
    expected = {
        indicator.indicator_id: {role: [normalise_column(c) if c != POPULATION_TERM else c for c in columns]
                                 for role, columns in {"value": [], "numerator": [], "denominator": [],
                                                       **indicator.published_formula()}.items()}
        for indicator in INDICATORS.values() if indicator.published_columns
    }
    assert mapped == expected


def test_any_ees_file_imports_through_a_mapping(store):
    """A quarterly EES file: filters, quarters from time_identifier, National as benchmark, other levels left out."""
    mapping = load_mapping("police.toml", QUARTERLY_MAPPING, INDICATORS)
    plan = inspect(store, "police.csv", QUARTERLY_EES.encode(), mapping=mapping)
    assert plan.problems == ()
    assert plan.summary.skipped == {"characteristic is not Total": 1,
                                    "Ward rows (only Local authority rows are area data)": 1}
    assert plan.observations.fillna(-1).values.tolist() == [
        ["E06000001", "attendance_police", "2025-26 Q1", 6 / 7 * 100, 6.0, 7.0, "reported", -1],
        ["E06000002", "attendance_police", "2025-26 Q2", -1, -1, -1, "x", -1],
    ]
    assert plan.benchmarks.values.tolist() == [["E92000001", "attendance_police", "2025-26 Q1", 90.0, 900.0,
                                                1000.0, "reported"]]
    assert commit_plan(store, plan).rows_added == 2
    assert store.loads().iloc[0].note == (
        "DfE EES file (mapping: Police attendance, quarterly); left out: 1 characteristic is not Total; "
        "1 Ward rows (only Local authority rows are area data)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"period = 'yearly'\n[indicators.caseload]\nvalue = 'a'\n",
         "The mapping m.toml cannot be used: period must be one of year_to_march, year_to_september, "
         "financial_quarter, not 'yearly'."),
        (b"period = 'year_to_march'\n[indicators.caseload]\nvalue = 'a'\n",
         'The mapping m.toml cannot be used: the catalogue gives "Caseload per case-holding social worker" periods '
         "of type year_to_september, which this mapping's period convention does not produce."),
        (b"period = 'year_to_march'\nsheet = 1\n[indicators.nonsense]\nvalue = 'a'\n",
         "The mapping m.toml cannot be used: unknown setting 'sheet'; 'nonsense' is not an indicator in the "
         "catalogue."),
        (b"period = 'year_to_march'\n[indicators.rereferral_rate]\nnumerator = 'a'\n",
         "The mapping m.toml cannot be used: rereferral_rate needs a value column, or both numerator and "
         "denominator columns."),
        (b"period = [\n", "The mapping m.toml is not a valid TOML file: "),
    ],
)
def test_mapping_problems_are_listed(text, message):
    """A mapping that cannot be used says every reason."""
    with pytest.raises(UnusableFile) as refused:
        load_mapping("m.toml", text, INDICATORS)
    assert str(refused.value).startswith(message)


def test_file_lacking_the_mapped_columns_is_refused(store):
    """A mapping naming columns the file does not have is refused before any row is read."""
    mapping = load_mapping("m.toml", b"period = 'year_to_march'\n[indicators.rereferral_rate]\nvalue = 'pct'\n",
                           INDICATORS)
    with pytest.raises(UnusableFile) as refused:
        inspect(store, "police.csv", QUARTERLY_EES.encode(), mapping=mapping)
    assert str(refused.value) == (
        'This file lacks the column(s) pct that the mapping "m.toml" (m.toml) reads. Check that the file is the DfE '
        "table that mapping is for, or write a mapping for it (format in data/mappings/README.md)."
    )


def test_a_dfe_file_given_the_wrong_shipped_mapping_is_told_which_one_reads_it(store):
    """Issue 19: the real D3 file through the C1 mapping names the columns it lacks and the mapping made for it."""
    mapping = mapping_from_path(MAPPINGS_DIR / "dfe_referrals_c1.toml", INDICATORS)
    d3 = (REFERENCE_DIR / "dfe" / "d3_cpps_subsequent_plan_2013_to_2025.csv").read_bytes()
    with pytest.raises(UnusableFile) as refused:
        inspect(store, "d3.csv", d3, mapping=mapping)
    assert str(refused.value) == (
        'This file lacks the column(s) referral_count, rereferral_count, rereferral_percent that the mapping "DfE '
        'children in need: referrals and re-referrals (table C1)" (dfe_referrals_c1.toml) reads. It has the columns '
        'of the shipped mapping "DfE children in need: repeat child protection plans (table D3)" '
        "(dfe_repeat_plans_d3.toml): use that one."
    )


def test_a_quarterly_return_given_a_mapping_is_told_it_needs_none(store):
    """The long template's layout through a mapping: not a DfE file, in words."""
    mapping = mapping_from_upload("c1.toml", (MAPPINGS_DIR / "dfe_referrals_c1.toml").read_bytes(), INDICATORS)
    with pytest.raises(UnusableFile) as refused:
        inspect(store, "q.csv", b"area_code,period,indicator,value\nE06000001,2025-26 Q1,multi_agency_audits,3\n",
                mapping=mapping)
    assert str(refused.value) == (
        "This file is not a DfE Explore Education Statistics file (it has no time_period, time_identifier, "
        'geographic_level columns), so the mapping "DfE children in need: referrals and re-referrals (table C1)" '
        "(c1.toml) cannot read it. A quarterly return needs no mapping."
    )


def test_an_uploaded_mapping_over_the_limit_is_refused_by_its_size():
    """The Upload page's mapping has the command line's limit of 100,000 bytes."""
    with pytest.raises(UnusableFile) as refused:
        mapping_from_upload("big.toml", b"#" * 100_001, INDICATORS)
    assert str(refused.value) == (
        "The mapping file big.toml is 100,001 bytes, over the 100,000 bytes limit for a mapping (the shipped ones are "
        "under 1,000 bytes); check that it is the mapping you meant."
    )
