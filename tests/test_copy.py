"""`boards copy`: a whole database into a new or empty one, checked table by table, whole or not at all.

Literals: the demo's table sizes (51,541 observations, 9 loads, 9 audit rows...), plus what `lived_in` adds to
it: 4 users, 1 of them with 1 partnership, 2 settings, 1 load of 3 changed figures and 1 changed benchmark with
2 problems, and 1 rolled-back load of 1 figure."""

import getpass
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from boards.access import system_actor
from boards.accounts import SignInError, add_user, change_setting, sign_in
from boards.maintenance import check_database
from boards.sessions import SIGNING_KEY_SETTING, _signing_key
from boards.store import AuditEntry, SharedLocation, Store, utc_now
from boards.store.copy import COPY_ORDER, NOT_COPIED
from tests.postgres_server import on_both_back_ends

ROOT = Path(__file__).resolve().parents[1]
OPERATOR = system_actor("tester")
PASSWORDS = {"chair": "a long chair password 1", "uploader": "a long uploader password 2",
             "locked": "a long locked password 3"}
# Rows of each copied table in `lived_in`: the demo's, and what the test adds (see the module's docstring).
LIVED_IN_ROWS = {
    "regions": 9, "areas": 153, "area_aliases": 517, "area_population": 1935, "statistical_neighbours": 1530,
    "inspections": 312, "partnerships": 153, "partnership_history": 153, "indicators": 37, "periods": 30,
    "loads": 11, "load_problems": 2, "observations": 51541, "observation_history": 3, "published_benchmarks": 1872,
    "benchmark_history": 1, "register_snapshots": 305, "case_reviews": 2538, "case_review_themes": 4525,
    "review_recommendations": 6035, "users": 4, "user_partnerships": 1, "settings": 2, "audit_log": 23,
}


def boards(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "boards", *args], cwd=ROOT, capture_output=True, text=True,
                          **kwargs)


def lived_in(path: Path) -> None:
    """Add to the demo database at ``path`` what a database in use holds and the demo lacks: users with
    passwords, one locked out and one part way there, a single-sign-on account, changed settings and the
    session signing key, figures and a benchmark a later load replaced, a load's problems, a rolled-back load."""
    store = Store.open(path)
    add_user(store, OPERATOR, username="chair", display_name="Chair", role="viewer", password=PASSWORDS["chair"])
    add_user(store, OPERATOR, username="uploader", display_name="Uploader", role="uploader",
             password=PASSWORDS["uploader"], partnership_ids=["E06000001"])
    add_user(store, OPERATOR, username="locked", display_name="Locked", role="analyst", password=PASSWORDS["locked"])
    add_user(store, OPERATOR, username="sso", display_name="Single sign-on", role="viewer", password=None,
             email="sso@example.org")
    for username, wrong in (("locked", 5), ("uploader", 1)):
        for _ in range(wrong):
            with pytest.raises(SignInError):
                sign_in(store, username, "not the password")
    change_setting(store, OPERATOR, "lockout_minutes", "20")
    _signing_key(store)
    replaced = store.table("observations").head(3)
    changed = replaced[["area_code", "indicator_id", "period_id", "value", "numerator", "denominator", "status",
                        "note"]].assign(value=lambda frame: frame["value"].fillna(0) + 1, status="reported")
    benchmark = store.table("published_benchmarks").head(1)[
        ["geography_code", "indicator_id", "period_id", "value", "numerator", "denominator", "status"]
    ].assign(value=lambda frame: frame["value"].fillna(0) + 1, status="reported")
    problems = pd.DataFrame({"line": [4, 7], "column_name": ["value", "period"], "value": ["lots", "2031"],
                             "reason": ["not a number", "no such period"]})
    store.commit_load(changed, source="local", loaded_by="uploader", file_name="changed.csv", benchmarks=benchmark,
                      problems=problems, rows_rejected=2,
                      audit=AuditEntry(utc_now(), "uploader", "data_imported", None, "changed.csv"))
    added = changed.head(1).assign(indicator_id="caseload", period_id="2019-20", value=42.0)
    result = store.commit_load(added, source="local", loaded_by="uploader", file_name="added.csv",
                               audit=AuditEntry(utc_now(), "uploader", "data_imported", None, "added.csv"))
    store.rollback_load(result.load_id, audit=AuditEntry(utc_now(), "uploader", "load_rolled_back", None,
                                                         "added.csv"))
    store.close()


