"""Every shipped DfE file: recognised by its header, imported with the expected rows and symbols."""

import pandas as pd
import pytest

from boards.catalogue import load_catalogue
from boards.imports.mappings import MAPPINGS_DIR, load_mapping
from boards.imports.pipeline import commit_plan
from boards.imports.problems import UnusableFile
from boards.reference import REFERENCE_DIR

from .conftest import inspect

DFE = REFERENCE_DIR / "dfe"
SPLIT = "rows of a former LA split between current areas"
MERGED = "rows of former LAs merged into one current area in the same year"


@pytest.mark.parametrize(
    ("name", "rows", "figures", "benchmarks", "skipped", "statuses"),
    [
        ("csww_indicators_2017_to_2025.csv", 1463, 6775, 540, {SPLIT: 10, MERGED: 4},
         {"reported": 6725, "x": 21, "z": 10, "u": 9, "low": 6, "c": 4}),
        ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", 2132, 3884, 312, {SPLIT: 20, MERGED: 14},
         {"reported": 3842, "x": 24, "c": 13, "u": 5}),
        ("d3_cpps_subsequent_plan_2013_to_2025.csv", 2132, 1942, 156, {SPLIT: 20, MERGED: 14},
         {"reported": 1902, "c": 29, "z": 6, "x": 3, "u": 2}),
        ("b1_children_in_need_2013_to_2025.csv", 2132, 1942, 156, {SPLIT: 20, MERGED: 14},
         {"reported": 1926, "x": 13, "c": 2, "u": 1}),
        ("c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv", 2132, 5826, 468, {SPLIT: 20, MERGED: 14},
         {"reported": 5692, "c": 107, "x": 18, "z": 6, "u": 3}),
        # Only its two measures' rows (3,400 of 33,150) are read as figures.
        ("lait_bds_long_selected_measures_2016_to_2025.csv", 33150, 3020, 240,
         {SPLIT: 20, MERGED: 50, "rows of LAIT measures the mapping does not use": 29750},
         {"reported": 2664, "x": 356}),
    ],
)
def test_shipped_dfe_file_imports(store, name, rows, figures, benchmarks, skipped, statuses):
    """Rows read, figures, benchmarks, rows left out and figures per status are exactly these."""
    plan = inspect(store, name, (DFE / name).read_bytes())
    assert plan.problems == ()
    assert (plan.source, plan.layout, plan.summary.rows_read, plan.summary.rows_to_add, len(plan.benchmarks)) == (
        "published", "ees", rows, figures, benchmarks)
    assert plan.summary.skipped == skipped
    assert plan.observations["status"].value_counts().to_dict() == statuses
    result = commit_plan(store, plan)
    assert (result.rows_added, store.summary()["observations"]) == (figures, figures)


def test_published_figures_keep_their_counts_and_symbols(store):
    """Barnsley 2024-25 re-referrals 25.5% = 825 of 3,241, under its current code; suppressed cells have no value."""
    name = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    commit_plan(store, inspect(store, name, (DFE / name).read_bytes()))
    frame = store.table("observations").set_index(["area_code", "indicator_id", "period_id"])
    row = frame.loc[("E08000038", "rereferral_rate", "2024-25")]
    assert (row.value, row.numerator, row.denominator, row.status, row.source) == (25.5, 825.0, 3241.0, "reported",
                                                                                   "published")
    assert frame.loc[frame["status"] != "reported", "value"].isna().all()
    england = store.table("published_benchmarks").set_index(["geography_code", "indicator_id", "period_id"])
    assert england.loc[("E92000001", "rereferral_rate", "2024-25"), "value"] == 22.6
    assert round(england.loc[("E92000001", "referral_rate", "2024-25"), "value"], 1) == 519.4


def test_section47_and_icpc_figures_from_c4(store):
    """Hartlepool 2024-25: 948 enquiries, 304 ICPCs (0.321 a conversion), its 15-day figure suppressed (c);
    England 81.4% of ICPCs within 15 working days (58,670 of 72,100) and 0.313 conversion."""
    name = "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
    commit_plan(store, inspect(store, name, (DFE / name).read_bytes()))
    frame = store.table("observations").set_index(["area_code", "indicator_id", "period_id"])
    conversion = frame.loc[("E06000001", "s47_icpc_conversion", "2024-25")]
    assert (conversion.numerator, conversion.denominator, round(conversion.value, 3)) == (304.0, 948.0, 0.321)
    assert frame.loc[("E06000001", "icpc_timeliness", "2024-25"), "status"] == "c"
    england = store.table("published_benchmarks").set_index(["geography_code", "indicator_id", "period_id"])
    icpcs = england.loc[("E92000001", "icpc_timeliness", "2024-25")]
    assert (icpcs.numerator, icpcs.denominator, round(icpcs.value, 1)) == (58670.0, 72100.0, 81.4)
    assert round(england.loc[("E92000001", "s47_icpc_conversion", "2024-25"), "value"], 3) == 0.313
    assert round(england.loc[("E92000001", "s47_rate", "2024-25"), "value"], 1) == 189.3


