"""The downloadable template and data dictionary, generated from the catalogue."""

import io

import pandas as pd

from boards.access import Actor
from boards.catalogue import load_catalogue
from boards.imports.templates import data_dictionary, long_template, wide_template

from .conftest import inspect, long_csv

INDICATORS = load_catalogue()


EXAMPLE_REFUSAL = (
    "Line 2, column \"note\": this is the template's example row (its note says \"EXAMPLE - delete this row\"), "
    "not a figure: delete the row and write your own figures"
)


def test_long_template_is_a_header_and_an_example_that_is_refused(store):
    """The long template is the layout's header and one example row, which is refused as an example: left in,
    it would overwrite Hartlepool's figure. Without its marker it is a valid row."""
    data = long_template()
    assert data.decode("utf-8-sig").splitlines() == [
        "area_code,period,indicator,value,numerator,denominator,note",
        "E06000001,2025-26 Q1,attendance_police,85.7,6,7,EXAMPLE - delete this row",
    ]
    plan = inspect(store, "template.csv", data)
    assert [p.message for p in plan.problems] == [EXAMPLE_REFUSAL]
    assert (plan.summary.rows_rejected, plan.summary.rows_to_add) == (1, 0)
    unmarked = inspect(store, "template.csv", data.replace(b"EXAMPLE - delete this row", b""))
    assert (unmarked.problems, unmarked.summary.rows_to_add) == ((), 1)


def test_example_row_is_refused_whoever_uploads_it_however_the_marker_is_typed(store):
    """An uploader for Hartlepool is refused the example too; case, spacing and the dash do not matter."""
    hartlepool = Actor("hal", "Hal", "uploader", frozenset({"E06000001"}), ("Hartlepool",))
    data = long_csv("Hartlepool,2025-26 Q1,attendance_police,85.7,6,7,example – Delete this row!",
                    "Hartlepool,2025-26 Q2,attendance_police,80,4,5,An example of good attendance")
    plan = inspect(store, "mine.csv", data, actor=hartlepool)
    assert [(p.line, p.value) for p in plan.problems] == [(2, "example – Delete this row!")]
    assert plan.summary.rows_to_add == 1


def test_wide_template_has_a_column_per_local_indicator_and_its_example_is_refused(store):
    """The wide template has the 19 indicators of the local return; its example row is refused once, as an
    example, and imports its 19 figures without its marker."""
    data = wide_template(INDICATORS)
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["area_code", "period", "assessment_timeliness", "s47_rate"]
    assert (len(header), header[-1]) == (22, "note")
    plan = inspect(store, "wide.csv", data)
    assert [p.message for p in plan.problems] == [EXAMPLE_REFUSAL]
    assert (plan.summary.rows_rejected, plan.summary.rows_to_add) == (1, 0)
    unmarked = inspect(store, "wide.csv", data.replace(b"EXAMPLE - delete this row", b""))
    assert (unmarked.problems, unmarked.summary.rows_to_add) == ((), 19)


def test_data_dictionary_explains_columns_and_indicators():
    """Seven layout columns, then all 32 catalogue indicators with unit, range and period."""
    dictionary = pd.read_csv(io.BytesIO(data_dictionary(INDICATORS)), dtype=str, keep_default_na=False,
                             encoding="utf-8-sig")
    assert dictionary["column"].tolist()[:7] == ["area_code", "period", "indicator", "value", "numerator",
                                                 "denominator", "note"]
    assert len(dictionary) == 39
    police = dictionary.set_index("column").loc["attendance_police"]
    assert (police["name"], police["unit"], police["valid_range"], police["period"]) == (
        "Police attendance at partnership meetings", "a percentage", "0 to 100",
        "a quarter such as 2025-26 Q1 (also written Q1 2025-26 or 2025/26 Q1)")
    assert dictionary.set_index("column").loc["referral_rate", "valid_range"] == "0 or more"
    assert "c confidential, x not available" in dictionary.set_index("column").loc["value", "description"]
