"""Shared-store benchmark (issue 22): the same work through the real ``Store`` on the embedded file and on a
shared PostgreSQL database (DuckDB's postgres extension), and each figure as a ratio to the file's. Prints
figures; it is not a test.

- building the demo database (``build_demo``; on PostgreSQL in place, load by load);
- a 6,000-row quarterly local return imported end to end (``inspect_upload`` + ``commit_plan``, as ``boards
  import`` does): three files with the same keys and new values, so the first adds its rows and the next two
  change them; each time, and the median;
- ``compare()`` (read + compute), median of five after one warm-up;
- ``data_version()``, the query every page run makes, median of 50;
- the write lock's cost: ``append_audit`` (one small write transaction, the lock row first), median of 50.

PostgreSQL is a fresh cluster that tests/postgres_server.py starts and removes (``python3 dev.py test``
installs its binaries); it runs with fsync off, as the test server does, so its commits are cheaper than a
production server's.

    uv run python benchmarks/shared_store.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boards.access import Actor  # noqa: E402
from boards.catalogue import load_catalogue  # noqa: E402
from boards.compare.engine import compare  # noqa: E402
from boards.demo import build_demo  # noqa: E402
from boards.imports.pipeline import commit_plan, inspect_upload  # noqa: E402
from boards.imports.templates import local_return_indicators  # noqa: E402
from boards.periods import quarter, quarters_between  # noqa: E402
from boards.reference import load_reference  # noqa: E402
from boards.store import AuditEntry, SharedLocation, Store, utc_now  # noqa: E402
from tests.postgres_server import postgres_server  # noqa: E402

ROWS = 6_000
OPERATOR = Actor("system:benchmark", "Benchmark", "admin")
LATEST_QUARTER = quarter(2026, 2)  # July to September 2026, the demo's latest


def quarterly_file(rows: int, seed: int) -> bytes:
    """``rows`` valid figures of the demo's latest quarter back: every area and local-return indicator."""
    ref = load_reference()
    indicators = local_return_indicators(load_catalogue())
    rng = np.random.default_rng(seed)
    lines = ["area_code,period,indicator,value,numerator,denominator,note"]
    quarters = [q.period_id for q in quarters_between(quarter(2024, 1), LATEST_QUARTER)[::-1]]
    for period in quarters:
        for area in ref.areas["area_code"]:
            for indicator in indicators:
                if len(lines) > rows:
                    return ("\n".join(lines) + "\n").encode()
                if indicator.unit == "percent":
                    denominator = int(rng.integers(1, 400))
                    numerator = int(rng.binomial(denominator, 0.8))
                    value = round(numerator / denominator * 100, 1)
                    lines.append(f"{area},{period},{indicator.indicator_id},{value:g},{numerator},{denominator},")
                else:
                    lines.append(f"{area},{period},{indicator.indicator_id},{int(rng.integers(0, 40))},,,")
    raise ValueError(f"only {len(lines) - 1} rows in {len(quarters)} quarters")


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def measure(store: Store) -> dict[str, object]:
    figures: dict[str, object] = {"demo": seconds(lambda: build_demo(store))}
    imports = []
    for seed in (1, 2, 3):
        data = quarterly_file(ROWS, seed)
        started = time.perf_counter()
        plan = inspect_upload(store, f"quarterly-{seed}.csv", data, actor=OPERATOR, max_bytes=len(data) + 1)
        result = commit_plan(store, plan)
        imports.append(time.perf_counter() - started)
        assert not plan.problems and result.rows_added + result.rows_changed + result.rows_unchanged == ROWS, result
    figures["imports"] = imports
    figures["import"] = statistics.median(imports)
    compare(store)
    figures["compare"] = statistics.median(seconds(lambda: compare(store)) for _ in range(5))
    figures["data_version"] = statistics.median(seconds(store.data_version) for _ in range(50))
    audit = AuditEntry(utc_now(), "benchmark", "benchmark", None, None)
    figures["write"] = statistics.median(seconds(lambda: store.append_audit(audit)) for _ in range(50))
    figures["rows"] = store.summary()["observations"]
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.duckdb")
        on_file = measure(store)
        store.close()
    with postgres_server() as dsn:
        store = Store.open(SharedLocation(dsn))
        on_postgres = measure(store)
        store.close()
    assert on_file["rows"] == on_postgres["rows"], (on_file["rows"], on_postgres["rows"])
    print(f"Shared store against the file, the same work through the real Store ({on_file['rows']:,} observations "
          "after the imports):")
    print(f"{'':34} {'file':>10} {'PostgreSQL':>11} {'ratio':>6}")
    for key, label, unit in (
        ("demo", "build_demo", "s"),
        ("import", f"{ROWS:,}-row import, median of 3", "s"),
        ("compare", "compare(), median of 5", "s"),
        ("data_version", "data_version(), median of 50", "ms"),
        ("write", "append_audit (lock row), median of 50", "ms"),
    ):
        scale, digits = (1000, 1) if unit == "ms" else (1, 2)
        file_value, pg_value = on_file[key] * scale, on_postgres[key] * scale
        print(f"{label:34} {file_value:>8.{digits}f} {unit} {pg_value:>8.{digits}f} {unit} {pg_value / file_value:>6.1f}")
    print("  each import (s): file " + ", ".join(f"{s:.2f}" for s in on_file["imports"])
          + "; PostgreSQL " + ", ".join(f"{s:.2f}" for s in on_postgres["imports"]))


if __name__ == "__main__":
    main()
