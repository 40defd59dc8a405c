"""The embedded database while the dashboard runs: DuckDB lets one program at a time open the file, so a
`boards` command finds it held by the real server (started as ``python3 dev.py run`` starts it, with a page
open so that it has opened the database). The command says so in one line, names the way out and exits with
status 3; once the server has stopped, the same command runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import APP_TIMEOUT_MS, ROOT, server_process, wait_for_app

pytestmark = pytest.mark.browser

UPLOAD = ROOT / "tests" / "data" / "upload_page" / "hartlepool_valid.csv"
COMMANDS = {
    "info": ["info"],
    "users": ["users", "add", "board.chair", "--role", "viewer", "--password-env", "BOARDS_TEST_NEW_PASSWORD"],
    "import": ["import", str(UPLOAD), "--dry-run"],
    "init": ["init"],
}


def boards(db: Path, arguments: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "boards", *arguments, "--db", str(db)], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "BOARDS_TEST_NEW_PASSWORD": "a long enough password 42"}, timeout=120,
    )


def test_a_command_on_the_database_the_dashboard_holds_says_so_and_exits_3(
    demo_db: Path, page: Page, tmp_path: Path
) -> None:
    db = tmp_path / "boards.duckdb"
    shutil.copyfile(demo_db, db)
    with server_process(db, tmp_path / "streamlit.log") as (proc, url):
        page.goto(url)
        expect(page.get_by_role("heading", name="Partnerships ranked by concern score")).to_be_visible(
            timeout=APP_TIMEOUT_MS)
        wait_for_app(page)
        held = {name: boards(db, arguments) for name, arguments in COMMANDS.items()}
        holder = proc.pid
    for name, result in held.items():
        assert (result.returncode, result.stdout) == (3, ""), name
        assert result.stderr == (
            f"boards {name}: The database {db} is in use by another program (process {holder}), most likely the "
            "running dashboard (DuckDB lets one program at a time open a file). Use the dashboard's Upload or "
            "Administration page, or stop the dashboard and try again.\n"
        )
    # The way out: with the dashboard stopped, the same commands run.
    assert boards(db, COMMANDS["info"]).returncode == 0
    added = boards(db, COMMANDS["users"])
    assert (added.returncode, added.stderr) == (0, "")
