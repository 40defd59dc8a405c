"""The store: migrations, atomic loads with history, and clear failures."""

import subprocess
import sys
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from boards.store import SCHEMA_VERSION, AuditEntry, SchemaTooNewError, Store, StoreError, resolve_location
from tests.postgres_server import on_both_back_ends


def rows(*items):
    """Observation rows (area, indicator, period, value, status)."""
    return pd.DataFrame(
        [
            {"area_code": a, "indicator_id": i, "period_id": p, "value": v, "numerator": None,
             "denominator": None, "status": s, "note": None}
            for a, i, p, v, s in items
        ]
    )


@pytest.fixture
def store(store_location):
    opened = Store.open(store_location)
    yield opened
    opened.close()


def test_fresh_file_gets_every_migration(tmp_path):
    """A new file is migrated to the latest schema and records each migration once."""
    store = Store(tmp_path / "fresh.duckdb")
    assert store.schema_version() == 0
    assert store.migrate() == list(range(1, SCHEMA_VERSION + 1))
    assert store.schema_version() == SCHEMA_VERSION
    assert store.migrate() == []
    assert len(store.table("schema_migrations")) == SCHEMA_VERSION
    store.close()


def test_existing_file_keeps_its_data_when_reopened(tmp_path):
    """Reopening a migrated file applies nothing and keeps what it holds."""
    path = tmp_path / "existing.duckdb"
    first = Store.open(path)
    first.commit_load(rows(("E06000001", "caseload", "Sep 2025", 15.0, "reported")),
                      source="local", loaded_by="tester", file_name="a.csv")
    first.close()
    again = Store(path)
    assert again.migrate() == []
    assert again.table("observations")["value"].tolist() == [15.0]
    again.close()


def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    """A file from a newer application version is not opened, and says why."""
    path = tmp_path / "newer.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', current_timestamp)")
    con.close()
    with pytest.raises(SchemaTooNewError, match="schema version 99, newer than this application's"):
        Store(path).migrate()


def test_file_in_use_by_another_process_says_so(tmp_path):
    """A second process gets a sentence about the lock, not a DuckDB traceback."""
    path = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb,sys,time; c=duckdb.connect({str(path)!r}); print('ready', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="is in use by another program"):
            Store(path)
    finally:
        holder.kill()
        holder.wait()


def test_not_a_database_is_refused(tmp_path):
    """A text file given as the database gives a readable error."""
    path = tmp_path / "notes.duckdb"
    path.write_text("hello, this is not a database\n")
    with pytest.raises(StoreError, match="notes.duckdb"):
        Store(path)


@on_both_back_ends
def test_load_counts_added_changed_unchanged_and_keeps_history(store):
    """A second load supersedes changed values, keeps them in history, and leaves the rest."""
    first = store.commit_load(
        rows(("A", "caseload", "Sep 2025", 15.0, "reported"), ("B", "caseload", "Sep 2025", None, "c")),
        source="local", loaded_by="tester", file_name="first.csv",
    )
    assert (first.rows_added, first.rows_changed, first.rows_unchanged) == (2, 0, 0)
    second = store.commit_load(
        rows(("A", "caseload", "Sep 2025", 16.5, "reported"), ("B", "caseload", "Sep 2025", None, "c"),
             ("C", "caseload", "Sep 2025", 12.0, "reported")),
        source="local", loaded_by="tester", file_name="second.csv",
    )
    assert (second.rows_added, second.rows_changed, second.rows_unchanged) == (1, 1, 1)
    current = store.table("observations").set_index("area_code")
    assert current.loc["A", "value"] == 16.5
    assert current.loc["A", "load_id"] == second.load_id
    assert current.loc["B", "load_id"] == first.load_id
    history = store.table("observation_history")
    assert history[["area_code", "value", "load_id", "superseded_by_load"]].values.tolist() == [
        ["A", 15.0, first.load_id, second.load_id]
    ]
    loads = store.loads()
    assert loads[["file_name", "rows_added", "rows_changed", "rows_unchanged"]].values.tolist() == [
        ["first.csv", 2, 0, 0], ["second.csv", 1, 1, 1]
    ]


@on_both_back_ends
def test_each_key_stays_unique_through_loads_and_rollbacks(store):
    """observations has no index to enforce its key; loads and rollbacks keep one row per key regardless."""
    for value in (15.0, 16.0, 15.0):
        store.commit_load(rows(("A", "caseload", "Sep 2025", value, "reported"), ("B", "caseload", "Sep 2025", 9.0,
                                                                                  "reported")),
                          source="local", loaded_by="tester", file_name=f"load {value}.csv")
    audit = AuditEntry(datetime(2026, 12, 1), "tester", "load_rolled_back", None, "load 15.0.csv")
    store.rollback_load(int(store.loads()["load_id"].iloc[-1]), audit=audit)
    current = store.table("observations")
    assert current[["area_code", "value"]].values.tolist() == [["A", 16.0], ["B", 9.0]]


@on_both_back_ends
def test_duplicate_keys_in_one_load_write_nothing(store):
    """Two rows for the same area, indicator and period are refused before anything is written."""
    with pytest.raises(ValueError, match="2 rows share a key, e.g. A / caseload / Sep 2025"):
        store.commit_load(
            rows(("A", "caseload", "Sep 2025", 15.0, "reported"), ("A", "caseload", "Sep 2025", 16.0, "reported")),
            source="local", loaded_by="tester", file_name="dupes.csv",
        )
    assert len(store.loads()) == 0
    assert len(store.table("observations")) == 0


@on_both_back_ends
def test_failed_load_rolls_back_entirely(store):
    """A load that fails half way leaves neither a load record nor any observation."""
    bad = rows(("A", "caseload", "Sep 2025", 15.0, "reported"))
    bad.loc[0, "status"] = None  # violates NOT NULL inside the transaction
    with pytest.raises(duckdb.ConstraintException):
        store.commit_load(bad, source="local", loaded_by="tester", file_name="bad.csv")
    assert len(store.loads()) == 0
    assert len(store.table("observations")) == 0


def test_unknown_source_is_refused(store):
    """Only published, local and demo are sources."""
    with pytest.raises(ValueError, match="source must be one of"):
        store.commit_load(rows(), source="made up", loaded_by="t", file_name="x")


def test_db_path_precedence(monkeypatch, tmp_path):
    """--db wins over $BOARDS_DB, which wins over data/boards.duckdb."""
    monkeypatch.setenv("BOARDS_DB", str(tmp_path / "env.duckdb"))
    assert resolve_location(tmp_path / "cli.duckdb") == tmp_path / "cli.duckdb"
    assert resolve_location(None) == tmp_path / "env.duckdb"
    monkeypatch.delenv("BOARDS_DB")
    assert resolve_location(None).parts[-2:] == ("data", "boards.duckdb")


@on_both_back_ends
def test_concurrent_reads_from_threads(store):
    """Forty threads reading at once each get their own cursor and no 'connection is busy'."""
    from concurrent.futures import ThreadPoolExecutor

    store.commit_load(rows(("A", "caseload", "Sep 2025", 15.0, "reported")),
                      source="local", loaded_by="t", file_name="x")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: store.summary()["observations"], range(40)))
    assert results == [1] * 40
