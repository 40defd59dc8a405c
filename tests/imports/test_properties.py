"""Property tests: whatever the bytes, an upload imports or fails clearly, and a failure writes nothing."""

import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from boards.imports.pipeline import ImportRejected, commit_plan, rollback
from boards.imports.problems import UnusableFile
from boards.store import Store

from .conftest import OPERATOR, inspect

DATA_TABLES = ("observations", "observation_history", "published_benchmarks", "benchmark_history")
EVERY_TABLE = (*DATA_TABLES, "loads", "periods", "load_problems", "audit_log")
AREAS = ["E06000001", "805", "Middlesbrough", "Cumbria", "Atlantis", "Kingston upon Thames / Richmond upon Thames",
         "", "E09000021"]
PERIODS = ["2025-26 Q1", "Q2 2025-26", "2025/26 Q3", "2026-27 Q4", "2025", "Sep 2025", "2024-25", "soon", ""]
INDICATORS = ["attendance_police", "multi_agency_audits", "s47_rate", "caseload", "rereferral_rate", "nonsense", ""]
GOOD_AREAS = ["E06000001", "806", "Redcar and Cleveland", "Kingston upon Thames / Richmond upon Thames"]
GOOD_PERIODS = ["2025-26 Q1", "Q2 2025-26", "2025/26 Q3"]
NUMBERS = ["85.7", "50", "0", "-3", "104.5", "1,234", "12%", "c", "x", "low", ":", "~", "", "abc", "2.5", "6", "7"]


@pytest.fixture(scope="module")
def shared_store(reference_db, tmp_path_factory):
    """One database for all examples of a test: every example must leave its data as it found it."""
    path = tmp_path_factory.mktemp("properties") / "properties.duckdb"
    shutil.copy(reference_db, path)
    store = Store.open(path)
    yield store
    store.close()


def tables(store, names):
    return {name: store.table(name) for name in names}


def assert_same(store, before):
    for name, frame in tables(store, before).items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)


def assert_refused(store, before):
    """Nothing written but one audit row saying the upload was refused."""
    audit = store.table("audit_log")
    assert audit["action"].tolist()[len(before["audit_log"]):] == ["upload_refused"]
    assert_same(store, {**before, "audit_log": audit})


def import_and_undo(store, name, data):
    """Import the upload if it is acceptable, then roll it back; a refusal must have written nothing."""
    before = tables(store, EVERY_TABLE)
    try:
        plan = inspect(store, name, data)
    except UnusableFile as exc:
        event("unusable")
        assert str(exc).strip()
        assert_refused(store, before)
        return
    assert plan.summary.rows_rejected == len({p.line for p in plan.problems if p.line is not None})
    assert all(p.reason.strip() for p in plan.problems)
    try:
        result = commit_plan(store, plan)
    except ImportRejected:
        event("rejected")
        assert plan.problems
        assert_refused(store, before)
        return
    event("imported")
    assert result.rows_added == plan.summary.rows_to_add
    rollback(store, result.load_id, actor=OPERATOR)
    assert_same(store, {name: before[name] for name in DATA_TABLES})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.sampled_from(["upload.csv", "upload.xlsx", "upload"]))
def test_arbitrary_bytes_import_or_fail_clearly(shared_store, data, name):
    """Random bytes never crash the import and never leave a trace when refused."""
    import_and_undo(shared_store, name, data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.one_of(
            st.tuples(st.sampled_from(AREAS), st.sampled_from(PERIODS), st.sampled_from(INDICATORS),
                      st.sampled_from(NUMBERS), st.sampled_from(NUMBERS), st.sampled_from(NUMBERS)),
            st.tuples(st.sampled_from(GOOD_AREAS), st.sampled_from(GOOD_PERIODS), st.just("attendance_police"),
                      st.just("50"), st.just("1"), st.just("2")),
        ),
        min_size=1, max_size=12, unique_by=lambda row: row[:3],
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_plausible_returns_import_or_fail_clearly(shared_store, rows, delimiter, newline, encoding):
    """Returns mixing good and bad cells either import exactly their figures or are refused untouched."""
    header = ["area_code", "period", "indicator", "value", "numerator", "denominator"]
    lines = [delimiter.join(f'"{cell}"' for cell in row) for row in [header, *rows]]
    import_and_undo(shared_store, "return.csv", (newline.join(lines) + newline).encode(encoding))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300))
def test_a_real_header_over_arbitrary_bytes_imports_or_fails_clearly(shared_store, body):
    """Garbage under a valid header reaches the row checks and still never crashes or half-writes."""
    import_and_undo(shared_store, "return.csv", b"area_code,period,indicator,value,numerator,denominator\n" + body)
