"""`boards copy` benchmark: prints figures, it is not a timed test.

The demo database (built into a temporary file) copied, through ``boards.maintenance.copy_database`` as the
command runs it (the source checked, the destination created and migrated, every table copied and its rows
and checksum compared in both, the audit row written, committed):

- file -> file, each run into a new file;
- file -> PostgreSQL, each run into a new, empty database of one server;
- PostgreSQL -> file, from the first of those databases, each run into a new file.

Median, fastest and slowest of the runs, and the rows copied. PostgreSQL is a fresh cluster that
tests/postgres_server.py starts and removes (``python3 dev.py test`` installs its binaries), on a unix socket.

Run: ``uv run python benchmarks/store_copy.py [RUNS]`` (5 runs by default).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boards.demo import build_demo  # noqa: E402
from boards.maintenance import copy_database  # noqa: E402
from boards.store import Location, SharedLocation, Store, TableCopy  # noqa: E402
from tests.postgres_server import create_database, postgres_server  # noqa: E402


def timed_copy(source: Location, destination: Location) -> tuple[float, float, list[TableCopy]]:
    """(seconds to create and migrate the destination, seconds to copy into it, what was copied): the two
    parts of what `boards copy` does with a new destination, timed apart."""
    started = time.perf_counter()
    Store.open(destination)
    migrated = time.perf_counter()
    copied = copy_database(source, destination, "benchmark")
    done = time.perf_counter()
    Store.open(destination).close()
    return migrated - started, done - migrated, copied


def spread(times: list[float]) -> str:
    return f"median {statistics.median(times):5.2f} s (fastest {min(times):.2f}, slowest {max(times):.2f})"


def report(label: str, runs: int, destinations: Callable[[int], Location], source: Location) -> list[Location]:
    migrating, copying, made = [], [], []
    for run in range(runs):
        destination = destinations(run)
        migrated, copied_in, copied = timed_copy(source, destination)
        migrating.append(migrated)
        copying.append(copied_in)
        made.append(destination)
    rows = sum(table.rows for table in copied)
    print(f"{label:<20} copy {spread(copying)}; creating and migrating the destination first "
          f"{spread(migrating)}; {runs} runs, {len(copied)} tables, {rows:,} rows")
    return made


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory(prefix="boards-copy-") as folder:
        demo = Path(folder) / "demo.duckdb"
        store = Store.open(demo)
        build_demo(store)
        store.close()
        print(f"the demo database: {demo.stat().st_size:,} bytes")
        report("file -> file", runs, lambda run: Path(folder) / f"file-{run}.duckdb", demo)
        with postgres_server() as server:
            shared = report("file -> PostgreSQL", runs,
                            lambda run: SharedLocation(create_database(server, f"copy_{run}")), demo)
            report("PostgreSQL -> file", runs, lambda run: Path(folder) / f"back-{run}.duckdb", shared[0])
            Store.close_all()  # before the server stops


if __name__ == "__main__":
    main()
