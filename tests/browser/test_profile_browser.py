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


def test_printing_the_profile_fits_charts_to_a4(page: Page, app_url: str, tmp_path) -> None:
    """A browser's print: the spine chart is zoomed to A4's text width, and nothing runs into the right margin."""
    open_profile(page, app_url, PETERBOROUGH)
    spine = page.locator('[data-testid="stPlotlyChart"]').first
    expect(spine.locator(".gtitle")).to_be_visible()
    width = spine.evaluate("chart => chart.scrollWidth")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert float(spine.evaluate("chart => chart.style.zoom")) == pytest.approx(680 / width, abs=1e-6)
    page.emulate_media(media="print")
    printed = tmp_path / "printed.pdf"
    page.pdf(path=printed, prefer_css_page_size=True, print_background=True)
    reader = PdfReader(printed)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(595, 842)}
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", str(printed), str(tmp_path / "page")], check=True)
    right_margin = round(14 / 25.4 * 50)  # 14 of the 15 mm
    for number, path in enumerate(sorted(tmp_path.glob("page-*.png")), start=1):
        image = np.asarray(Image.open(path).convert("L"))
        assert image[:, image.shape[1] - right_margin:].min() > 240, number
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(sorted(tmp_path.glob("page-*.png"))[0], SCREENSHOTS / "profile_printed_page_1.png")
