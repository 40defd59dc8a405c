"""Commit semantics: validate first, one transaction, no-op re-uploads, history, rollback, who may."""

import pandas as pd
import pytest

from boards.access import Actor, PermissionDenied
from boards.imports.pipeline import ImportRejected, commit_plan, rollback
from boards.imports.problems import UnusableFile
from boards.store import StoreError

from .conftest import LONG_HEADER, OPERATOR, inspect, long_csv

FIRST = long_csv(
    "E06000001,2025-26 Q1,attendance_police,85.7,6,7,",
    "E06000002,2025-26 Q1,attendance_police,50,1,2,",
    "E06000003,2025-26 Q1,multi_agency_audits,4,,,",
)
SECOND = long_csv(
    "E06000001,2025-26 Q1,attendance_police,85.7,6,7,",  # unchanged
    "E06000002,2025-26 Q1,attendance_police,75,3,4,",  # changed
    "E06000004,2025-26 Q1,multi_agency_audits,c,,,",  # added
)
BROKEN = long_csv(
    "E06000005,2025-26 Q1,attendance_police,40,2,5,",
    "E06000006,2025-26 Q1,attendance_police,104.5,,,",
)


def snapshot(store):
    """Everything an import may touch."""
    return {table: store.table(table) for table in
            ("observations", "observation_history", "published_benchmarks", "benchmark_history", "periods", "loads",
             "load_problems", "audit_log")}


def assert_unchanged(store, before):
    for table, frame in snapshot(store).items():
        pd.testing.assert_frame_equal(frame, before[table], obj=table)


def values(store):
    frame = store.table("observations")
    return {(r.area_code, r.indicator_id): (r.value, r.status, r.load_id) for r in frame.itertuples()}


def test_dry_run_counts_against_the_database_and_writes_nothing(store):
    """The plan of the second file says 1 to add, 1 to change, 1 unchanged; inspecting wrote nothing."""
    commit_plan(store, inspect(store, "first.csv", FIRST))
    before = snapshot(store)
    plan = inspect(store, "second.csv", SECOND)
    summary = plan.summary
    assert (summary.rows_read, summary.rows_to_add, summary.rows_to_change, summary.rows_unchanged,
            summary.rows_rejected) == (3, 1, 1, 1, 0)
    assert_unchanged(store, before)


def test_changed_value_supersedes_and_history_keeps_the_old_one(store):
    """The changed figure replaces the old one, which stays in history with the load that wrote it."""
    first = commit_plan(store, inspect(store, "first.csv", FIRST))
    second = commit_plan(store, inspect(store, "second.csv", SECOND))
    assert (second.rows_added, second.rows_changed, second.rows_unchanged) == (1, 1, 1)
    assert values(store)[("E06000002", "attendance_police")] == (75.0, "reported", second.load_id)
    assert values(store)[("E06000001", "attendance_police")] == (85.7, "reported", first.load_id)
    assert values(store)[("E06000004", "multi_agency_audits")][1] == "c"
    history = store.table("observation_history")
    assert history[["area_code", "value", "load_id", "superseded_by_load"]].values.tolist() == [
        ["E06000002", 50.0, first.load_id, second.load_id]
    ]


def test_every_load_is_recorded(store):
    """Who, when, file name, hash and the counts of each load, and an audit row in the same transaction."""
    result = commit_plan(store, inspect(store, "first.csv", FIRST))
    load = store.loads().iloc[0]
    assert (load.load_id, load.loaded_by, load.file_name, load.source, load.rows_added, load.rows_changed,
            load.rows_unchanged, load.rows_rejected, load.status) == (
        result.load_id, "system:tester", "first.csv", "local", 3, 0, 0, 0, "committed")
    assert len(load.file_hash) == 64 and pd.notna(load.loaded_at)
    audit = store.audit_log().iloc[0]
    assert (audit.actor, audit.action, audit.target, audit.detail) == (
        "system:tester", "data_imported", f"load {result.load_id}", "first.csv (long layout)")


def test_identical_file_is_a_no_op(store):
    """Re-uploading the same bytes writes nothing and names the load that already holds them."""
    first = commit_plan(store, inspect(store, "first.csv", FIRST))
    before = snapshot(store)
    plan = inspect(store, "again.csv", FIRST)
    assert plan.already_loaded["load_id"] == first.load_id
    result = commit_plan(store, plan)
    assert (result.load_id, result.already_loaded_as) == (None, first.load_id)
    assert_unchanged(store, before)


