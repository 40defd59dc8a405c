"""The Administration page's Partnerships tab in Chromium: an administrator forms Cambridgeshire and Peterborough
by keyboard and mouse, the page says what moved, the Partnership page then shows it, and axe finds no serious
WCAG 2.2 AA issue on the tab.

A change of partnerships writes to the database, so this module runs its OWN server on a copy of the session's
demo database (other browser tests read Peterborough's figures from the shared one).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import ADMIN_PASSWORD, ADMIN_USERNAME, APP_TIMEOUT_MS, running_server, screenshot, sign_in, wait_for_app
from .test_accessibility_browser import blocking_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def partnerships_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("partnerships_app")
    db = folder / "partnerships.duckdb"
    shutil.copy(demo_db, db)
    with running_server(db, folder / "streamlit.log") as url:
        yield url


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the multiselect called ``label`` by typing, as a keyboard user would."""
    page.get_by_label(label).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).click()
    page.keyboard.press("Escape")


def test_an_administrator_forms_a_partnership_in_the_browser(page: Page, partnerships_url: str) -> None:
    sign_in(page, partnerships_url, ADMIN_USERNAME, ADMIN_PASSWORD)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("heading", name="Administration").wait_for()
    wait_for_app(page)
    page.get_by_role("tab", name="Partnerships").click()
    expect(page.get_by_role("heading", name="Define a partnership")).to_be_visible()
    assert blocking_violations(page) == []

    page.get_by_label("Id (one word, such as P-CAMBS-PBORO)").fill("P-CAMBS-PBORO")
    page.get_by_label("Partnership name").fill("Cambridgeshire and Peterborough")
    label = "Its local authorities (each moves from the partnership it is in now)"
    choose(page, label, "Cambridgeshire (now in Cambridgeshire)")
    choose(page, label, "Peterborough (now in Peterborough)")
    page.get_by_role("button", name="Create partnership").click()
    expect(page.get_by_text("Cambridgeshire and Peterborough (P-CAMBS-PBORO) covers Cambridgeshire, Peterborough."))\
        .to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    page.get_by_role("tab", name="Partnerships").click()
    expect(page.get_by_role("heading", name="History: which LA was in which partnership, when")).to_be_visible()
    screenshot(page, "admin_partnerships_formed")
    assert blocking_violations(page) == []

    page.get_by_role("link", name="Partnership", exact=True).click()
    wait_for_app(page)
    page.get_by_label("Partnership", exact=True).click()
    page.keyboard.type("Cambridgeshire and")
    page.get_by_role("option", name="Cambridgeshire and Peterborough").click()
    expect(page.get_by_role("heading", name="Cambridgeshire and Peterborough")).to_be_visible(timeout=APP_TIMEOUT_MS)
    expect(page.get_by_text("Covers: Cambridgeshire (E10000003), Peterborough (E06000031).")).to_be_visible()
    wait_for_app(page)
    screenshot(page, "admin_partnerships_profile")
