"""The shared store (issue 22): several processes on one PostgreSQL database at once lose nothing and see each
other's changes; where it is and what goes wrong reaching it are said in one line, never with its password."""

import json
import re
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from boards.maintenance import check_database
from boards.store import (
    AuditEntry,
    SchemaTooNewError,
    SharedLocation,
    SharedStoreUnavailableError,
    Store,
    parse_location,
    utc_now,
)
from tests.postgres_server import postgres_bin_dir

ROOT = Path(__file__).resolve().parents[1]
LOCKED_UNTIL = datetime(2030, 1, 1, 9, 15)


def entry(action: str) -> AuditEntry:
    return AuditEntry(occurred_at=utc_now(), actor="tester", action=action, target=None, detail=None)


def figures(area: str, value: float) -> pd.DataFrame:
    return pd.DataFrame([
        {"area_code": area, "indicator_id": "caseload", "period_id": period, "value": value, "numerator": None,
         "denominator": None, "status": "reported", "note": None}
        for period in ("Sep 2024", "Sep 2025")
    ])


def add_ana(store: Store) -> None:
    store.add_user({"username": "ana", "display_name": "Ana", "password_hash": "not used", "role": "analyst",
                    "email": None}, [], entry("user_added"))


def test_a_location_is_shown_without_its_password():
    assert parse_location("postgres:host=db.internal dbname=boards user=boards password='s3 cr\\'et' port=5433") == \
        SharedLocation("host=db.internal dbname=boards user=boards password='s3 cr\\'et' port=5433")
    assert str(SharedLocation("host=db.internal dbname=boards password='s3 cr\\'et' port=5433")) == \
        "postgres:host=db.internal dbname=boards port=5433"
    uri = parse_location("postgresql://boards:hunter2@db.internal:5433/boards?sslmode=require&password=x")
    assert uri.display == "postgresql://boards@db.internal:5433/boards?sslmode=require"
    assert uri.names == "database boards on db.internal"
    assert parse_location("data/x.duckdb") == Path("data/x.duckdb").resolve()


