"""The partnership profile in Chromium: the spine chart drawn, axe, a full-page screenshot, the board pack
downloaded, a browser's print on A4, and changing the partnership with the keyboard alone (the URL follows)."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from boards.catalogue import load_catalogue

from .conftest import APP_TIMEOUT_MS, SCREENSHOTS, screenshot, wait_for_app

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PETERBOROUGH = "E06000031"
NORFOLK = "E10000020"


def open_profile(page: Page, app_url: str, partnership_id: str) -> None:
    page.goto(f"{app_url}/partnership?partnership={partnership_id}")
    wait_for_app(page)


def test_spine_chart_is_drawn_and_passes_axe(page: Page, app_url: str) -> None:
    open_profile(page, app_url, PETERBOROUGH)
    expect(page.get_by_role("heading", name="Peterborough", level=1)).to_be_visible()
    spine = page.locator('[data-testid="stPlotlyChart"]').first
    expect(spine).to_be_visible()
    expect(spine.locator(".gtitle")).to_have_text("Peterborough against England, 2026-27 Q2 (Jul-Sep 2026)")
    # One row per indicator of the catalogue, named on the axis.
    expect(spine.locator(".ytick")).to_have_count(len(load_catalogue()))
    expect(spine.locator(".ytick", has_text="Assessments in 45 days")).to_have_count(1)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert blocking == []
    # The app scrolls inside its own container, so a full-page shot needs a viewport as tall as it.
    height = page.locator('[data-testid="stMain"]').evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": int(height) + 40})
    wait_for_app(page)
    screenshot(page, "profile")


def test_switching_partnership_by_keyboard_updates_the_url(page: Page, app_url: str) -> None:
    open_profile(page, app_url, PETERBOROUGH)
    chooser = page.get_by_role("combobox", name=re.compile("^Partnership"))
    chooser.focus()
    expect(chooser).to_be_focused()
    page.keyboard.type("Norfolk")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"partnership={NORFOLK}"), timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Norfolk", level=1)).to_be_visible(timeout=APP_TIMEOUT_MS)


def test_board_pack_downloads_as_the_partnerships_pdf(page: Page, app_url: str, tmp_path) -> None:
    """Pressing the button downloads Peterborough's board pack: a PDF with its title and first page."""
    open_profile(page, app_url, PETERBOROUGH)
    with page.expect_download(timeout=180_000) as download:
        page.get_by_role("button", name="Download board pack (PDF)").click()
    assert download.value.suggested_filename == "board_pack_E06000031_2026-27_Q2.pdf"
    saved = tmp_path / "pack.pdf"
    download.value.save_as(saved)
    reader = PdfReader(saved)
    assert reader.metadata.title == "Board pack: Peterborough, 2026-27 Q2"
    assert "Concern score 1.44 (95% interval 1.24 to 1.50); rank 14 of 153" in " ".join(reader.pages[0].extract_text().split())


A4_TEXT_MM = 180  # 210 mm less print.css's two 15 mm margins
WORD = re.compile(r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>')


def phrase_top(pdf, phrase: str) -> tuple[int, float]:
    """The page (from 1) and the top, in points, of the first line of ``pdf`` that begins with ``phrase``."""
    layout = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    wanted = phrase.split()
    for number, page_text in enumerate(layout.split("<page ")[1:], start=1):
        words = [(float(y), text) for _, y, _, _, text in WORD.findall(page_text)]
        for start in range(len(words) - len(wanted) + 1):
            if [text for _, text in words[start:start + len(wanted)]] == wanted:
                return number, words[start][0]
    raise AssertionError(f"{phrase!r} is not in the printed PDF")


def printed_width_mm(pdf, images, title: str, caption: str, dpi: int) -> float:
    """How wide the chart titled ``title`` prints: the span of ink, in mm, on its page between its title and the
    caption printed under it."""
    page, top = phrase_top(pdf, title)
    caption_page, bottom = phrase_top(pdf, caption)
    assert caption_page == page, f"{title!r} and its caption are on pages {page} and {caption_page}"
    image = np.asarray(Image.open(images[page - 1]).convert("L"))
    band = image[round(top / 72 * dpi):round(bottom / 72 * dpi)]
    inked = np.flatnonzero((band < 200).any(axis=0))
    return (inked[-1] - inked[0] + 1) / dpi * 25.4


def test_printing_the_profile_prints_charts_across_a4(page: Page, app_url: str, tmp_path) -> None:
    """Chromium's own print of the page to PDF (its print media, after the print events a browser sends): the spine
    chart and the trend chart each print at the full text width of A4 (at least 90% of its 180 mm), whole on one
    page, and nothing runs into the right margin."""
    open_profile(page, app_url, PETERBOROUGH)
    spine = page.locator('[data-testid="stPlotlyChart"]').first
    expect(spine.locator(".gtitle")).to_be_visible()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    # print.js prints a copy of each chart as drawn, scaled by its viewBox to the page's width.
    drawn = spine.locator(".main-svg").first
    expect(page.locator(".boards-print-chart svg")).to_have_count(2)
    assert page.locator(".boards-print-chart svg").first.get_attribute("viewBox") == (
        f"0 0 {drawn.get_attribute('width')} {drawn.get_attribute('height')}")
    page.emulate_media(media="print")
    printed = tmp_path / "printed.pdf"
    page.pdf(path=printed, prefer_css_page_size=True, print_background=True)
    reader = PdfReader(printed)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(595, 842)}
    dpi = 50
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(printed), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    right_margin = round(14 / 25.4 * dpi)  # 14 of the 15 mm
    for number, path in enumerate(images, start=1):
        image = np.asarray(Image.open(path).convert("L"))
        assert image[:, image.shape[1] - right_margin:].min() > 240, number
    spine_mm = printed_width_mm(printed, images, "Peterborough against England, 2026-27 Q2", "Each row is one indicator.",
                                dpi)
    trends_mm = printed_width_mm(printed, images, "Partnership: Peterborough over time", "One panel per indicator", dpi)
    print(f"printed widths: spine chart {spine_mm:.0f} mm, trend chart {trends_mm:.0f} mm of {A4_TEXT_MM} mm")
    assert spine_mm >= 0.9 * A4_TEXT_MM
    assert trends_mm >= 0.9 * A4_TEXT_MM
    # The score's heading is printed on the page its table starts on, and every quarter is printed, the oldest
    # included (a grid prints only the rows it shows on screen).
    heading_page, _ = phrase_top(printed, "Concern score over time")
    assert phrase_top(printed, "Quarter Concern score Rank")[0] == heading_page
    phrase_top(printed, "2024-25 Q3 (Oct-Dec 2024) 1.64")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(images[0], SCREENSHOTS / "profile_printed_page_1.png")
