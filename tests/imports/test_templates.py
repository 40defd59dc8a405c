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
    """The wide template has the 17 indicators of the local return (what DfE publishes by LA is not asked for),
    each of the 15 with counts followed by its numerator and denominator columns; its example row is refused
    once, as an example, and without its marker imports its 17 figures, consistent with their counts and judged
    (no warning)."""
    data = wide_template(INDICATORS)
    header, example = (line.split(",") for line in data.decode("utf-8-sig").splitlines())
    assert header[:9] == ["area_code", "period", "strategy_discussion_partners",
                          "strategy_discussion_partners_numerator", "strategy_discussion_partners_denominator",
                          "s47_lead_practitioner", "s47_lead_practitioner_numerator",
                          "s47_lead_practitioner_denominator", "serious_incident_notifications"]
    assert (len(header), header[-1]) == (50, "note")
    assert not {"assessment_timeliness", "icpc_timeliness", "cp_plans_2_years", "s47_rate"} & set(header)
    # 80.0% as 4 of 5.
    assert [dict(zip(header, example))[f"strategy_discussion_partners{suffix}"]
            for suffix in ("", "_numerator", "_denominator")] == ["80.0", "4", "5"]
    assert [name for name in header if name.startswith("serious_incident")] == ["serious_incident_notifications"]
    plan = inspect(store, "wide.csv", data)
    assert [p.message for p in plan.problems] == [EXAMPLE_REFUSAL]
    assert (plan.summary.rows_rejected, plan.summary.rows_to_add) == (1, 0)
    unmarked = inspect(store, "wide.csv", data.replace(b"EXAMPLE - delete this row", b""))
    assert (unmarked.problems, unmarked.summary.rows_to_add, unmarked.warnings) == ((), 17, ())


def test_wide_template_without_its_counts_warns_once_per_percentage(store):
    """The wide template's example with every count cell blanked: nothing refused, and each of the 15 judged
    percentages warned of, since without counts it will not be compared with others."""
    header, example = (line.split(",") for line in wide_template(INDICATORS).decode("utf-8-sig").splitlines())
    blanked = ["" if name.endswith(("_numerator", "_denominator")) or name == "note" else cell
               for name, cell in zip(header, example)]
    plan = inspect(store, "wide.csv", (",".join(header) + "\n" + ",".join(blanked) + "\n").encode())
    assert (plan.problems, plan.summary.rows_to_add, len(plan.warnings)) == ((), 17, 15)
    assert plan.warnings[0] == (
        '"Health attendance at partnership meetings": 1 figure (2025-26 Q1) without a numerator and '
        "denominator will not be compared with others: a percentage needs its numerator and denominator to be "
        "judged against England. Give them (the columns attendance_health_numerator and "
        "attendance_health_denominator in the wide layout) to have them judged."
    )


def test_data_dictionary_explains_columns_and_indicators():
    """Seven layout columns, then all 37 catalogue indicators with unit, range and period."""
    dictionary = pd.read_csv(io.BytesIO(data_dictionary(INDICATORS)), dtype=str, keep_default_na=False,
                             encoding="utf-8-sig")
    assert dictionary["column"].tolist()[:7] == ["area_code", "period", "indicator", "value", "numerator",
                                                 "denominator", "note"]
    assert len(dictionary) == 44
    police = dictionary.set_index("column").loc["attendance_police"]
    assert (police["name"], police["unit"], police["valid_range"], police["period"]) == (
        "Police attendance at partnership meetings", "a percentage", "0 to 100",
        "a quarter such as 2025-26 Q1 (also written Q1 2025-26 or 2025/26 Q1)")
    assert dictionary.set_index("column").loc["referral_rate", "valid_range"] == "0 or more"
    assert "c confidential, x not available" in dictionary.set_index("column").loc["value", "description"]
