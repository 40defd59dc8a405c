"""The dashboard on what `boards copy` made: the demo copied into a shared store and back into a file, each
served and signed into with the password the user had before the copies (literals: the demo overview's
"82 of 153" worse than England on at least one indicator, Kensington and Chelsea's top concern score 2.02)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from boards.access import system_actor
from boards.accounts import add_user
from boards.store import SharedLocation, Store

from .conftest import APP_TIMEOUT_MS, ROOT, server_process, sign_in, wait_for_app

CHAIR_PASSWORD = "a long chair password 1"


def copy(source: str, destination: str) -> None:
    result = subprocess.run([sys.executable, "-m", "boards", "copy", "--from", source, "--to", destination],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def copies(demo_db_path: Path, shared_location: SharedLocation, tmp_path: Path) -> dict[str, Path | SharedLocation]:
    """The demo with an administrator, copied into a shared store, and from there into a new file."""
    source = tmp_path / "source.duckdb"
    source.write_bytes(demo_db_path.read_bytes())
    store = Store.open(source)
    add_user(store, system_actor("tester"), username="chair", display_name="Chair", role="admin",
             password=CHAIR_PASSWORD)
    store.close()
    back = tmp_path / "back.duckdb"
    copy(str(source), f"postgres:{shared_location.dsn}")
    copy(f"postgres:{shared_location.dsn}", str(back))
    return {"shared": shared_location, "back": back}


def test_the_dashboard_opens_on_each_copy_and_the_old_password_signs_in(
        browser: Browser, copies: dict[str, Path | SharedLocation], tmp_path: Path) -> None:
    for name, location in copies.items():
        with server_process(location, tmp_path / f"{name}.log") as (_, url):
            page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
            sign_in(page, url, "chair", CHAIR_PASSWORD)
            expect(page.get_by_text("Signed in as chair (chair), administrator.")).to_be_visible()
            page.goto(url)
            wait_for_app(page)
            expect(page.get_by_text("82 of 153")).to_be_visible(timeout=APP_TIMEOUT_MS)
            expect(page.get_by_text("Highest concern score: Kensington and Chelsea (2.02)", exact=False)).to_be_visible()
            page.context.close()
