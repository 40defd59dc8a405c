"""Crash safety of the store: nothing committed is lost and nothing half-written remains, whatever stops
the process. Processes here die by ``os._exit`` or SIGKILL, as a power cut or the kernel would end them."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from boards.maintenance import check_database
from boards.store import MIGRATIONS, SCHEMA_VERSION, AuditEntry, Store, StoreClosedError, StoreError, utc_now

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True)


def figures(*items):
    return pd.DataFrame(
        [{"area_code": a, "indicator_id": i, "period_id": p, "value": v, "numerator": None, "denominator": None,
          "status": "reported", "note": None} for a, i, p, v in items]
    )


def log_size(path: Path) -> int:
    log = path.with_name(path.name + ".wal")
    return log.stat().st_size if log.exists() else 0


def test_the_pinned_duckdb_cannot_replay_an_alter_of_a_table_whose_default_calls_a_function(tmp_path):
    """The DuckDB bug this store is built around (duckdb/duckdb issues 18259, 20543, 22044, 22124): a log
    holding ALTER TABLE of a table with DEFAULT nextval(...) cannot be replayed, and the file never opens
    again. When a new DuckDB replays it, this test fails: the workarounds in the store can then be revisited."""
    path = tmp_path / "bug.duckdb"
    died = run_python(f"""
        import duckdb, os
        con = duckdb.connect({str(path)!r})
        con.execute("CREATE SEQUENCE s START 1")
        con.execute("CREATE TABLE t (id BIGINT PRIMARY KEY DEFAULT nextval('s'), x INT)")
        con.execute("ALTER TABLE t ADD COLUMN y TEXT")
        os._exit(0)
    """)
    assert died.returncode == 0, died.stderr
    with pytest.raises(duckdb.Error, match="Failure while replaying WAL file"):
        duckdb.connect(str(path))


def test_no_column_default_calls_a_function(tmp_path):
    """Ids and timestamps are set by the store, so no ALTER TABLE can bring the replay bug back (constant
    defaults, casts of constants included, replay)."""
    store = Store.open(tmp_path / "schema.duckdb")
    defaults = store._frame(
        "SELECT table_name, column_name, column_default FROM information_schema.columns "
        "WHERE column_default IS NOT NULL ORDER BY ALL"
    )
    store.close()
    assert set(defaults["column_default"]) == {"0", "'committed'", "CAST('t' AS BOOLEAN)"}


def test_a_new_database_leaves_nothing_in_its_log(tmp_path):
    """Every migration is in the database file itself once the store has opened it."""
    path = tmp_path / "new.duckdb"
    Store.open(path)
    assert log_size(path) == 0
    Store.open(path).close()


def test_every_write_is_in_the_file_before_the_process_dies(tmp_path):
    """A load, a user, an audit row and a rollback, then the process dies without closing anything: all four
    are there, and the log is empty (nothing had to be replayed)."""
    path = tmp_path / "durable.duckdb"
    Store.open(path).close()
    died = run_python(f"""
        import os, pandas as pd
        from boards.store import AuditEntry, Store, utc_now
        store = Store.open({str(path)!r})
        row = dict(numerator=None, denominator=None, status="reported", note=None)
        first = pd.DataFrame([dict(area_code="E06000001", indicator_id="caseload", period_id="2025", value=15.0, **row)])
        second = first.assign(value=17.0)
        entry = AuditEntry(utc_now(), "tester", "data_imported", None, "a.csv")
        store.commit_load(first, source="local", loaded_by="tester", file_name="a.csv", audit=entry)
        store.commit_load(second, source="local", loaded_by="tester", file_name="b.csv", audit=entry)
        store.rollback_load(2, audit=AuditEntry(utc_now(), "tester", "load_rolled_back", None, "b.csv"))
        store.add_user(dict(username="chair", display_name="Chair", password_hash=None, role="viewer", email=None),
                       [], AuditEntry(utc_now(), "tester", "user_added", "chair", None))
        os._exit(0)
    """)
    assert died.returncode == 0, died.stderr
    assert log_size(path) == 0
    store = Store.open(path)
    assert store.table("observations")["value"].tolist() == [15.0]
    assert store.loads()["status"].tolist() == ["committed", "rolled_back"]
    assert store.users()["username"].tolist() == ["chair"]
    assert store.audit_log()["action"].tolist() == ["data_imported", "data_imported", "load_rolled_back", "user_added"]
    assert check_database(store).problems == []
    store.close()


def version_5_database(path: Path) -> None:
    """A database as the application left it before migration 6, holding a load and its audit row."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at TIMESTAMP NOT NULL)")
    for version, name, sql in MIGRATIONS[:5]:
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [version, name])
    con.execute("INSERT INTO loads (loaded_by, file_name, source, rows_added) VALUES ('tester', 'a.csv', 'local', 1)")
    con.execute("INSERT INTO observations VALUES ('E06000001', 'caseload', '2025', 15.0, NULL, NULL, "
                "'reported', 'local', 1, NULL)")
    con.execute("SELECT nextval('audit_id_seq')")  # an id a rolled-back transaction took
    con.execute("INSERT INTO audit_log (occurred_at, actor, action, target) "
                "VALUES (TIMESTAMP '2026-01-05 10:00', 'tester', 'data_imported', 'load 1')")
    con.close()