def test_problems_reject_the_whole_file_by_default(store):
    """One bad row and nothing is written, not even the good row."""
    before = snapshot(store)
    plan = inspect(store, "broken.csv", BROKEN)
    with pytest.raises(ImportRejected, match="^1 problem found; nothing was written.$"):
        commit_plan(store, plan)
    assert store.audit_log()["action"].tolist() == ["upload_refused"]  # the refusal's audit row, and nothing else
    assert_unchanged(store, {**before, "audit_log": store.table("audit_log")})


def test_accepting_only_valid_rows_is_explicit_and_recorded(store):
    """With accept_valid_rows the good row is imported; the bad one is recorded with the load."""
    result = commit_plan(store, inspect(store, "broken.csv", BROKEN), accept_valid_rows=True)
    assert (result.rows_added, result.rows_rejected) == (1, 1)
    assert list(values(store)) == [("E06000005", "attendance_police")]
    problems = store.load_problems(result.load_id)
    assert problems.values.tolist() == [[3, "value", "104.5", '104.5 is above the maximum of 100 for "Police '
                                         'attendance at partnership meetings" (a percentage)']]
    assert store.loads().iloc[0].rows_rejected == 1


def test_a_file_of_only_bad_rows_cannot_be_accepted(store):
    """Accepting valid rows of a file without any is still a refusal."""
    plan = inspect(store, "bad.csv", long_csv("E06000006,2025-26 Q1,attendance_police,104.5,,,"))
    with pytest.raises(ImportRejected, match="^No row of the file is valid; nothing was written.$"):
        commit_plan(store, plan, accept_valid_rows=True)


def test_rollback_restores_exactly_what_the_load_replaced(store):
    """After rolling back the second load, observations and history are as they were before it."""
    commit_plan(store, inspect(store, "first.csv", FIRST))
    before = {t: store.table(t) for t in ("observations", "observation_history")}
    second = commit_plan(store, inspect(store, "second.csv", SECOND))
    result = rollback(store, second.load_id, actor=OPERATOR)
    assert (result.rows_restored, result.rows_removed) == (1, 1)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(store.table(table), frame, obj=table)
    load = store.loads().set_index("load_id").loc[second.load_id]
    assert (load.status, load.rolled_back_by) == ("rolled_back", "system:tester")
    assert store.audit_log()["action"].tolist() == ["data_imported", "data_imported", "load_rolled_back"]


def test_rolled_back_file_can_be_imported_again(store):
    """The hash of a rolled-back load does not block the same file."""
    first = commit_plan(store, inspect(store, "first.csv", FIRST))
    rollback(store, first.load_id, actor=OPERATOR)
    again = commit_plan(store, inspect(store, "first.csv", FIRST))
    assert (again.load_id, again.rows_added) == (first.load_id + 1, 3)


def test_rollback_refused_while_a_later_load_replaced_its_values(store):
    """Loads are undone in reverse order: the earlier one waits for the later one."""
    first = commit_plan(store, inspect(store, "first.csv", FIRST))
    second = commit_plan(store, inspect(store, "second.csv", SECOND))
    with pytest.raises(StoreError) as refused:
        rollback(store, first.load_id, actor=OPERATOR)
    assert str(refused.value) == (
        f"Load {first.load_id} (first.csv) cannot be rolled back: later load {second.load_id} replaced 1 of the "
        f"values it wrote. Roll back load {second.load_id} first."
    )
    rollback(store, second.load_id, actor=OPERATOR)
    rollback(store, first.load_id, actor=OPERATOR)
    assert store.table("observations").empty and store.table("observation_history").empty


def test_rollback_twice_and_unknown_loads(store):
    """A second rollback and a load that does not exist are refused in words."""
    first = commit_plan(store, inspect(store, "first.csv", FIRST))
    rollback(store, first.load_id, actor=OPERATOR)
    with pytest.raises(StoreError, match=rf"^Load {first.load_id} \(first.csv\) was already rolled back by "
                                         r"system:tester on \d\d \w\w\w \d{4} \d\d:\d\d UTC.$"):
        rollback(store, first.load_id, actor=OPERATOR)
    with pytest.raises(StoreError, match="^There is no load 99; 'boards loads' lists them.$"):
        rollback(store, 99, actor=OPERATOR)


