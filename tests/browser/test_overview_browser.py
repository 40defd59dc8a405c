"""The Overview page in a real browser: fast to the league table, clicks open the partnership,
the period can be chosen with the keyboard alone, and axe finds no serious WCAG 2.2 AA issue."""

from __future__ import annotations

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import APP_TIMEOUT_MS, screenshot, wait_for_app

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LEAGUE_TABLE_SECONDS = 20  # a cold start on a shared 2-core machine; warm loads take 1-2 s
HEADER_PX, ROW_PX = 35, 35  # st.dataframe's header and row heights


def league_row(page: Page, row: int):
    """The league table's accessible row ``row`` (1 = the first partnership; 0 is the header)."""
    return page.locator('[data-testid="stDataFrame"]').first.locator("tr").nth(row)


def open_overview(page: Page, url: str) -> float:
    started = time.monotonic()
    page.goto(url)
    expect(league_row(page, 1)).to_contain_text("Kensington and Chelsea", timeout=LEAGUE_TABLE_SECONDS * 1000)
    elapsed = time.monotonic() - started
    wait_for_app(page)
    return elapsed


def test_league_table_shows_and_a_row_opens_the_partnership(page: Page, app_url: str) -> None:
    elapsed = open_overview(page, app_url)
    print(f"league table shown after {elapsed:.1f} s")
    expect(page.locator("h1").first).to_have_text("Safeguarding board effectiveness")
    expect(league_row(page, 1)).to_contain_text("1 (1-3)")
    expect(league_row(page, 2)).to_contain_text("Nottingham")

    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The row-selection checkbox of the second partnership (Nottingham).
    page.mouse.click(box["x"] + 16, box["y"] + HEADER_PX + ROW_PX + ROW_PX / 2)
    page.wait_for_url(re.compile(r"/partnership\?.*partnership=E06000018"), timeout=30_000)


def test_the_map_view_opens_from_its_tab_and_a_hex_opens_its_partnership(page: Page, app_url: str) -> None:
    open_overview(page, app_url)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)  # the ranked view draws no chart
    page.get_by_role("tab", name="Map of England").click()
    page.wait_for_url(re.compile(r"view=Map\+of\+England"), timeout=30_000)
    hexes = page.locator('[data-testid="stPlotlyChart"]').first.locator(".scatterlayer .trace .points path")
    expect(hexes).to_have_count(153, timeout=APP_TIMEOUT_MS)  # the map view's first run, and Plotly's first load
    hexes.first.scroll_into_view_if_needed()
    hexes.first.click(force=True)
    page.wait_for_url(re.compile(r"/partnership\?.*partnership=E\d{8}"), timeout=30_000)


def test_period_can_be_chosen_with_the_keyboard_alone(page: Page, app_url: str) -> None:
    open_overview(page, app_url)
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const a = document.activeElement;"
            " const box = a.closest('[data-testid=stSelectbox]');"
            " return a.tagName === 'INPUT' && box ? box.innerText : ''; }"
        )
        if focused.startswith("Period"):
            break
    else:
        pytest.fail("Tab never reached the period selector")
    page.keyboard.press("ArrowDown")  # opens the list at the next option: the quarter before
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"period=2026-27\+Q1"), timeout=30_000)
    wait_for_app(page)
    # 2026-27 Q1: Cheshire East is second, where Nottingham was in Q2.
    expect(league_row(page, 2)).to_contain_text("Cheshire East")


def test_the_views_can_be_chosen_with_the_keyboard_alone(page: Page, app_url: str) -> None:
    open_overview(page, app_url)
    ranked = page.get_by_role("tab", name="Ranked partnerships")
    for _ in range(60):
        page.keyboard.press("Tab")
        if ranked.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the views' tabs")
    page.keyboard.press("ArrowRight")  # the next tab, opened as it is focused
    page.wait_for_url(re.compile(r"view=Verdicts\+by\+indicator"), timeout=30_000)
    expect(page.get_by_role("heading", name="Each partnership's verdicts, indicator by indicator")).to_be_visible(
        timeout=30_000)
    # The matrix is drawn after its heading: on a busy machine, seconds later.
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1, timeout=30_000)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("/", "overview"),
        ("/?region=North+East&la_type=Metropolitan+District", "overview_filtered"),
        ("/?view=Verdicts+by+indicator", "overview_matrix"),
        ("/?view=Map+of+England&region=North+East", "overview_map"),
    ],
)
def test_overview_has_no_serious_accessibility_violation(page: Page, app_url: str, query: str, name: str) -> None:
    page.goto(app_url + query)
    wait_for_app(page)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    blocking = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    page.set_viewport_size({"width": 1280, "height": 3600})  # the whole page in one screenshot
    page.wait_for_timeout(1000)
    screenshot(page, name)
    assert blocking == []


@pytest.mark.parametrize("width", [844, 1280])
def test_matrix_domain_names_do_not_overlap(page: Page, app_url: str, width: int) -> None:
    """A phone on its side (844 by 390) and a laptop: no two domain names above the matrix overlap."""
    page.set_viewport_size({"width": width, "height": 390})
    page.goto(app_url + "/?view=Verdicts+by+indicator")
    wait_for_app(page)
    matrix = page.locator('[data-testid="stPlotlyChart"]').first
    names = matrix.locator(".annotation")
    expect(names).to_have_count(6)
    boxes = names.evaluate_all("names => names.map(name => { const box = name.getBoundingClientRect();"
                               " return [box.left, box.right, box.top, box.bottom]; })")
    overlapping = [
        (first, second) for first in range(6) for second in range(first + 1, 6)
        if boxes[first][0] < boxes[second][1] and boxes[second][0] < boxes[first][1]
        and boxes[first][2] < boxes[second][3] and boxes[second][2] < boxes[first][3]
    ]
    assert overlapping == []
    matrix.locator(".gtitle").scroll_into_view_if_needed()
    screenshot(page, f"overview_matrix_{width}")