def test_lait_figures_are_rounded_and_its_dash_is_not_available(store):
    """LAIT's 81.400000000000006 style noise is gone (England 4.4% and 85.7%), Hartlepool's 2025 assessments
    are 85.2% with no counts, its '-' plan figure is x, and Inner London (987) is a benchmark."""
    name = "lait_bds_long_selected_measures_2016_to_2025.csv"
    plan = inspect(store, name, (DFE / name).read_bytes())
    assert plan.mapping_title == "DfE LAIT: assessments within 45 working days, CP plans ceasing after 2+ years"
    commit_plan(store, plan)
    frame = store.table("observations").set_index(["area_code", "indicator_id", "period_id"])
    hartlepool = frame.loc[("E06000001", "assessment_timeliness", "2024-25")]
    assert (hartlepool.value, hartlepool.status) == (85.2, "reported")
    assert pd.isna(hartlepool.numerator) and pd.isna(hartlepool.denominator)
    assert frame.loc[("E06000001", "cp_plans_2_years", "2024-25"), "status"] == "x"
    england = store.table("published_benchmarks").set_index(["geography_code", "indicator_id", "period_id"])
    assert england.loc[("E92000001", "cp_plans_2_years", "2024-25"), "value"] == 4.4
    assert england.loc[("E92000001", "assessment_timeliness", "2024-25"), "value"] == 85.7
    assert ("E13000001", "assessment_timeliness", "2024-25") in england.index


def test_lait_file_with_an_ees_mapping_is_refused(store):
    """A mapping for EES files cannot read LAIT's long rows: the message says what a LAIT mapping needs."""
    mapping = load_mapping("dfe_referrals_c1.toml", (MAPPINGS_DIR / "dfe_referrals_c1.toml").read_bytes(),
                           load_catalogue())
    name = "lait_bds_long_selected_measures_2016_to_2025.csv"
    with pytest.raises(UnusableFile, match='its layout must be "lait"'):
        inspect(store, name, (DFE / name).read_bytes(), mapping=mapping)


def test_lait_mapping_naming_a_measure_the_file_lacks_is_refused(store):
    """A LAIT mapping given by hand whose measure is not in the file: refused by name, nothing read as missing."""
    mapping = load_mapping("mine.toml", b'layout = "lait"\nperiod = "year_to_march"\n'
                           b'[indicators.assessment_timeliness]\nvalue = "Assess_Typo"\n', load_catalogue())
    name = "lait_bds_long_selected_measures_2016_to_2025.csv"
    with pytest.raises(UnusableFile) as refused:
        inspect(store, name, (DFE / name).read_bytes(), mapping=mapping)
    assert str(refused.value) == (
        "This LAIT file holds no rows of the measure(s) assess_typo that the mapping mine.toml uses."
    )


def test_joint_workforce_return_is_shared(store):
    """Kingston and Richmond's joint workforce row gives both the caseload of 13.9 and no counts."""
    name = "csww_indicators_2017_to_2025.csv"
    commit_plan(store, inspect(store, name, (DFE / name).read_bytes()))
    frame = store.table("observations").set_index(["area_code", "indicator_id", "period_id"])
    for area in ("E09000021", "E09000027"):
        row = frame.loc[(area, "caseload", "Sep 2025")]
        assert (row.value, pd.isna(row.numerator), pd.isna(row.denominator), row.note) == (
            13.9, True, True, "Joint return for Kingston upon Thames / Richmond upon Thames")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("c3_factors_identified_at_end_of_assessment_2018_to_2025.csv",
         "This is a DfE Explore Education Statistics file, but none of the shipped mappings (data/mappings/) matches "
         "its columns, so no catalogue indicator can be read from it. Write a mapping (format in "
         "data/mappings/README.md) and give it with --mapping FILE, or as your own mapping on the Upload page."),
        ("ons_mid-year_population_estimates_2012_to_2024.csv",
         "This is a DfE Explore Education Statistics file, but none of the shipped mappings (data/mappings/) matches "
         "its columns, so no catalogue indicator can be read from it. Write a mapping (format in "
         "data/mappings/README.md) and give it with --mapping FILE, or as your own mapping on the Upload page."),
        ("sn_model_2025_wide.csv",
         "The first row is not the header of a quarterly return: expected the long layout (area_code, period, "
         "indicator, value, numerator, denominator, note), the wide layout (area_code, period and one column per "
         "indicator id) or a DfE Explore Education Statistics file. Download the template to start from."),
        ("New_Statistical_Neighbour_Groupings_April_2021.csv",
         'The header names the column "snp" twice (columns 7 and 9); keep one of them.'),
    ],
)
def test_dfe_files_without_indicators_are_refused_clearly(store, name, message):
    """The DfE files that hold no catalogue indicator import nothing and say why."""
    with pytest.raises(UnusableFile) as refused:
        inspect(store, name, (DFE / name).read_bytes())
    assert str(refused.value) == message
