"""The backup of a shared store that docs/deploy.md prescribes, done and undone: `pg_dump --format=custom
--schema=main` of a store holding the demo, a command-line user and an import, restored with `pg_restore` into a
new database, reads back the same, table by table, and passes `boards check`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd

from boards.access import system_actor
from boards.accounts import add_user
from boards.database import open_database
from boards.imports.pipeline import commit_plan, inspect_upload
from boards.maintenance import COUNTED_TABLES, check_database
from boards.store import Store
from tests.postgres_server import SUPERUSER, postgres_bin_dir, postgres_server

UPLOAD = Path(__file__).resolve().parent / "data" / "upload_page" / "hartlepool_valid.csv"


def pg_tool(name: str, *args: str) -> None:
    """A PostgreSQL client tool, as the deploy guide gives it; a failure fails the test with the tool's words."""
    result = subprocess.run([str(postgres_bin_dir() / name), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{name} exited {result.returncode}: {result.stderr}"


def contents(location: str) -> tuple[dict, dict[str, pd.DataFrame], list[str]]:
    store = Store.open(location)
    try:
        return (store.summary(), {name: store.table(name) for name in COUNTED_TABLES},
                check_database(store).problems)
    finally:
        store.close()  # before the server stops: a connection left open would outlive it


def test_a_dump_of_schema_main_restores_into_a_new_database_whole(tmp_path: Path) -> None:
    with postgres_server() as dsn:
        socket_dir = dict(part.split("=", 1) for part in dsn.split())["host"]
        store = open_database(f"postgres:{dsn}")  # the demo, as a first start builds it
        try:
            operator = system_actor("tester")
            add_user(store, operator, username="rita", display_name="Rita", role="viewer", password="rita reads it all")
            commit_plan(store, inspect_upload(store, UPLOAD.name, UPLOAD.read_bytes(), actor=operator))
        finally:
            store.close()
        before = contents(f"postgres:{dsn}")

        dump = tmp_path / "boards.dump"
        pg_tool("pg_dump", "--host", socket_dir, "--username", SUPERUSER, "--format", "custom", "--schema", "main",
                "--file", str(dump), "boards")
        pg_tool("createdb", "--host", socket_dir, "--username", SUPERUSER, "restored")
        pg_tool("pg_restore", "--host", socket_dir, "--username", SUPERUSER, "--no-owner", "--dbname", "restored",
                str(dump))
        after = contents(f"postgres:host={socket_dir} dbname=restored user={SUPERUSER}")

    summary, tables, problems = after
    print({name: len(frame) for name, frame in tables.items()}, f"dump {dump.stat().st_size:,} bytes")
    assert (summary["observations"], summary["partnerships"], summary["indicators"]) == (51_543, 153, 37)
    assert {name: len(frame) for name, frame in tables.items()} == {
        "observations": 51_543, "observation_history": 0, "published_benchmarks": 1_872, "loads": 10, "users": 1,
        "audit_log": 11}
    assert problems == [] and before[2] == []
    assert summary == before[0]
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[1][name], obj=name)
