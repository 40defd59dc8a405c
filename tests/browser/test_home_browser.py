import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_data_page_shows_title_and_authority_count(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/data")
    wait_for_app(page)

    expect(page.locator("h1")).to_have_text("What the database holds")
    # Word boundaries so "153" cannot match inside a longer number such as 2153.
    expect(page.get_by_text(re.compile(r"\b153\b")).first).to_be_visible()
    # The indicator table is a real table: a screen reader announces its column headers.
    freshness = page.get_by_role("table").first
    expect(freshness.get_by_role("columnheader")).to_have_text(
        ["Domain", "Indicator", "Source", "Latest period", "Areas reporting"])
    expect(freshness.get_by_role("row")).to_have_count(38)  # a header and the 37 indicators

    screenshot(page, "data")


@pytest.mark.parametrize("path", ["", "/partnership", "/indicator", "/case-reviews", "/upload", "/data", "/about",
                                  "/account"])
def test_nothing_the_page_loads_comes_from_outside_the_machine(page: Page, app_url: str, path: str) -> None:
    """Offline is the normal case: every request a page makes, its icon included, goes to the server itself."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{app_url}{path}")
    wait_for_app(page)
    page.wait_for_load_state("networkidle")
    outside = [url for url in requested if not url.startswith((app_url, "data:", "blob:"))]
    assert outside == []
    assert any(url.startswith(app_url) for url in requested)
