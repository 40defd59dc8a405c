"""The upload context: what the checks need, read from a real database once."""

from boards.imports.context import read_upload_context
from boards.imports.pipeline import commit_plan, content_hash

from .conftest import TODAY, inspect, long_csv

FIRST = long_csv("E06000001,2025-26 Q1,attendance_police,85.7,6,7,")


def test_the_context_holds_the_reference_data_and_the_committed_load_of_this_very_file(store):
    before = read_upload_context(store, content_hash(FIRST), TODAY)
    assert before.already_loaded is None
    assert before.areas.resolve("hartlepool").area_codes == ("E06000001",)
    assert before.indicators["attendance_police"].unit == "percent"
    assert before.register.reviews.empty
    assert before.today == TODAY

    loaded = commit_plan(store, inspect(store, "first.csv", FIRST))
    after = read_upload_context(store, content_hash(FIRST), TODAY)
    assert after.already_loaded["load_id"] == loaded.load_id
    assert after.already_loaded["file_name"] == "first.csv"
