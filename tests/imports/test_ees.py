"""Every shipped DfE file: recognised by its header, imported with the expected rows and symbols."""

import pandas as pd
import pytest

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