def test_an_unreachable_shared_database_is_one_line_and_status_4_without_the_password():
    """Nothing listens on port 1 of the loopback address: refused, said in one line naming host and database."""
    location = "postgres:host=127.0.0.1 port=1 dbname=boards user=boards password=hunter2"
    with pytest.raises(SharedStoreUnavailableError) as refused:
        Store.open(location)
    assert str(refused.value) == (
        "The shared database (database boards on 127.0.0.1) cannot be reached: Connection refused. "
        "Check postgres:host=127.0.0.1 port=1 dbname=boards user=boards and that PostgreSQL is running."
    )
    result = subprocess.run([sys.executable, "-m", "boards", "info", "--db", location], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (4, "")
    assert result.stderr == f"boards info: {refused.value}\n"


def test_no_such_database_is_named(postgres_dsn):
    location = SharedLocation(postgres_dsn.replace("dbname=boards", "dbname=nowhere"))
    with pytest.raises(SharedStoreUnavailableError, match=r'^The shared database \(database nowhere on /tmp/boards-pg-\w+\) '
                                                          r'cannot be reached: database "nowhere" does not exist\.'):
        Store.open(location)


def test_backup_and_restore_of_a_shared_store_say_what_to_use_instead(shared_location, tmp_path):
    store = Store.open(shared_location)
    try:
        with pytest.raises(Exception, match=r"^A backup by 'boards backup' works on a database file, not on the "
                                            r"shared store postgres:.*: back it up with PostgreSQL's own tools \(pg_dump "):
            store.copy_file_to(tmp_path / "copy.duckdb")
    finally:
        store.close()
    result = subprocess.run([sys.executable, "-m", "boards", "restore", str(tmp_path / "x.duckdb"),
                             "--db", f"postgres:{shared_location.dsn}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("boards restore: 'boards restore' puts a file in place of a database file, not of the "
                                    "shared store postgres:")


WORKER = textwrap.dedent("""
    import json, sys, time
    from datetime import datetime
    from boards.store import AuditEntry, SharedLocation, Store, utc_now
    from tests.test_shared_store import figures

    dsn, area, rounds, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    store = Store.open(SharedLocation(dsn))
    def entry(action):
        return AuditEntry(occurred_at=utc_now(), actor=area, action=action, target=None, detail=None)
    time.sleep(max(0.0, start_at - time.time()))  # both processes begin together
    loads, counts = [], []
    for value in range(rounds):
        result = store.commit_load(figures(area, value), source="local", loaded_by=area, file_name=f"{area}-{value}.csv",
                                   audit=entry("data_imported"))
        loads.append([result.load_id, result.rows_added, result.rows_changed, result.rows_unchanged])
        failures, _ = store.count_failed_sign_in("ana", lockout_attempts=1000, lock_until=datetime(2030, 1, 1),
                                                 audit=lambda n: entry(f"sign_in_failed {n}"))
        counts.append(failures)
    rolled_back = store.rollback_load(loads[-1][0], audit=entry("load_rolled_back"))
    print(json.dumps({"loads": loads, "counts": counts, "rolled_back": [rolled_back.rows_restored, rolled_back.rows_removed]}))
    store.close()
""")


def test_two_processes_loading_rolling_back_and_counting_at_once_lose_nothing(shared_location):
    """Two processes, each with its own DuckDB, on one PostgreSQL database at the same moment: every load
    numbered once, none lost or doubled, every wrong password counted, the audit trail unbroken."""
    rounds = 4
    store = Store.open(shared_location)
    add_ana(store)
    start_at = time.time() + 4  # after both have opened the store
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, shared_location.dsn, area, str(rounds), str(start_at)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for area in ("E06000001", "E06000002")
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], [error for _, error in outputs]
    results = [json.loads(out) for out, _ in outputs]
    for result in results:
        assert [load[1:] for load in result["loads"]] == [[2, 0, 0], [0, 2, 0], [0, 2, 0], [0, 2, 0]]
        assert result["rolled_back"] == [2, 0]
    load_ids = sorted(load[0] for result in results for load in result["loads"])
    assert load_ids == list(range(1, 2 * rounds + 1))
    assert sorted(count for result in results for count in result["counts"]) == list(range(1, 2 * rounds + 1))
    assert store.user("ana")["failed_attempts"] == 2 * rounds
    audit = store.audit_log()
    # one user added, and per process 4 imports, 4 wrong passwords and 1 rollback
    assert audit["audit_id"].tolist() == list(range(1, 1 + 2 * (2 * rounds + 1) + 1))
    observations = store.table("observations")
    assert observations.groupby("area_code")["value"].agg(list).to_dict() == {
        "E06000001": [2.0, 2.0], "E06000002": [2.0, 2.0]}  # the third round's, the fourth rolled back
    assert check_database(store).problems == []
    store.close()


def test_a_lock_new_data_and_a_newer_schema_are_seen_by_another_store_at_once(shared_location):
    """Two stores with a DuckDB each (as two servers have): a lock set by one holds on the other, a load or
    rollback by one moves the other's data version at once (its caches are keyed by it), and a schema migrated
    by a newer application stops the other's writes."""
    one = Store.open(shared_location)
    other = Store(shared_location)
    try:
        add_ana(one)
        for _ in range(5):
            one.count_failed_sign_in("ana", lockout_attempts=5, lock_until=LOCKED_UNTIL,
                                     audit=lambda n: entry("sign_in_failed"))
        assert other.record_sign_in("ana", now=utc_now(), password_hash=None, audit=entry("sign_in")) == LOCKED_UNTIL
        before = other.data_version()
        load = one.commit_load(figures("E06000001", 1.0), source="local", loaded_by="t", file_name="a.csv")
        assert other.data_version() == (before[0] + 1, before[1], before[2])
        one.rollback_load(load.load_id, audit=entry("rollback"))
        assert other.data_version() == (before[0] + 1, before[1] + 1, before[2])
        with one._transaction() as cur:
            cur.execute("INSERT INTO schema_migrations VALUES (11, 'from_a_newer_release', current_timestamp)")
        with pytest.raises(SchemaTooNewError, match="has schema version 11, newer than this application's 10"):
            other.append_audit(entry("refused"))
        assert other.audit_log()["action"].tolist()[-1] == "rollback"
    finally:
        other.close()
        one.close()


LOST = textwrap.dedent("""
    import subprocess, sys
    from boards.store import SharedLocation, Store, StoreError
    dsn, psql = sys.argv[1], sys.argv[2]
    store = Store.open(SharedLocation(dsn))
    try:
        with store._transaction() as cur:
            cur.execute("UPDATE settings SET value = value")
            # the server ends this process's connections, as a restart of PostgreSQL would
            subprocess.run([psql, dsn, "-Atc", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"], check=True)
            cur.execute("SELECT count(*) FROM settings").fetchall()
    except StoreError as lost:
        print(type(lost).__name__, lost)
    print(store.setting_or_first("after", "reconnected"))
""")


def test_a_connection_lost_mid_transaction_is_a_clear_error_and_the_process_carries_on(shared_location):
    """DuckDB aborts a process that finds its transaction's server gone at exit: the store rolls back,
    connects again for the next request, and the process ends normally."""
    result = subprocess.run([sys.executable, "-c", LOST, shared_location.dsn, str(postgres_bin_dir() / "psql")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    terminated, lost, after = result.stdout.splitlines()
    assert terminated == "1"
    assert lost == (
        f"SharedStoreUnavailableError The shared database {shared_location} is unreachable (server closed the "
        "connection unexpectedly), so nothing was changed. It is connected to again for the next request; if this "
        "persists, check that PostgreSQL is running."
    )
    assert after == "reconnected"


def test_a_wrong_password_is_one_line_and_the_right_one_comes_from_pgpassword(postgres_dsn, monkeypatch):
    """A role that must give its password (the test server trusts every other): a wrong one is refused in one
    line that never shows it; the right one, given the libpq way in PGPASSWORD, opens the store."""
    psql = [str(postgres_bin_dir() / "psql"), postgres_dsn, "-Atq"]
    folder = Path(re.search(r"host=(\S+)", postgres_dsn)[1])
    rules = folder / "data" / "pg_hba.conf"
    rules.write_text("local all checked scram-sha-256\n" + rules.read_text())  # the first matching line applies
    subprocess.run([*psql, "-c", "CREATE ROLE checked LOGIN PASSWORD 'right one'", "-c",
                    "CREATE DATABASE checked OWNER checked", "-c", "SELECT pg_reload_conf()"], check=True, capture_output=True)
    wrong = f"postgres:host={folder} dbname=checked user=checked password='not it'"
    with pytest.raises(SharedStoreUnavailableError) as refused:
        Store.open(wrong)
    assert str(refused.value) == (
        f"The shared database (database checked on {folder}) cannot be reached: password authentication failed "
        f'for user "checked". Check postgres:host={folder} dbname=checked user=checked and that PostgreSQL is running.'
    )
    monkeypatch.setenv("PGPASSWORD", "right one")
    store = Store.open(f"postgres:host={folder} dbname=checked user=checked")
    try:
        assert store.schema_version() == 10
    finally:
        store.close()


def test_the_dashboard_on_an_unreachable_shared_store_says_so_without_its_host(monkeypatch, caplog):
    """Where the shared database is, is the operator's business: a visitor reads that it cannot be used, the
    server's log says why."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BOARDS_DB", "postgres:host=127.0.0.1 port=1 dbname=boards password=hunter2")
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=30).run()
    assert not app.exception
    assert app.error[0].value == (
        "**The dashboard cannot open its database.** Its shared database cannot be used just now; the server's "
        "log says why. Try again in a moment."
    )
    assert "The shared database (database boards on 127.0.0.1) cannot be reached: Connection refused." in caplog.text
    assert "hunter2" not in caplog.text


def test_servers_starting_on_an_empty_shared_store_build_the_demo_once(shared_location, monkeypatch):
    """The first to claim the build builds; another waits for its figures, and says who is building when they
    do not come."""
    from boards import database

    one, other = Store.open(shared_location), Store(shared_location)
    try:
        assert database._builds_the_demo_here(one, None) is True
        claim = one.settings()[database.DEMO_BUILD_SETTING]
        monkeypatch.setattr(database, "DEMO_BUILD_WAIT_SECONDS", 0)
        with pytest.raises(Exception, match=(
            rf"^The shared store {re.escape(str(shared_location))} is still empty: {re.escape(claim)} began building the "
            r"demo database and has not finished\. If it stopped, empty the database \(DROP SCHEMA main CASCADE\)"
        )):
            database._builds_the_demo_here(other, None)
        one.commit_load(figures("E06000001", 1.0), source="demo", loaded_by="t", file_name="demo.csv")
        assert database._builds_the_demo_here(other, None) is False
    finally:
        other.close()
        one.close()


def test_the_shared_schema_has_the_files_tables_columns_and_types(shared_location, tmp_path):
    """The PostgreSQL forms of migrations 001, 002 and 006 leave out only the sequences: once migrated, both back
    ends hold the same tables with the same columns and types (as DuckDB reads them)."""
    columns = ("SELECT table_name, column_name, data_type FROM information_schema.columns "
               "WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY ALL")
    file_store, shared = Store(tmp_path / "file.duckdb"), Store.open(shared_location)
    try:
        file_store.migrate()
        on_file, on_shared = file_store._frame(columns), shared._frame(columns)
    finally:
        file_store.close()
    assert len(on_file) == 174
    assert on_file["table_name"].nunique() == 26
    pd.testing.assert_frame_equal(on_shared, on_file)
