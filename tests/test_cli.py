"""The boards command: init, demo, info; errors as one line, never a traceback."""

import json
import os
import subprocess
import sys

import pytest


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


def test_init_creates_reference_only(tmp_path):
    """init migrates and loads reference data and the catalogue, but no observations."""
    db = tmp_path / "init.duckdb"
    result = boards("init", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{db}: schema version 1, 153 areas, 30 indicators, 0 observations"


def test_info_json_of_the_demo_database(built_db):
    """info --json reports counts, sources, latest periods and the schema version."""
    result = boards("info", "--json", "--db", str(built_db))
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["areas"] == 153
    assert info["indicators"] == 30
    assert info["schema_version"] == 1
    assert info["latest_period"]["quarter"] == "2026-27 Q2"
    assert info["observations_by_source"]["demo"] == 23256
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
    assert "23256 demo" in first.stdout
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
    assert result.stderr == f"boards info: {tmp_path / 'nowhere.duckdb'} does not exist; create it with 'boards init' or 'boards demo'\n"


def test_not_a_database_is_one_line(tmp_path):
    """A file that is not a DuckDB database gives one line, no traceback."""
    db = tmp_path / "notes.duckdb"
    db.write_text("not a database")
    result = boards("info", "--db", str(db))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("boards info: ") and result.stderr.count("\n") == 1