def test_an_old_database_is_migrated_whole_with_its_ids_and_trail(tmp_path):
    """Migration 6 keeps load ids, numbers the audit trail 1, 2, 3... and leaves the log empty; migration 8
    gives the load no release (it was made before releases were recorded)."""
    path = tmp_path / "old.duckdb"
    version_5_database(path)
    store = Store.open(path)
    assert store.schema_version() == SCHEMA_VERSION == 10
    assert log_size(path) == 0
    assert store.loads()["load_id"].tolist() == [1]
    assert store.loads()["release"].isna().tolist() == [True]
    assert store.audit_log()["audit_id"].tolist() == [1]
    assert check_database(store).problems == []
    result = store.commit_load(figures(("E06000002", "caseload", "2025", 16.0)), source="local",
                               loaded_by="tester", file_name="b.csv",
                               audit=AuditEntry(utc_now(), "tester", "data_imported", None, "b.csv"))
    assert result.load_id == 2
    assert store.audit_log()[["audit_id", "target"]].values.tolist() == [[1, "load 1"], [2, "load 2"]]
    store.close()


def test_a_process_killed_during_a_migration_leaves_the_database_as_it_was(tmp_path):
    """Migrations run on a copy that is swapped in whole: SIGKILL in the middle leaves version 5 intact,
    and the next start migrates it."""
    path = tmp_path / "migrating.duckdb"
    version_5_database(path)
    before = path.read_bytes()
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from boards.store import Store
        migrate = Store.migrate
        def stalled(store):
            migrate(store)
            print("migrated the copy", flush=True)
            time.sleep(120)
        Store.migrate = stalled
        Store.open({str(path)!r})
    """)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "migrated the copy"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
    assert path.read_bytes() == before
    assert log_size(path) == 0
    store = Store.open(path)
    assert store.schema_version() == 10
    assert store.table("observations")["value"].tolist() == [15.0]
    assert not any(name.endswith(".rebuilding") for name in os.listdir(tmp_path))
    store.close()


def test_a_log_that_cannot_be_replayed_is_explained_in_plain_words(tmp_path):
    """The file is named, nothing is changed, and the two ways out are given."""
    path = tmp_path / "broken.duckdb"
    run_python(f"""
        import duckdb, os
        con = duckdb.connect({str(path)!r})
        con.execute("CREATE TABLE t (made TIMESTAMP DEFAULT current_timestamp, x INT)")
        con.execute("CHECKPOINT")
        con.execute("ALTER TABLE t ADD COLUMN y TEXT")
        os._exit(0)
    """)
    with pytest.raises(StoreError) as refused:
        Store.open(path)
    assert str(refused.value) == (
        f"The database {path} cannot be opened: DuckDB 1.5.5 cannot replay its log of recent changes "
        f"({path}.wal). Nothing has been changed. Restore the latest backup with "
        f"'boards restore BACKUP --db {path}', or move {path}.wal elsewhere to open the database as it was "
        "at its last checkpoint (the changes only the log holds are then lost)."
    )



def test_a_full_disk_during_the_checkpoint_loses_nothing_and_needs_no_restart(tmp_path):
    """The commit is synced to the log before the checkpoint runs: when the checkpoint cannot write (here the
    file size limit stands in for a full disk), DuckDB invalidates the database, and the store opens it again
    on the next request, in the same process, with the load there."""
    path = tmp_path / "full.duckdb"
    Store.open(path).close()
    ran = run_python(f"""
        import os, resource, signal
        import pandas as pd
        from boards.store import Store
        store = Store.open({str(path)!r})

        def figures(area, n):
            return pd.DataFrame(dict(area_code=area, indicator_id="caseload", period_id=[f"p{{i}}" for i in range(n)],
                                     value=1.0, numerator=None, denominator=None, status="reported",
                                     note=[f"note {{i}}" for i in range(n)]))

        # A database a few megabytes large, then a limit its log fits under but its grown file does not.
        store.commit_load(figures("E06000002", 300_000), source="local", loaded_by="tester", file_name="first.csv")
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize({str(path)!r}) + 100_000, resource.RLIM_INFINITY))
        print(store.commit_load(figures("E06000001", 30_000), source="local", loaded_by="tester",
                                file_name="big.csv").rows_added)
        print(store._invalidated)
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        print(store.summary()["observations"], store._invalidated)
    """)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == ["30000", "True", "330000 False"]
    assert "checkpoint of" in ran.stderr and "failed, to be retried on reopening" in ran.stderr
    store = Store.open(path)
    assert store.loads()["rows_added"].tolist() == [300000, 30000]
    assert check_database(store).problems == [  # loads written without the audit rows an import gives them
        "load 1 has no 'data_imported' row in the audit trail", "load 2 has no 'data_imported' row in the audit trail"]
    store.close()


def test_a_page_still_reading_when_the_server_stops_is_told_so_in_words(tmp_path):
    """The server's shutdown closes the store while a page's script thread may be between running a query
    and fetching its rows; that page gets a sentence, not DuckDB's 'No open result set'."""
    store = Store(tmp_path / "boards.duckdb")
    store.migrate()
    with pytest.raises(StoreClosedError, match=r"^The server is stopping, so this page was not finished\."):
        with store._cursor() as cur:
            result = cur.execute("SELECT 1 AS one")
            store.close()
            result.df()
    with pytest.raises(StoreClosedError):
        store.read("load_scope", load_id=1)


def test_a_write_whose_checkpoint_is_refused_stands_and_survives_the_process_dying(tmp_path):
    """DuckDB refuses a checkpoint while another transaction holds its checkpoint lock ("other write
    transactions active"; pages reading at the moment of a commit do it now and then). Here an open
    transaction that ran an UPDATE holds it: the write is not reported as failed, and it is there after the
    process dies before any later checkpoint (the log, holding rows only, replays)."""
    path = tmp_path / "busy.duckdb"
    Store.open(path).close()
    ran = run_python(f"""
        import os
        from boards.store import AuditEntry, Store, utc_now
        store = Store.open({str(path)!r})
        other = store._con.cursor()
        other.begin()
        other.execute("UPDATE users SET failed_attempts = failed_attempts WHERE false")
        store.append_audit(AuditEntry(utc_now(), "tester", "settings_changed", None, "while another held the lock"))
        print("written")
        os._exit(0)
    """)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == ["written"]
    assert log_size(path) > 0
    store = Store.open(path)
    assert store.audit_log()["detail"].tolist() == ["while another held the lock"]
    assert check_database(store).problems == []
    store.close()
