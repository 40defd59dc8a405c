"""The real server, stopped the way a service manager, a closed terminal or a crash stops it, loses nothing
it committed and leaves nothing half-written: first run, upload, rollback and a new user, each followed by
SIGTERM, SIGHUP or SIGKILL; then SIGKILLs at random moments of a large upload's commit (eight in the suite;
``BOARDS_SERVER_KILLS=20`` for the twenty of a fuller proof).

Each server here runs on a database of its own (a new one, or a copy), started by ``streamlit run server.py``
as ``python3 dev.py run`` starts it."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from boards.maintenance import check_database
from boards.store import Store

from .conftest import ADMIN_PASSWORD, ADMIN_USERNAME, APP_TIMEOUT_MS, ROOT, server_process, sign_in, wait_for_app

pytestmark = pytest.mark.browser

SAMPLES = ROOT / "tests" / "data" / "upload_page"
DEMO_LOADS = 9
DEMO_OBSERVATIONS = 51541
SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP, "SIGKILL": signal.SIGKILL}


def stop(proc: subprocess.Popen, signal_number: int) -> None:
    """Send the signal and wait for the process to end; a clean stop ends without a traceback."""
    proc.send_signal(signal_number)
    proc.wait(timeout=30)


def state(db: Path) -> dict:
    """What the database holds once the server is gone: it must open, and check whole."""
    store = Store.open(db)
    try:
        loads = store.loads()
        return {
            "loads": dict(zip(loads["load_id"], loads["status"])),
            "added": dict(zip(loads["load_id"], loads["rows_added"])),
            "observations": len(store.table("observations")),
            "users": store.users()["username"].tolist(),
            "last_action": store.audit_log()["action"].iloc[-1],
            "problems": check_database(store).problems,
            "leftovers": sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")),
        }
    finally:
        store.close()


def add_admin(db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "boards", "users", "add", ADMIN_USERNAME, "--role", "admin",
         "--password-env", "BOARDS_TEST_ADMIN_PASSWORD", "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "BOARDS_TEST_ADMIN_PASSWORD": ADMIN_PASSWORD},
    )
    assert result.returncode == 0, result.stderr


def open_upload(page: Page, url: str) -> None:
    sign_in(page, url, ADMIN_USERNAME, ADMIN_PASSWORD)
    page.get_by_role("link", name="Upload").click()
    page.get_by_role("heading", name="Upload a quarterly return").wait_for()
    wait_for_app(page)


@pytest.mark.parametrize("signal_name", list(SIGNALS))
def test_each_stage_survives_the_signal(browser: Browser, tmp_path: Path, signal_name: str) -> None:
    """First run, upload, rollback, new user: the server is stopped by the signal after each, and the
    database then holds exactly what was committed, checks whole, and has no half-built copy beside it."""
    sent = SIGNALS[signal_name]
    db = tmp_path / "boards.duckdb"
    log_path = tmp_path / "streamlit.log"
    page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()

    with server_process(db, log_path) as (proc, url):
        page.goto(url)
        expect(page.get_by_role("heading", name="Partnerships ranked by concern score")).to_be_visible(
            timeout=APP_TIMEOUT_MS)
        wait_for_app(page)
        stop(proc, sent)
    after_first_run = state(db)
    assert after_first_run["loads"] == dict.fromkeys(range(1, DEMO_LOADS + 1), "committed")
    assert after_first_run["observations"] == DEMO_OBSERVATIONS
    assert (after_first_run["problems"], after_first_run["leftovers"]) == ([], [])

    add_admin(db)
    with server_process(db, log_path) as (proc, url):
        open_upload(page, url)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            SAMPLES / "hartlepool_valid.csv")
        page.get_by_role("button", name="Confirm: import 2 figures").click()
        expect(page.get_by_text("Imported as load 10.")).to_be_visible(timeout=APP_TIMEOUT_MS)
        stop(proc, sent)
    after_upload = state(db)
    assert after_upload["loads"][10] == "committed"
    assert after_upload["observations"] == DEMO_OBSERVATIONS + 2
    assert (after_upload["last_action"], after_upload["problems"]) == ("data_imported", [])

    with server_process(db, log_path) as (proc, url):
        open_upload(page, url)
        page.get_by_role("combobox", name="Load to roll back").click()
        page.get_by_role("option", name=re.compile(r"^Load 10: hartlepool_valid\.csv")).click()
        page.get_by_role("button", name="Roll back this load…").click()
        page.get_by_role("button", name="Yes, roll back load 10").click()
        expect(page.get_by_text("Rolled back load 10.")).to_be_visible(timeout=APP_TIMEOUT_MS)
        stop(proc, sent)
    after_rollback = state(db)
    assert after_rollback["loads"][10] == "rolled_back"
    assert after_rollback["observations"] == DEMO_OBSERVATIONS
    assert (after_rollback["last_action"], after_rollback["problems"]) == ("load_rolled_back", [])

    with server_process(db, log_path) as (proc, url):
        sign_in(page, url, ADMIN_USERNAME, ADMIN_PASSWORD)
        page.get_by_role("link", name="Administration").click()
        page.get_by_label("Username (one word)").fill("board.chair")
        page.get_by_label("Name", exact=True).fill("Board Chair")
        page.get_by_role("button", name="Add user").click()
        expect(page.get_by_text("Added board.chair.")).to_be_visible(timeout=APP_TIMEOUT_MS)
        stop(proc, sent)
    after_user = state(db)
    assert after_user["users"] == [ADMIN_USERNAME, "board.chair"]
    assert (after_user["last_action"], after_user["problems"], after_user["leftovers"]) == ("user_added", [], [])
    if sent != signal.SIGKILL:
        assert "Traceback" not in log_path.read_text()
    page.context.close()


def large_return(path: Path, areas: list[str]) -> int:
    """60,000 valid figures: six attendance and timeliness indicators for 100 quarters of 100 areas."""
    quarters = [f"{year}-{(year + 1) % 100:02d} Q{q}" for year in range(2000, 2025) for q in range(1, 5)]
    indicators = ["attendance_police", "attendance_health", "attendance_local_authority",
                  "attendance_relevant_agencies", "supervision_timeliness", "section11_returns"]
    lines = [f"{a},{p},{i},,3,4,\n" for a in areas for p in quarters for i in indicators]
    path.write_text("area_code,period,indicator,value,numerator,denominator,note\n" + "".join(lines))
    return len(lines)


KILLS = int(os.environ.get("BOARDS_SERVER_KILLS", "8"))  # eight keep the suite short


def test_kills_at_random_moments_of_a_large_upload_commit(browser: Browser, demo_db: Path, tmp_path: Path) -> None:
    """SIGKILL at random moments of the second after Confirm is clicked on a 60,000-figure upload (its commit
    ends within it), one in each of KILLS equal parts of that second: each time the database opens and checks
    whole, holding the load in full or not at all."""
    base = tmp_path / "base.duckdb"
    shutil.copy(demo_db, base)
    store = Store.open(base)
    areas = store.table("areas")["area_code"].tolist()[:100]
    store.close()
    upload = tmp_path / "large.csv"
    assert large_return(upload, areas) == 60000
    log_path = tmp_path / "streamlit.log"
    db = tmp_path / "boards.duckdb"
    rng = random.Random(1)
    outcomes = []
    for delay in [(part + rng.random()) / KILLS for part in range(KILLS)]:
        shutil.copy(base, db)
        page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
        with server_process(db, log_path) as (proc, url):
            open_upload(page, url)
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(upload)
            confirm = page.get_by_role("button", name="Confirm: import 60,000 figures")
            expect(confirm).to_be_visible(timeout=APP_TIMEOUT_MS)
            confirm.click()
            time.sleep(delay)
            stop(proc, signal.SIGKILL)
        page.context.close()
        after = state(db)
        assert (after["problems"], after["leftovers"]) == ([], []), delay
        load = DEMO_LOADS + 1
        committed = after["loads"].get(load) == "committed"
        assert after["observations"] == DEMO_OBSERVATIONS + (after["added"].get(load, 0) if committed else 0), delay
        outcomes.append(committed)
    print(f"of {KILLS} kills, {sum(outcomes)} after the commit ended, {KILLS - sum(outcomes)} before")
    assert len(outcomes) == KILLS


def test_a_database_that_cannot_be_opened_is_a_page_in_plain_words(browser: Browser, tmp_path: Path) -> None:
    """A log DuckDB cannot replay: the page names the file and the way out, with no traceback and no
    server folder."""
    db = tmp_path / "boards.duckdb"
    broken = subprocess.run([sys.executable, "-c", (
        "import duckdb, os\n"
        f"con = duckdb.connect({str(db)!r})\n"
        "con.execute('CREATE TABLE t (made TIMESTAMP DEFAULT current_timestamp, x INT)')\n"
        "con.execute('CHECKPOINT')\n"
        "con.execute('ALTER TABLE t ADD COLUMN y TEXT')\n"
        "os._exit(0)\n")], capture_output=True, text=True)
    assert broken.returncode == 0, broken.stderr
    page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
    with server_process(db, tmp_path / "streamlit.log") as (proc, url):
        page.goto(url)
        wait_for_app(page)
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("The dashboard cannot open its database. The database boards.duckdb cannot "
                                      "be opened: DuckDB 1.5.5 cannot replay its log of recent changes "
                                      "(boards.duckdb.wal). Nothing has been changed.")
        expect(alert).to_contain_text("'boards restore BACKUP --db boards.duckdb'")
        body = page.locator("body").inner_text()
        assert str(tmp_path) not in body
        assert "Traceback" not in body and "duckdb.cpython" not in body
        stop(proc, signal.SIGTERM)
    page.context.close()