@pytest.fixture(scope="module")
def lived_in_db(demo_db_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lived-in") / "lived-in.duckdb"
    path.write_bytes(demo_db_path.read_bytes())
    lived_in(path)
    return path


def argument(location) -> str:
    """A location as `--from` or `--to` take it."""
    return "postgres:" + location.dsn if isinstance(location, SharedLocation) else str(location)


def sums(path) -> dict[str, tuple[int, int]]:
    store = Store.open(path)
    try:
        return store.table_sums()
    finally:
        store.close()


def test_copy_order_places_every_table_a_migrated_database_has(tmp_path):
    """A table a migration adds must be given its place in the copy, or `boards copy` refuses to run."""
    store = Store.open(tmp_path / "new.duckdb")
    tables = set(store._frame("SELECT table_name FROM information_schema.tables")["table_name"])
    store.close()
    assert tables == set(COPY_ORDER) | (set(NOT_COPIED) & tables)
    assert len(COPY_ORDER) == 24


def test_a_copy_is_the_source_table_for_table_and_signs_in_as_it(lived_in_db, tmp_path):
    """Every table arrives with the same rows (counts and checksums printed and equal), users keep their
    password hashes and lockouts, settings their values and the session signing key; the audit trail gets one
    row recording the copy, after the comparison."""
    copy = tmp_path / "copy.duckdb"
    before = sums(lived_in_db)
    assert {table: rows for table, (rows, _) in before.items()} == LIVED_IN_ROWS
    result = boards("copy", "--from", str(lived_in_db), "--to", str(copy))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{lived_in_db} -> {copy}: rows and checksum of each table, the same in both"
    assert [line.split()[:2] for line in lines[1:-1]] == [
        [table, f"{LIVED_IN_ROWS[table]:,}"] for table in COPY_ORDER]
    assert [line.split()[2] for line in lines[1:-1]] == [f"{before[table][1] % 2**64:016x}" for table in COPY_ORDER]
    assert lines[-1] == (f"Copied 24 tables, 71,692 rows; the audit trail of {copy} has one row more, "
                         "recording the copy")
    after = sums(copy)
    assert {table: after[table] for table in after if table != "audit_log"} == {
        table: before[table] for table in before if table != "audit_log"}
    original, copied = Store.open(lived_in_db), Store.open(copy)
    try:
        trail = copied.audit_log()
        assert trail.head(23).equals(original.audit_log())
        assert trail.iloc[23][["audit_id", "actor", "action", "target", "detail"]].tolist() == [
            24, f"system:{getpass.getuser()}", "database_copied", str(lived_in_db),
            "24 tables, 71,692 rows, each table's row count and checksum equal to the source's"]
        assert copied.users().equals(original.users())
        locked = copied.user("locked")
        assert (locked["failed_attempts"], locked["locked_until"]) == (5, original.user("locked")["locked_until"])
        assert copied.user("uploader")["failed_attempts"] == 1
        assert copied.settings()[SIGNING_KEY_SETTING] == original.settings()[SIGNING_KEY_SETTING]
        assert copied.settings()["lockout_minutes"] == "20"
        assert sign_in(copied, "chair", PASSWORDS["chair"]).actor.username == "chair"
        with pytest.raises(SignInError):  # still locked out on the copy, with the right password
            sign_in(copied, "locked", PASSWORDS["locked"], now=locked["locked_until"] - timedelta(minutes=1))
        assert check_database(copied).problems == []
        assert copied.summary()["observations"] == 51541
    finally:
        original.close()
        copied.close()


def test_a_destination_holding_data_is_refused_and_left_as_it_was(lived_in_db, tmp_path):
    """A database that `boards init` set up (reference data, an administrator) is not written to: one line,
    exit status 5, the file byte for byte as it was."""
    destination = tmp_path / "initialised.duckdb"
    assert boards("init", "--db", str(destination)).returncode == 0
    before = destination.read_bytes()
    result = boards("copy", "--from", str(lived_in_db), "--to", str(destination))
    assert (result.returncode, result.stdout) == (5, "")
    assert result.stderr == (
        f"boards copy: {destination} already holds data (4,801 rows in 11 tables, 0 loads, 1 users), so nothing was "
        "copied: 'boards copy' writes only into an empty database. Give a new file, or an empty PostgreSQL "
        "database, as --to.\n"
    )
    assert destination.read_bytes() == before


def test_an_empty_database_of_this_version_is_a_destination(lived_in_db, tmp_path):
    """A database that holds no data yet (opened once, migrated, nothing in it) takes a copy."""
    destination = tmp_path / "empty.duckdb"
    Store.open(destination).close()
    result = boards("copy", "--from", str(lived_in_db), "--to", str(destination))
    assert result.returncode == 0, result.stderr
    assert sums(destination)["observations"] == sums(lived_in_db)["observations"]


def old_version(demo_db_path: Path, path: Path, version: int) -> Path:
    path.write_bytes(demo_db_path.read_bytes())
    store = Store(path)
    with store._transaction() as cur:
        cur.execute("DELETE FROM schema_migrations WHERE version > ?", [version])
        cur.execute("INSERT INTO schema_migrations SELECT 99, 'from the future', current_timestamp WHERE ? = 99",
                    [version])
    store.close()
    return path


@pytest.mark.parametrize("source, message", [
    ("missing.duckdb", "{source} does not exist"),
    ("folder", "{source} is not a database file"),
    ("notes.txt", '{source} cannot be copied: IO Error: The file "{source}" exists, but it is not a valid DuckDB '
                  "database file!"),
    ("v9.duckdb", "{source} has schema version 9 and this application 10: bring it up to date first by opening it "
                  "once with this version ('boards info --db {source}'), then copy it"),
    ("v99.duckdb", "{source} has schema version 99, newer than this application's 10: copy it with the version of "
                   "the application that wrote it"),
    ("copy.duckdb", "--from and --to are both {source}: copy into another database"),
])
def test_a_source_that_cannot_be_copied_is_refused_in_one_line_before_anything_is_written(
        demo_db_path, tmp_path, source, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "notes.txt").write_text("area,value\n")
    old_version(demo_db_path, tmp_path / "v9.duckdb", 9)
    old_version(demo_db_path, tmp_path / "v99.duckdb", 99)
    destination = tmp_path / "copy.duckdb"
    result = boards("copy", "--from", str(tmp_path / source), "--to", str(destination))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"boards copy: {message.format(source=tmp_path / source)}\n"
    assert not destination.exists()


@on_both_back_ends
def test_a_copy_killed_midway_leaves_the_destination_empty_and_usable(lived_in_db, store_location):
    """SIGKILL once the copy has written observations, well before it commits: the destination (a new file, or
    a migrated empty shared store) holds nothing but its schema, opens, and takes the copy when it is run
    again."""
    copying = subprocess.Popen([sys.executable, "-m", "boards", "copy", "--from", str(lived_in_db), "--to",
                                argument(store_location)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        seen = [copying.stdout.readline().split()[0] for _ in range(14)]
        os.kill(copying.pid, signal.SIGKILL)
    finally:
        copying.wait()
    assert seen[-2:] == ["load_problems", "observations"]
    assert copying.returncode == -signal.SIGKILL
    store = Store.open(store_location)
    assert store.occupied_tables() == {}
    assert store.schema_version() == 10
    store.close()
    again = boards("copy", "--from", str(lived_in_db), "--to", argument(store_location))
    assert again.returncode == 0, again.stderr
    assert sums(store_location)["observations"] == (51541, sums(lived_in_db)["observations"][1])


def test_a_checksum_tells_a_changed_value_and_not_the_order_of_rows(lived_in_db, tmp_path):
    """The comparison would see a difference: one partnership renamed changes that table's checksum alone, and
    the same rows written in another order have the same checksum."""
    copy = tmp_path / "copy.duckdb"
    assert boards("copy", "--from", str(lived_in_db), "--to", str(copy)).returncode == 0
    before = sums(copy)
    store = Store.open(copy)
    with store._transaction() as cur:
        cur.execute("CREATE TABLE reordered AS SELECT * FROM areas ORDER BY name DESC")
        cur.execute("DELETE FROM areas")
        cur.execute("INSERT INTO areas SELECT * FROM reordered")
        cur.execute("DROP TABLE reordered")
        cur.execute("UPDATE partnerships SET name = 'Renamed' WHERE partnership_id = 'E06000001'")
    store.close()
    after = sums(copy)
    assert [table for table in before if before[table] != after[table]] == ["partnerships"]
    assert after["partnerships"][0] == before["partnerships"][0] == 153


def test_a_round_trip_through_the_shared_store_loses_nothing(lived_in_db, shared_location, tmp_path):
    """file -> PostgreSQL -> file: every table of the round-tripped file equals the original's, rows and
    checksums (the same checksums as in the file: PostgreSQL hands back the very values); the audit trail is the
    original's and one row for each copy. On the shared store and on the file that came back, users sign in with
    their old passwords and the locked account is still locked; a second copy into the shared store, which now
    holds data, is refused and changes nothing there."""
    shared = argument(shared_location)
    before = sums(lived_in_db)
    there = boards("copy", "--from", str(lived_in_db), "--to", shared)
    assert there.returncode == 0, there.stderr
    assert there.stdout.splitlines()[0] == (f"{lived_in_db} -> {shared_location.display}: rows and checksum of "
                                            "each table, the same in both")
    assert [line.split() for line in there.stdout.splitlines()[1:-1]] == [
        [table, f"{LIVED_IN_ROWS[table]:,}", f"{before[table][1] % 2**64:016x}"] for table in COPY_ORDER]
    back = tmp_path / "back.duckdb"
    returned = boards("copy", "--from", shared, "--to", str(back))
    assert returned.returncode == 0, returned.stderr
    assert returned.stdout.splitlines()[-1] == (f"Copied 24 tables, 71,693 rows; the audit trail of {back} has one "
                                                "row more, recording the copy")
    on_shared, after = sums(shared_location), sums(back)
    assert {table: on_shared[table] for table in COPY_ORDER[:-1]} == {table: before[table] for table in COPY_ORDER[:-1]}
    assert {table: after[table] for table in COPY_ORDER[:-1]} == {table: before[table] for table in COPY_ORDER[:-1]}
    assert (on_shared["audit_log"][0], after["audit_log"][0]) == (24, 25)

    refused = boards("copy", "--from", str(lived_in_db), "--to", shared)
    assert (refused.returncode, refused.stdout) == (5, "")
    assert refused.stderr == (
        f"boards copy: {shared_location.display} already holds data (71,693 rows in 24 tables, 11 loads, 4 users), so "
        "nothing was copied: 'boards copy' writes only into an empty database. Give a new file, or an empty "
        "PostgreSQL database, as --to.\n"
    )
    assert sums(shared_location) == on_shared

    original, returned_store, shared_store = Store.open(lived_in_db), Store.open(back), Store.open(shared_location)
    try:
        trail = returned_store.audit_log()
        assert trail.head(23).equals(original.audit_log())
        assert trail.iloc[23:][["audit_id", "action", "target"]].values.tolist() == [
            [24, "database_copied", str(lived_in_db)], [25, "database_copied", shared_location.display]]
        assert returned_store.users().equals(original.users())
        for store in (shared_store, returned_store):
            locked = store.user("locked")
            assert (locked["failed_attempts"], locked["locked_until"]) == (5, original.user("locked")["locked_until"])
            assert store.settings() == original.settings()
            assert sign_in(store, "chair", PASSWORDS["chair"]).actor.username == "chair"
            with pytest.raises(SignInError):
                sign_in(store, "locked", PASSWORDS["locked"], now=locked["locked_until"] - timedelta(minutes=1))
            assert check_database(store).problems == []
            assert store.summary()["observations"] == 51541
    finally:
        for store in (original, returned_store, shared_store):
            store.close()


def test_a_shared_location_that_cannot_be_reached_is_refused_in_one_line(lived_in_db, tmp_path):
    """As a source or a destination: exit status 4, the line naming where without the password."""
    nowhere = f"postgres:host={tmp_path} dbname=boards user=boards password=not-shown"
    for arguments in (["--from", nowhere, "--to", str(tmp_path / "copy.duckdb")],
                      ["--from", str(lived_in_db), "--to", nowhere]):
        result = boards("copy", *arguments)
        assert (result.returncode, result.stdout) == (4, "")
        assert result.stderr == (
            f"boards copy: The shared database (database boards on {tmp_path}) cannot be reached: No such file or "
            f"directory. Check postgres:host={tmp_path} dbname=boards user=boards and that PostgreSQL is running.\n"
        )
    assert not (tmp_path / "copy.duckdb").exists()


def test_a_copy_from_the_shared_store_is_as_at_one_moment_while_others_write(lived_in_db, shared_location, tmp_path):
    """A user added to the shared store while a copy from it is under way (the copy stopped by SIGSTOP once it
    has copied observations, so before it reads users, and let go on once the user is committed) is not in the
    copy, whose tables are all as they were when it began: the copy reads the shared store in one PostgreSQL
    transaction."""
    assert boards("copy", "--from", str(lived_in_db), "--to", argument(shared_location)).returncode == 0
    before = sums(shared_location)
    back = tmp_path / "back.duckdb"
    copying = subprocess.Popen([sys.executable, "-m", "boards", "copy", "--from", argument(shared_location),
                                "--to", str(back)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert [copying.stdout.readline().split()[0] for _ in range(14)][-1] == "observations"
        os.kill(copying.pid, signal.SIGSTOP)
        shared = Store.open(shared_location)
        add_user(shared, OPERATOR, username="newcomer", display_name="Newcomer", role="viewer", password=None)
        shared.close()
        os.kill(copying.pid, signal.SIGCONT)
        rest = copying.stdout.read()
    finally:
        copying.wait()
    assert copying.returncode == 0, rest
    assert sums(shared_location)["users"][0] == 5
    copied = sums(back)
    assert {table: copied[table] for table in COPY_ORDER[:-1]} == {table: before[table] for table in COPY_ORDER[:-1]}
    assert copied["audit_log"][0] == before["audit_log"][0] + 1 == 25
