"""The indicator explorer and About pages in a real browser: keyboard, URL, clicks and axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import SCREENSHOTS, screenshot, wait_for_app

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()


def test_switch_indicator_with_the_keyboard_changes_the_url(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}/indicator?indicator=rereferral_rate")
    expect(page.locator("h1")).to_have_text("Indicator explorer")
    expect(page.get_by_text("Funnel plot: a real difference, or chance?")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 2600})
    screenshot(page, "explorer")

    indicator = page.get_by_role("combobox", name=re.compile("^Indicator"))
    indicator.focus()
    page.keyboard.type("Caseload per")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"indicator=caseload\b"), timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_text("There is no funnel for Caseload")).to_be_visible()
    expect(page.get_by_text("Funnel plot: a real difference, or chance?")).to_have_count(0)


def test_funnel_with_a_highlighted_partnership(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}/indicator?indicator=rereferral_rate&partnership=E06000046")
    funnel = page.locator(".st-key-funnel")
    expect(funnel.get_by_text("Isle of Wight").first).to_be_visible()
    funnel.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    funnel.screenshot(path=SCREENSHOTS / "explorer_funnel.png")


def test_clicking_a_point_opens_the_partnership(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}/indicator?indicator=rereferral_rate")
    worst = page.locator(".st-key-ranked .scatterlayer .trace .points path").last
    worst.scroll_into_view_if_needed()
    worst.click(force=True)
    expect(page).to_have_url(re.compile(r"/partnership\?.*partnership=E\d{8}"), timeout=30_000)


@pytest.mark.parametrize("path", ["indicator?indicator=rereferral_rate", "indicator?indicator=ilacs_grade", "about"])
def test_no_serious_accessibility_violations(page: Page, app_url: str, path: str) -> None:
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    if path == "about":
        expect(page.get_by_role("heading", name="Accessibility statement")).to_be_attached()
        page.set_viewport_size({"width": 1280, "height": 8200})
        screenshot(page, "about")
    problems = serious_violations(page)
    assert not problems, "\n".join(problems)
