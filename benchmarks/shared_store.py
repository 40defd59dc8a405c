"""Shared-store probe (issue 22): what of the store's schema and SQL DuckDB runs on PostgreSQL through its
postgres extension, and how fast, against the embedded file. Prints figures; it is not a test.

- Every statement of every migration (boards/migrations), in order, on an empty PostgreSQL database: passes,
  or the exact error;
- the demo database (built by ``build_demo`` into a temporary file) copied table by table into PostgreSQL,
  row counts of both;
- every file of boards/sql/ and boards/sql/store/ with sample parameters and registered frames, each in a
  transaction rolled back, on PostgreSQL and on the file: passes or the error, row counts that differ;
- the median time of five runs of each read on both, and the ratio.

PostgreSQL is a fresh cluster that tests/postgres_server.py starts and removes (``python3 dev.py test``
installs its binaries). The extension is the PyPI wheel ``duckdb-extension-postgres`` of DuckDB's version,
not a dependency yet: pass its ``postgres.duckdb_extension`` file, e.g. after
``pip download duckdb-extension-postgres==1.5.5 --no-deps`` and unzipping the wheel.

    uv run python benchmarks/shared_store.py PATH/TO/postgres.duckdb_extension
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boards.demo import build_demo  # noqa: E402
from boards.store import Store  # noqa: E402
from boards.store.connection import MIGRATIONS  # noqa: E402
from tests.postgres_server import postgres_server  # noqa: E402

# Sample values of every $parameter the SQL files take (load_id, partnership_id... are read from the demo).
FIXED_PARAMETERS = {
    "as_at": pd.Timestamp("2026-12-01").date(), "quarters": 8, "source": "local", "actor": "probe",
    "at": pd.Timestamp("2026-12-06 10:00"), "superseded_at": pd.Timestamp("2026-12-06 10:00"),
    "occurred_at": pd.Timestamp("2026-12-06 10:00"), "action": "probe", "target": "t", "detail": "d",
    "loaded_at": pd.Timestamp("2026-12-06 10:00"), "loaded_by": "probe", "file_name": "f.csv", "file_hash": "abc",
    "rows_rejected": 0, "note": None, "release": None, "key": "k", "value": "v", "username": "probe_user",
    "display_name": "Probe", "password_hash": "x", "role": "viewer", "email": None,
    "created_at": pd.Timestamp("2026-12-06 10:00"), "lockout_attempts": 5,
    "lock_until": pd.Timestamp("2026-12-06 10:15"), "now": pd.Timestamp("2026-12-06 10:00"),
}


def connect_shared(dsn: str, extension: Path, extension_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with PostgreSQL attached as ``shared`` and in use. ``LOAD`` of the wheel's file
    itself is refused (its entry point is named after the file), so it is installed into a folder first."""
    config = {"extension_directory": str(extension_dir), "autoinstall_known_extensions": False,
              "autoload_known_extensions": False}
    con = duckdb.connect(":memory:", config=config)
    con.execute(f"INSTALL '{extension}'")
    con.execute("LOAD postgres")
    con.execute(f"ATTACH '{dsn}' AS shared (TYPE postgres)")
    con.execute("USE shared")
    return con


def outcome(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> tuple[list | None, str]:
    """(rows, "") when ``sql`` runs, else (None, the error's first line); a failed transaction is rolled back."""
    try:
        return con.execute(sql, params or {}).fetchall(), ""
    except duckdb.Error as error:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # no transaction was open
        return None, f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"


def migrate_statement_by_statement(con: duckdb.DuckDBPyConnection) -> None:
    print("Migrations, statement by statement, on PostgreSQL:")
    for version, name, sql in MIGRATIONS:
        for parsed in duckdb.extract_statements(sql):
            text = str(parsed.query).strip()
            shown = re.sub(r"\s+", " ", re.sub(r"--[^\n]*", "", text))[:80]
            _, error = outcome(con, text)
            print(f"  {'FAIL' if error else 'pass'} {version:03d}_{name}: {shown}{'  -> ' + error if error else ''}")


def copy_demo(con: duckdb.DuckDBPyConnection, demo: Path) -> None:
    print("The demo copied into PostgreSQL (a table its migrations did not make is created from the demo's):")
    con.execute(f"ATTACH '{demo}' AS demo (READ_ONLY)")
    tables = [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'demo' ORDER BY 1").fetchall()]
    migrated = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'shared'").fetchall()}
    for table in tables:
        if table in migrated:
            con.execute(f"INSERT INTO shared.public.{table} BY NAME SELECT * FROM demo.main.{table}")
        else:
            con.execute(f"CREATE TABLE shared.public.{table} AS SELECT * FROM demo.main.{table}")
        counts = [con.execute(f"SELECT count(*) FROM {db}.{table}").fetchone()[0] for db in ("shared.public", "demo.main")]
        print(f"  {table}: {counts[0]} rows in PostgreSQL, {counts[1]} in the file{'' if table in migrated else ' (created)'}")
    con.execute("DETACH demo")


def sample_parameters(con: duckdb.DuckDBPyConnection) -> dict:
    def first(sql: str):
        return con.execute(sql).fetchone()[0]

    return {
        **FIXED_PARAMETERS,
        "load_id": first("SELECT max(load_id) FROM loads WHERE status = 'committed'"),
        "next_load_id": first("SELECT max(load_id) + 1 FROM loads"),
        "partnership_id": first("SELECT min(partnership_id) FROM partnerships"),
        "region_code": first("SELECT min(region_code) FROM regions"),
        "indicator_id": first("SELECT min(indicator_id) FROM indicators"),
        "area_codes": [row[0] for row in con.execute("SELECT area_code FROM areas ORDER BY 1 LIMIT 5").fetchall()],
        "indicator_ids": [row[0] for row in con.execute("SELECT indicator_id FROM indicators ORDER BY 1 LIMIT 5").fetchall()],
    }


def sample_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The frames the store registers, made from the demo: 300 changed observations and 50 new ones..."""
    changed = con.execute(
        "SELECT area_code, indicator_id, period_id, value + 1 AS value, numerator, denominator, status, note "
        "FROM observations ORDER BY ALL LIMIT 300").df()
    new = changed.head(50).assign(period_id="2099-Q1")
    partnerships = con.execute("SELECT partnership_id, name, area_code FROM partnerships").df()
    return {
        "incoming": pd.concat([changed, new], ignore_index=True),
        "incoming_observations": pd.concat([changed, new], ignore_index=True),
        "incoming_benchmarks": con.execute(
            "SELECT geography_code, indicator_id, period_id, value + 1 AS value, numerator, denominator, status "
            "FROM published_benchmarks ORDER BY ALL LIMIT 100").df(),
        "after": partnerships.iloc[1:],  # the footprint without its first membership
        "shipped": partnerships,
        "incoming_periods": con.execute("SELECT * FROM periods LIMIT 5").df(),
        "incoming_problems": pd.DataFrame(
            {"line": [3], "column_name": ["value"], "value": ["x"], "reason": ["not a number"]}),
    }


def sql_files() -> list[tuple[str, str]]:
    base = resources.files("boards.sql")
    found = [(entry.name, entry.read_text(encoding="utf-8")) for entry in base.iterdir() if entry.name.endswith(".sql")]
    found += [(f"store/{entry.name}", entry.read_text(encoding="utf-8"))
              for entry in (base / "store").iterdir() if entry.name.endswith(".sql")]
    return sorted(found)


def run_file(con: duckdb.DuckDBPyConnection, name: str, sql: str, parameters: dict, frames: dict) -> tuple[list | None, str]:
    """One SQL file as the store runs it: its frames registered, ``staged``/``staged_benchmarks`` made first
    when it reads them, inside a transaction that is rolled back."""
    stage = dict(sql_files())
    for frame_name, frame in frames.items():
        con.register(frame_name, frame)
    if name == "store/catalogue_merge.sql":
        con.register("incoming", con.execute("SELECT * FROM indicators").df())
    if re.search(r"\bstaged\b", sql) and name != "store/load_stage_observations.sql":
        con.execute(f"CREATE TEMP TABLE staged AS {stage['store/load_stage_observations.sql']}", {"source": "local"})
    if "staged_benchmarks" in sql and name != "store/load_stage_benchmarks.sql":
        con.execute(stage["store/load_stage_benchmarks.sql"])
    if name == "store/load_stage_observations.sql":
        sql = f"CREATE TEMP TABLE staged AS {sql}"
    used = set(re.findall(r"\$([a-z_]+)", re.sub(r"--[^\n]*", "", sql)))
    values = {key: parameters[key] for key in used}
    if name == "store/load_insert.sql":  # a new load's number, not an existing one's
        values["load_id"] = parameters["next_load_id"]
    con.execute("BEGIN")
    rows, error = outcome(con, sql, values)
    if not error:
        con.execute("ROLLBACK")
    con.execute("DROP TABLE IF EXISTS staged")
    con.execute("DROP TABLE IF EXISTS staged_benchmarks")
    return rows, error


def median_ms(con: duckdb.DuckDBPyConnection, sql: str, values: dict) -> float:
    con.execute(sql, values).fetchall()  # warm-up
    times = []
    for _ in range(5):
        started = time.perf_counter()
        con.execute(sql, values).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(extension: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch, postgres_server() as dsn:
        demo = Path(scratch) / "demo.duckdb"
        store = Store.open(demo)
        build_demo(store)
        store.close()
        shared = connect_shared(dsn, extension, Path(scratch) / "extensions")
        try:
            migrate_statement_by_statement(shared)
            copy_demo(shared, demo)
            local = duckdb.connect(str(demo))  # after the copy: one process may not open a file twice
            parameters, frames = sample_parameters(local), sample_frames(local)
            print("SQL files on PostgreSQL and on the file (rows; median of 5 runs of each read):")
            for name, sql in sql_files():
                on_pg, pg_error = run_file(shared, name, sql, parameters, frames)
                on_file, file_error = run_file(local, name, sql, parameters, frames)
                if pg_error or file_error:
                    print(f"  FAIL {name}: PostgreSQL: {pg_error or 'passes'}; file: {file_error or 'passes'}")
                    continue
                line = f"  pass {name}: {len(on_pg)} rows on PostgreSQL, {len(on_file)} on the file"
                if not name.startswith("store/"):  # the reads, timed; their frames are still registered
                    used = set(re.findall(r"\$([a-z_]+)", re.sub(r"--[^\n]*", "", sql)))
                    values = {key: parameters[key] for key in used}
                    pg_ms = median_ms(shared, sql, values)
                    file_ms = median_ms(local, sql, values)
                    line += f"; {pg_ms:.1f} ms against {file_ms:.1f} ms, ratio {pg_ms / file_ms:.1f}"
                print(line)
            local.close()
        finally:
            shared.close()  # before the server stops: a connection it drops can abort the process


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_file():
        sys.exit(__doc__.rsplit("\n\n", 1)[-1].strip())
    main(Path(sys.argv[1]).resolve())
