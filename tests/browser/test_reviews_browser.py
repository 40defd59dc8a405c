"""The Case reviews page in a real browser: choose a partnership by keyboard, every chart drawn, WCAG 2.2 AA;
a browser's print on A4."""

import subprocess

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

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


def test_printing_case_reviews_gives_every_row_on_a4(page: Page, app_url: str, tmp_path) -> None:
    """A browser's print of Birmingham's case reviews: each grid is printed as a plain table with every row (all 34
    findings that came back after sign-off, where the grid shows the ten that fit), the charts are printed from copies
    scaled to A4's text width, and nothing runs into the right margin of any A4 page."""
    page.goto(f"{app_url}/case-reviews?partnership=E08000025")
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=APP_TIMEOUT_MS)
    copies = page.locator(".boards-print-only")
    expect(copies.first).to_be_hidden()  # on screen, the grid
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    # Each chart is printed from a copy of its drawing (1,120 pixels wide here), scaled to the paper by its viewBox.
    boxes = page.locator(".boards-print-chart svg").evaluate_all("copies => copies.map(c => c.getAttribute('viewBox'))")
    assert [box.split()[:3] for box in boxes] == [["0", "0", "1120"]] * 4
    page.emulate_media(media="print")
    expect(copies.first).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_hidden()
    assert copies.first.locator("tbody tr").count() == 34
    printed = tmp_path / "printed.pdf"
    page.pdf(path=printed, prefer_css_page_size=True)
    reader = PdfReader(printed)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(595, 842)}
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Learning that did not take hold" in text and "Recommendation of review" in text
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", str(printed), str(tmp_path / "page")], check=True)
    right_margin = round(14 / 25.4 * 50)  # 14 of the 15 mm
    for number, path in enumerate(sorted(tmp_path.glob("page-*.png")), start=1):
        image = np.asarray(Image.open(path).convert("L"))
        assert image[:, image.shape[1] - right_margin:].min() > 240, number
