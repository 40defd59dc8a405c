"""Every page of the dashboard through axe-core: no serious or critical WCAG 2.2 AA violation.

Public bodies must meet WCAG 2.2 AA. axe finds about half of what a person would; the keyboard
tests beside each page's own browser test cover part of the rest.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .conftest import ADMIN_PASSWORD, ADMIN_USERNAME, screenshot, sign_in, wait_for_app

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
PAGES = {
    "overview": "/",
    "partnership": "/partnership?partnership=E08000021",
    "indicator": "/indicator?indicator=rereferral_rate",
    "case_reviews": "/case-reviews?partnership=E08000021",
    "upload": "/upload",
    "data": "/data",
    "about": "/about",
    "account": "/account",
}


def blocking_violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(page: Page, app_url: str, name: str) -> None:
    page.goto(app_url + PAGES[name])
    wait_for_app(page)
    screenshot(page, f"axe_{name}")
    assert blocking_violations(page) == []


def test_administration_page_has_no_serious_accessibility_violation(page: Page, app_url: str) -> None:
    sign_in(page, app_url, ADMIN_USERNAME, ADMIN_PASSWORD)
    # A new page load would be a new session, signed out: follow the link instead.
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("heading", name="Administration").wait_for()
    wait_for_app(page)
    screenshot(page, "axe_administration")
    assert blocking_violations(page) == []
