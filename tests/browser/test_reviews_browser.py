"""The Case reviews page in a real browser: choose a partnership by keyboard, every chart drawn, WCAG 2.2 AA."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import APP_TIMEOUT_MS, screenshot, wait_for_app

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_case_reviews_page_for_a_partnership(page: Page, app_url: str) -> None:
    """Choose Birmingham: the themes that came back after their recommendation was signed off are listed first with
    that recommendation; its indicators, the theme matrix, its timeline and the agency bars are drawn, the page says
    the register is invented, and axe finds no serious or critical WCAG violation."""
    page.goto(f"{app_url}/case-reviews")
    wait_for_app(page)
    expect(page.locator("h1")).to_have_text("Case reviews")
    expect(page.get_by_text("Synthetic register, invented.")).to_be_visible()

    page.get_by_label("Partnership").click()
    page.keyboard.type("Birmingham")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Birmingham: review indicators")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    assert "partnership=E08000025" in page.url
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=APP_TIMEOUT_MS)
    expect(page.get_by_text("5 of 17 open recommendations were past their due date")).to_be_visible()
    expect(page.get_by_role("heading", name="⚑ Learning that did not take hold")).to_be_visible()
    expect(page.get_by_text("34 finding(s)")).to_be_visible()
    expect(page.get_by_text("Of 127 recommendations completed by 30 Sep 2026, 53 have evidence of impact")).to_be_visible()

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in serious]

    page.set_viewport_size({"width": 1280, "height": 4400})
    screenshot(page, "case_reviews")