def test_joint_return_gives_both_areas_the_rate_without_counts(store):
    """Kingston and Richmond both get 50%, neither the 1 of 2 behind it."""
    commit_plan(store, inspect(store, "joint.csv", long_csv(
        "Kingston upon Thames / Richmond upon Thames,2025-26 Q1,attendance_police,50,1,2,")))
    frame = store.table("observations")
    assert frame[["area_code", "value", "numerator", "denominator"]].fillna(-1).values.tolist() == [
        ["E09000021", 50.0, -1.0, -1.0], ["E09000027", 50.0, -1.0, -1.0]
    ]


def test_periods_are_registered_with_the_load(store):
    """The load's periods are in the periods table, with their dates."""
    commit_plan(store, inspect(store, "first.csv", FIRST))
    period = store.table("periods").set_index("period_id").loc["2025-26 Q1"]
    assert (str(period.start_date.date()), str(period.end_date.date()), period.granularity) == (
        "2025-04-01", "2025-06-30", "quarter")


def test_uploader_may_upload_only_their_areas(store):
    """An uploader for Hartlepool is refused a file with Middlesbrough in it, before anything is written."""
    hartlepool = Actor("hal", "Hal", "uploader", frozenset({"E06000001"}), ("Hartlepool",))
    with pytest.raises(PermissionDenied, match=r"^You may upload figures for Hartlepool only; this file has rows for "
                                               r"Middlesbrough \(E06000002\), Redcar and Cleveland \(E06000003\)"):
        inspect(store, "first.csv", FIRST, actor=hartlepool)
    plan = inspect(store, "mine.csv", long_csv("Hartlepool,2025-26 Q1,attendance_police,85.7,6,7,"), actor=hartlepool)
    assert commit_plan(store, plan).rows_added == 1
    assert store.loads().iloc[0].loaded_by == "hal"


def test_viewer_cannot_roll_back(store):
    """Rollback checks the actor's role."""
    first = commit_plan(store, inspect(store, "first.csv", FIRST))
    with pytest.raises(PermissionDenied, match=f"^Vic may not roll back load {first.load_id}: viewers cannot change"):
        rollback(store, first.load_id, actor=Actor("vic", "Vic", "viewer"))


HARTLEPOOL = Actor("hal", "Hal", "uploader", frozenset({"E06000001"}), ("Hartlepool",))
ANALYST = Actor("ana", "Ana", "analyst")


def commit_benchmarks(store, loaded_by, value):
    """A DfE load holding only England and North East rows (no local authority figure), as an EES file of
    national and regional rows gives."""
    benchmarks = pd.DataFrame({
        "geography_code": ["E92000001", "E12000001"], "indicator_id": ["rereferral_rate"] * 2,
        "period_id": ["2024-25"] * 2, "value": [value, value + 1], "numerator": [None, None],
        "denominator": [None, None], "status": ["reported"] * 2,
    })
    empty = pd.DataFrame(columns=["area_code", "indicator_id", "period_id", "value", "numerator", "denominator",
                                  "status", "note"])
    return store.commit_load(empty, benchmarks=benchmarks, source="published", loaded_by=loaded_by,
                             file_name=f"benchmarks-{value}.csv")


def test_uploader_cannot_roll_back_a_load_of_only_benchmarks(store):
    """Hartlepool's uploader is refused an analyst's England and regional load, which the analyst may undo."""
    load = commit_benchmarks(store, "ana", 20.0)
    with pytest.raises(PermissionDenied, match=f"^Hal may not roll back load {load.load_id}: it holds published "
                                               "England or regional benchmarks"):
        rollback(store, load.load_id, actor=HARTLEPOOL)
    assert store.table("published_benchmarks")["value"].tolist() == [21.0, 20.0]  # North East, England
    rollback(store, load.load_id, actor=ANALYST)
    assert store.table("published_benchmarks").empty


def test_an_empty_load_is_only_its_makers_to_roll_back(store):
    """A load that wrote no row (every figure unchanged) is not inside any uploader's areas."""
    commit_plan(store, inspect(store, "mine.csv", long_csv("Hartlepool,2025-26 Q1,attendance_police,85.7,6,7,"),
                               actor=HARTLEPOOL))
    no_op = store.commit_load(store.table("observations").drop(columns=["source", "load_id"]), source="local",
                              loaded_by="cal", file_name="same-again.csv")
    assert (no_op.rows_added, no_op.rows_changed, no_op.rows_unchanged) == (0, 0, 1)
    with pytest.raises(PermissionDenied, match=f"^Hal may not roll back load {no_op.load_id}: it wrote no figures "
                                               "and was made by someone else.$"):
        rollback(store, no_op.load_id, actor=HARTLEPOOL)
    own_no_op = store.commit_load(store.table("observations").drop(columns=["source", "load_id"]), source="local",
                                  loaded_by="hal", file_name="mine-again.csv")
    assert rollback(store, own_no_op.load_id, actor=HARTLEPOOL).rows_removed == 0


