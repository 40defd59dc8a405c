"""A process killed in the middle of an import leaves the database as it was before the import."""

import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from boards.store import Store

from .conftest import LONG_HEADER

TABLES = ("observations", "observation_history", "published_benchmarks", "benchmark_history", "periods", "loads",
          "load_problems", "audit_log")
QUARTERS = [f"{year}-{(year + 1) % 100:02d} Q{q}" for year in range(2000, 2025) for q in range(1, 5)]
INDICATORS = ["attendance_police", "attendance_health", "supervision_timeliness"]


@pytest.fixture
def large_return(db_path, tmp_path):
    """30,000 valid figures: 3 indicators for 100 quarters of 100 areas."""
    store = Store.open(db_path)
    areas = store.table("areas")["area_code"].tolist()[:100]
    store.close()
    lines = [f"{a},{p},{i},50,1,2,\n" for a in areas for p in QUARTERS for i in INDICATORS]
    path = tmp_path / "large.csv"
    path.write_text(LONG_HEADER + "".join(lines))
    return path


def snapshot(db_path):
    store = Store.open(db_path)
    contents = {table: store.table(table) for table in TABLES}
    store.close()
    return contents


def assert_same(after, before):
    for table in TABLES:
        pd.testing.assert_frame_equal(after[table], before[table], obj=table)


def test_kill_inside_the_transaction_changes_nothing(db_path, large_return):
    """SIGKILL after every row and the audit entry are written, before the commit: the database is as before."""
    before = snapshot(db_path)
    script = textwrap.dedent(f"""
        import contextlib, pathlib, time
        from boards.access import Actor
        from boards.imports.pipeline import commit_plan, inspect_upload
        from boards.store import Store

        audit = Store._write_audit

        def stalled(cur, entry):
            # The load's last write, inside its transaction.
            audit(cur, entry)
            print("written, not committed", cur.execute("SELECT count(*) FROM observations").fetchone()[0], flush=True)
            time.sleep(120)

        Store._write_audit = staticmethod(stalled)
        store = Store.open({str(db_path)!r})
        data = pathlib.Path({str(large_return)!r}).read_bytes()
        plan = inspect_upload(store, "large.csv", data, actor=Actor("system:kill", "Kill test", "admin"))
        commit_plan(store, plan)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "written, not committed 30000"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
    assert process.returncode == -signal.SIGKILL
    assert_same(snapshot(db_path), before)


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.6])
def test_kill_at_any_moment_of_the_commit_leaves_nothing_half_written(db_path, large_return, delay):
    """Killed at some moment of writing, the database is as before the import or holds all of it."""
    before = snapshot(db_path)
    script = textwrap.dedent(f"""
        import pathlib
        from boards.access import Actor
        from boards.imports.pipeline import commit_plan, inspect_upload
        from boards.store import Store

        store = Store.open({str(db_path)!r})
        data = pathlib.Path({str(large_return)!r}).read_bytes()
        plan = inspect_upload(store, "large.csv", data, actor=Actor("system:kill", "Kill test", "admin"))
        print("committing", flush=True)
        commit_plan(store, plan)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "committing"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
    after = snapshot(db_path)
    if after["loads"].empty:
        assert_same(after, before)
    else:
        assert (len(after["observations"]), after["loads"]["rows_added"].tolist()) == (30000, [30000])
