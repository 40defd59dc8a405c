"""The boards command: init, demo, info; errors as one line, never a traceback."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from boards.cli import EXIT_IN_USE, EXIT_UNREACHABLE
from boards.imports.commands import EXIT_ERROR, EXIT_REJECTED, EXIT_UNUSABLE

EXIT_STATUS_DOC = Path(__file__).resolve().parents[1] / "docs" / "exit-status.md"


def boards(*args, env_db=None):
    env = None if env_db is None else {**os.environ, "BOARDS_DB": str(env_db)}
    return subprocess.run([sys.executable, "-m", "boards", *args], capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def built_db(tmp_path_factory):
    """A demo database built by the command itself (another process than pytest's own store)."""
    db = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    result = boards("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def test_init_creates_reference_and_first_admin(tmp_path):
    """init migrates, loads reference data and the catalogue (no observations) and creates 'admin' once."""
    db = tmp_path / "init.duckdb"
    result = boards("init", "--db", str(db))
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()
    assert first == f"{db}: schema version 10, 153 areas, 37 indicators, 0 observations"
    assert second.startswith("Created user 'admin' with password: ")
    assert len(second.split("password: ")[1].split()[0]) == 20
    again = boards("init", "--db", str(db))
    assert again.stdout.strip() == first


def test_init_takes_the_admin_password_from_the_environment(tmp_path):
    """With BOARDS_ADMIN_PASSWORD set, nothing secret is printed."""
    db = tmp_path / "init.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "boards", "init", "--db", str(db)], capture_output=True, text=True,
        env={**os.environ, "BOARDS_ADMIN_PASSWORD": "a long admin password"},
    )
    assert result.returncode == 0, result.stderr
    assert "password" not in result.stdout
    users = boards("users", "list", "--db", str(db))
    assert users.stdout.split() == ["username", "display_name", "role", "active", "partnerships",
                                    "admin", "Administrator", "admin", "True"]


def test_users_commands_round_trip(tmp_path):
    """add, set-role, set-areas, disable and audit through the command line."""
    db = tmp_path / "users.duckdb"
    boards("init", "--db", str(db))
    added = boards("users", "add", "bea", "--role", "uploader", "--name", "Bea", "--areas", "E08000038", "--db", str(db))
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Added uploader 'bea' with password: ")
    assert boards("users", "set-role", "bea", "analyst", "--db", str(db)).stdout == "'bea' is now analyst\n"
    assert boards("users", "set-areas", "bea", "E08000038,E08000039", "--db", str(db)).stdout == (
        "'bea' uploads for: E08000038, E08000039\n"
    )
    assert boards("users", "disable", "bea", "--db", str(db)).stdout == "Disabled 'bea'\n"
    refused = boards("users", "add", "bea", "--role", "viewer", "--db", str(db))
    assert (refused.returncode, refused.stderr) == (1, "boards users: a user called 'bea' already exists\n")
    out = tmp_path / "audit.csv"
    exported = boards("audit", "--csv", str(out), "--db", str(db))
    assert exported.stdout == f"Wrote 5 audit rows to {out}\n"
    actions = [line.split(",")[3] for line in out.read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert actions == ["user_added", "user_added", "role_changed", "areas_changed", "user_disabled"]


def test_settings_show_and_change(tmp_path):
    """settings lists every setting and changes one, refusing nonsense."""
    db = tmp_path / "settings.duckdb"
    boards("init", "--db", str(db))
    changed = boards("settings", "lockout_attempts", "3", "--db", str(db))
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.splitlines()[0].split()[:2] == ["lockout_attempts", "3"]
    bad = boards("settings", "lockout_attempts", "many", "--db", str(db))
    assert (bad.returncode, bad.stderr) == (1, "boards settings: lockout_attempts must be a whole number, not 'many'\n")


def test_info_json_of_the_demo_database(built_db):
    """info --json reports counts, sources, latest periods and the schema version."""
    result = boards("info", "--json", "--db", str(built_db))
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["areas"] == 153
    assert info["indicators"] == 37
    assert info["schema_version"] == 10
    assert info["latest_period"]["quarter"] == "2026-27 Q2"
    assert info["observations_by_source"]["demo"] == 25704
    assert info["observations"] == sum(info["observations_by_source"].values())


def test_info_text_uses_boards_db_variable(built_db):
    """Without --db the BOARDS_DB variable chooses the file."""
    result = boards("info", env_db=built_db)
    assert result.returncode == 0, result.stderr
    assert f"database        {built_db}" in result.stdout
    assert "areas           153 (153 partnerships)" in result.stdout


def test_demo_refuses_to_overwrite_then_replaces(tmp_path):
    """demo on a database with data refuses in one line; --replace rebuilds it."""
    db = tmp_path / "demo.duckdb"
    first = boards("demo", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"{db}: demo database built with ")
    assert "25704 demo" in first.stdout
    again = boards("demo", "--db", str(db))
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1
    assert "already holds" in again.stderr and "--replace" in again.stderr
    replaced = boards("demo", "--replace", "--db", str(db))
    assert replaced.returncode == 0, replaced.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.duckdb"]


def test_info_on_a_missing_file_is_one_line(tmp_path):
    """A database that does not exist is reported in one line with what to do."""
    result = boards("info", "--db", str(tmp_path / "nowhere.duckdb"))
    assert result.returncode == 1
    assert result.stderr == (f"boards info: {tmp_path / 'nowhere.duckdb'} does not exist; "
                             "create it with 'boards init' or 'boards demo'\n")


def test_not_a_database_is_one_line(tmp_path):
    """A file that is not a DuckDB database gives one line, no traceback."""
    db = tmp_path / "notes.duckdb"
    db.write_text("not a database")
    result = boards("info", "--db", str(db))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("boards info: ") and result.stderr.count("\n") == 1


def test_backup_restore_then_check(built_db, tmp_path):
    """A backup restored in place of a changed database brings it back exactly, and checks whole."""
    db = tmp_path / "live.duckdb"
    db.write_bytes(built_db.read_bytes())
    folder = tmp_path / "backups"
    folder.mkdir()
    backed_up = boards("backup", str(folder), "--db", str(db))
    assert backed_up.returncode == 0, backed_up.stderr
    (backup,) = folder.iterdir()
    assert backed_up.stdout.startswith(f"{db}: backed up to {backup} (")
    again = boards("backup", str(backup), "--db", str(db))
    assert again.returncode == 1
    assert again.stderr == f"boards backup: {backup} already exists; choose another name or folder for the backup\n"

    changed = boards("users", "add", "late.user", "--role", "viewer", "--db", str(db))
    assert changed.returncode == 0, changed.stderr
    restored = boards("restore", str(backup), "--db", str(db))
    assert restored.returncode == 0, restored.stderr
    first, second = restored.stdout.strip().splitlines()
    assert first == f"{db}: restored from {backup} (schema version 10, 51541 observations, 9 loads)"
    assert second.startswith(f"the database it replaced is kept as {db}.before-restore-")
    assert "late.user" not in boards("users", "list", "--db", str(db)).stdout

    checked = boards("check", "--db", str(db))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines() == [
        f"{db}: schema version 10; 51541 observations, 0 observation_history, 1872 published_benchmarks, "
        "9 loads, 0 users, 9 audit_log",
        "whole: every figure belongs to its load, the audit trail is unbroken",
    ]


def test_backup_to_a_new_folder_named_with_a_slash(built_db, tmp_path):
    """'boards backup nightly/' creates the folder and writes a dated file in it, not a file named nightly."""
    db = tmp_path / "live.duckdb"
    db.write_bytes(built_db.read_bytes())
    backed_up = boards("backup", f"{tmp_path / 'nightly'}/", "--db", str(db))
    assert backed_up.returncode == 0, backed_up.stderr
    assert (tmp_path / "nightly").is_dir()
    (backup,) = (tmp_path / "nightly").iterdir()
    assert re.fullmatch(r"live-\d{8}-\d{6}\.duckdb", backup.name)
    assert boards("check", "--db", str(backup)).returncode == 0


def damaged_copy(built_db, path, *statements):
    """A copy of the demo database at ``path``, changed behind the store's back by ``statements``."""
    import duckdb

    path.write_bytes(built_db.read_bytes())
    con = duckdb.connect(str(path))
    for statement in statements:
        con.execute(statement)
    con.close()
    return path


def test_check_names_every_problem_and_exits_1(built_db, tmp_path):
    """A figure that lost its load, a missing audit row, an LA moved behind the history's back and an LA in no
    partnership are each reported; the exit status is 1."""
    db = damaged_copy(built_db, tmp_path / "damaged.duckdb",
                      "UPDATE observations SET load_id = 99 WHERE load_id = 9 AND area_code = 'E06000001'",
                      "DELETE FROM audit_log WHERE audit_id = 3",
                      "UPDATE partnerships SET partnership_id = 'E10000003' WHERE area_code = 'E06000031'",
                      "DELETE FROM partnerships WHERE area_code = 'E06000001'")
    checked = boards("check", "--db", str(db))
    assert checked.returncode == 1
    lines = checked.stderr.strip().splitlines()
    assert lines[1:] == [
        "8 problems:",
        "load 9 (committed) should hold 11016 figures, holds 10944",
        "72 rows of observations belong to no committed load",
        "the audit trail jumps from row 2 to row 4",
        "load 3 has no 'data_imported' row in the audit trail",
        "area E06000001 has an open history row in E06000001 but is not in it",
        "area E06000001 is in no partnership",
        "area E06000031 has an open history row in E06000031 but is not in it",
        "area E06000031 is in E10000003 with no open history row",
    ]


def test_restore_refuses_a_backup_that_is_not_whole(built_db, tmp_path):
    """A damaged backup is not put in place; the database is left as it was."""
    backup = damaged_copy(built_db, tmp_path / "damaged.duckdb", "DELETE FROM audit_log WHERE audit_id = 1")
    db = tmp_path / "live.duckdb"
    db.write_bytes(built_db.read_bytes())
    before = db.read_bytes()
    refused = boards("restore", str(backup), "--db", str(db))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"boards restore: {backup} is not whole, so it was not restored: "
        "the audit trail jumps from row 0 to row 2; load 1 has no 'data_imported' row in the audit trail\n"
    )
    assert db.read_bytes() == before


def test_a_database_held_by_the_dashboard_is_exit_status_3_with_the_way_out(built_db, tmp_path):
    """While another process (the dashboard, here a stand-in) holds the file, a command says so in one line."""
    db = tmp_path / "held.duckdb"
    db.write_bytes(built_db.read_bytes())
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import time; from boards.store import Store; Store.open({str(db)!r}); "
                               "print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = boards("info", "--db", str(db))
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3
    assert result.stderr == (
        f"boards info: The database {db} is in use by another program (process {holder.pid}), most likely the "
        "running dashboard (DuckDB lets one program at a time open a file). Use the dashboard's Upload or "
        "Administration page, or stop the dashboard and try again.\n"
    )


def test_docs_list_every_exit_status_the_command_sets():
    """docs/exit-status.md has one row per status: success, the statuses of boards/cli.py and of `boards import`,
    and argparse's 2 for a command line it cannot parse."""
    rows = re.findall(r"^\| (\d+) \|", EXIT_STATUS_DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    set_by_the_code = {0, EXIT_ERROR, EXIT_REJECTED, EXIT_UNUSABLE, EXIT_IN_USE, EXIT_UNREACHABLE, 2}
    assert [int(row) for row in rows] == sorted(set_by_the_code) == [0, 1, 2, 3, 4]
    assert boards("info", "--no-such-option").returncode == 2


def test_partnerships_commands_merge_show_history_and_survive_init(tmp_path):
    """An administrator merges Peterborough into Cambridgeshire's partnership and names it for both; `list`,
    `show` and `history` say so, the audit trail has both changes, a second `boards init` keeps them, and a
    refused change is one line with exit status 1."""
    db = tmp_path / "partnerships.duckdb"
    assert boards("init", "--db", str(db)).returncode == 0
    assert boards("partnerships", "list", "--several", "--db", str(db)).stdout == (
        "no partnership covers more than one LA\n")
    assigned = boards("partnerships", "assign", "E10000003", "Peterborough", "--db", str(db))
    assert assigned.returncode == 0, assigned.stderr
    assert assigned.stdout == ("Cambridgeshire (E10000003) covers Cambridgeshire, Peterborough. Peterborough moved "
                               "from Peterborough (E06000031) to Cambridgeshire (E10000003). Peterborough (E06000031) "
                               "ended.\n")
    renamed = boards("partnerships", "rename", "E10000003", "Cambridgeshire and Peterborough", "--db", str(db))
    assert renamed.returncode == 0, renamed.stderr
    assert boards("init", "--db", str(db)).returncode == 0
    listed = boards("partnerships", "list", "--several", "--db", str(db))
    assert listed.stdout.splitlines() == [
        "       id                            name  LAs                      members",
        "E10000003 Cambridgeshire and Peterborough    2 Cambridgeshire, Peterborough",
    ]
    shown = boards("partnerships", "show", "E10000003", "--db", str(db)).stdout.splitlines()
    assert shown[:2] == [
        "Cambridgeshire and Peterborough (E10000003) covers Peterborough (E06000031), Cambridgeshire (E10000003)",
        "history (newest change first):",
    ]
    assert len(shown) == 6
    assert re.fullmatch(r"  Cambridgeshire \(E10000003\) in Cambridgeshire and Peterborough \(E10000003\): "
                        r"from \d\d \w{3} \d{4} \d\d:\d\d UTC by system:\S+, in force", shown[-1])
    assert "  Peterborough (E06000031) in Peterborough (E06000031): from as shipped, to " in "\n".join(
        boards("partnerships", "history", "--db", str(db)).stdout.splitlines())
    ended = boards("partnerships", "show", "E06000031", "--db", str(db)).stdout.splitlines()
    assert ended[0] == "E06000031: ended; it covers no LA now"
    audit = boards("audit", "--db", str(db)).stdout
    assert "partnership_areas_assigned" in audit and "partnership_renamed" in audit

    refused = boards("partnerships", "create", "E10000003", "Again", "Reading", "--db", str(db))
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == ("boards partnerships: The id 'E10000003' is or was already used (for Cambridgeshire and "
                              "Peterborough); figures and case reviews may be filed under it, so choose another id.\n")
