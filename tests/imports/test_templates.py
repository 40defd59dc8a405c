"""The downloadable template and data dictionary, generated from the catalogue."""

import io

import pandas as pd

from boards.catalogue import load_catalogue
from boards.imports.templates import data_dictionary, long_template, wide_template

from .conftest import inspect

INDICATORS = load_catalogue()


def test_long_template_is_a_header_and_an_example_that_imports(store):
    """The long template is the layout's header and one valid example row."""
    data = long_template()
    assert data.decode("utf-8-sig").splitlines() == [
        "area_code,period,indicator,value,numerator,denominator,note",
        "E06000001,2025-26 Q1,attendance_police,85.7,6,7,",
    ]
    plan = inspect(store, "template.csv", data)
    assert (plan.problems, plan.summary.rows_to_add) == ((), 1)


def test_wide_template_has_a_column_per_local_indicator_and_imports(store):
    """The wide template has the 19 indicators of the local return, and its example row imports."""
    data = wide_template(INDICATORS)
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["area_code", "period", "assessment_timeliness", "s47_rate"]
    assert (len(header), header[-1]) == (22, "note")
    plan = inspect(store, "wide.csv", data)
    assert (plan.problems, plan.summary.rows_to_add) == ((), 19)


def test_data_dictionary_explains_columns_and_indicators():
    """Seven layout columns, then all 34 catalogue indicators with unit, range and period."""
    dictionary = pd.read_csv(io.BytesIO(data_dictionary(INDICATORS)), dtype=str, keep_default_na=False,
                             encoding="utf-8-sig")
    assert dictionary["column"].tolist()[:7] == ["area_code", "period", "indicator", "value", "numerator",
                                                 "denominator", "note"]
    assert len(dictionary) == 41
    police = dictionary.set_index("column").loc["attendance_police"]
    assert (police["name"], police["unit"], police["valid_range"], police["period"]) == (
        "Police attendance at partnership meetings", "a percentage", "0 to 100",
        "a quarter such as 2025-26 Q1 (also written Q1 2025-26 or 2025/26 Q1)")
    assert dictionary.set_index("column").loc["referral_rate", "valid_range"] == "0 or more"
    assert "c confidential, x not available" in dictionary.set_index("column").loc["value", "description"]