def test_rollback_counts_the_benchmarks_it_restores_and_removes(store):
    """Undoing a DfE load that replaced 2 benchmarks restores those 2 and removes none."""
    commit_benchmarks(store, "ana", 20.0)
    second = commit_benchmarks(store, "ana", 30.0)
    result = rollback(store, second.load_id, actor=ANALYST)
    assert (result.rows_restored, result.rows_removed, result.benchmarks_restored, result.benchmarks_removed) == (
        0, 0, 2, 0)
    assert store.table("published_benchmarks")["value"].tolist() == [21.0, 20.0]  # North East, England


def refusals(store):
    log = store.audit_log()
    refused = log[log["action"].isin(["upload_refused", "rollback_refused"])]
    return refused[["actor", "action", "target", "detail"]].values.tolist()


def test_refused_uploads_are_audited_with_a_short_reason(store):
    """A file with problems and a file outside the uploader's areas each leave one audit row saying why."""
    inspect(store, "broken.csv", BROKEN)
    with pytest.raises(PermissionDenied):
        inspect(store, "first.csv", FIRST, actor=HARTLEPOOL)
    assert refusals(store) == [
        ["system:tester", "upload_refused", "broken.csv", "1 problem in 1 row"],
        ["hal", "upload_refused", "first.csv",
         "You may upload figures for Hartlepool only; this file has rows for Middlesbrough (E06000002), "
         "Redcar and Cleveland (E06000003). Nothing was written."],
    ]


def test_an_unusable_file_is_audited_with_a_bounded_file_name(store):
    """The file name is the uploader's text: one line, at most 200 characters."""
    with pytest.raises(UnusableFile):
        inspect(store, "a\nb" + "x" * 500 + ".csv", LONG_HEADER.encode())
    [[actor, action, target, detail]] = refusals(store)
    assert (actor, action, len(target), target[:6], target[-1]) == ("system:tester", "upload_refused", 200, "a bxxx", "…")
    assert (len(detail), detail[-1]) == (200, "…")


def test_refused_rollbacks_are_audited(store):
    """A rollback the role forbids and one of a load that does not exist each leave an audit row."""
    first = commit_plan(store, inspect(store, "first.csv", FIRST))
    with pytest.raises(PermissionDenied):
        rollback(store, first.load_id, actor=Actor("vic", "Vic", "viewer"))
    with pytest.raises(StoreError):
        rollback(store, 99, actor=OPERATOR)
    assert refusals(store) == [
        ["vic", "rollback_refused", f"load {first.load_id}",
         f"Vic may not roll back load {first.load_id}: viewers cannot change data."],
        ["system:tester", "rollback_refused", "load 99", "There is no load 99; 'boards loads' lists them."],
    ]


def test_percentages_without_counts_are_warned_of_not_refused(store):
    """Police attendance without counts in two quarters: one warning naming both; health attendance with its
    counts, a symbol (x) and a count (audits) are not warned of,, and the file is valid and commits."""
    plan = inspect(store, "uncounted.csv", long_csv(
        "E06000001,2025-26 Q1,attendance_police,85.7,,,",
        "E06000001,2025-26 Q2,attendance_police,80,4,,",
        "E06000001,2025-26 Q1,attendance_health,75,3,4,",
        "E06000001,2025-26 Q1,attendance_local_authority,x,,,",
        "E06000001,2025-26 Q1,multi_agency_audits,4,,,",
    ))
    assert (plan.problems, plan.summary.rows_to_add) == ((), 5)
    assert plan.warnings == (
        '"Police attendance at partnership meetings": 2 figures (2025-26 Q1, 2025-26 Q2) without a numerator and '
        "denominator will not be compared with others: a percentage needs its numerator and denominator to be "
        "judged against England. Give them (the columns attendance_police_numerator and "
        "attendance_police_denominator in the wide layout) to have them judged.",
    )
    assert commit_plan(store, plan).rows_added == 5
