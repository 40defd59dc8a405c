"""The dashboard on a shared store (issue 22): a demo built by `boards demo` into an empty PostgreSQL
database, served by a server with ``BOARDS_DB=postgres:...``, shows the same Overview as on a file, and axe
finds no serious WCAG 2.2 AA issue."""

from __future__ import annotations

import subprocess
import sys

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import ROOT, running_server, screenshot, wait_for_app
from .test_overview_browser import LEAGUE_TABLE_SECONDS, WCAG_TAGS, league_row

pytestmark = pytest.mark.browser


def test_the_overview_renders_on_the_shared_store(page: Page, shared_location, tmp_path) -> None:
    built = subprocess.run([sys.executable, "-m", "boards", "demo", "--db", f"postgres:{shared_location.dsn}"],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert built.stdout == (
        f"{shared_location}: demo database built with 51541 observations (25704 demo, 25837 published)\n"
    )
    with running_server(shared_location, tmp_path / "streamlit.log") as url:
        page.goto(url)
        expect(league_row(page, 1)).to_contain_text("Kensington and Chelsea", timeout=LEAGUE_TABLE_SECONDS * 3000)
        wait_for_app(page)
        expect(league_row(page, 1)).to_contain_text("1 (1-3)")
        expect(league_row(page, 2)).to_contain_text("Nottingham")
        screenshot(page, "overview-shared-store")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == []
