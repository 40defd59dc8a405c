"""Peterborough's board pack as at 2026-27 Q2, written by ``boards pack`` with no network, read back as a
reader would: its text (pypdf), its pages as images (pdftoppm) and its document properties.

Literal values are the seeded demo's (Peterborough ranks 14th by concern as at 2026-27 Q2, first of those that
sent every return).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pypdf import PdfReader

from boards.pack.document import INVENTED_FOOTER
from boards.pack.partnership import rank_words
from boards.provenance import attribution

from .conftest import margin_bands, page_images, page_texts

PAGES = 21
CHARTS = 7  # the spine chart and one trend chart per domain (six domains)
A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def reader(peterborough_pack) -> PdfReader:
    return PdfReader(peterborough_pack)


@pytest.fixture(scope="module")
def texts(reader) -> list[str]:
    return page_texts(reader)


def test_document_has_title_language_tags_and_a4_pages(reader):
    """A title and language a screen reader announces, a structure tree, and every page A4 portrait."""
    assert reader.metadata.title == "Board pack: Peterborough, 2026-27 Q2"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert len(reader.pages) == PAGES
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4_POINTS


def test_every_chart_is_a_figure_with_alternative_text(reader):
    """Each chart image is tagged /Figure in the structure tree with its /Alt text."""
    figures = []

    def walk(element):
        element = element.get_object()
        if element.get("/S") == "/Figure":
            figures.append(str(element["/Alt"]))
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert len(figures) == CHARTS
    assert figures[0] == "Spine chart of Peterborough's indicators against England; the table after it gives every figure."
    assert figures[1] == "Trend charts of Demand for Peterborough; the table after it gives every figure."


def test_first_page_says_where_it_stands_in_sentences(texts):
    first = texts[0]
    assert first.startswith("Board pack: Peterborough Compared as at 2026-27 Q2 (Jul-Sep 2026), against England, "
                            "East of England and its statistical neighbours. Covers: Peterborough (E06000031).")
    assert ("Concern score 1.44 (95% interval 1.24 to 1.50); rank 14 of 153 (rank interval 12 to 16) (1 is the "
            "partnership of most concern).") in first
    assert ("- Worse than England, beyond the 99.8% limit or 3 robust SDs: Strategy discussions with partners 27.0% "
            "against England 69.0%: below the 99.8% limit (35.4%); worse for 7 quarters running. (invented)") in first
    worse_strongly = "- Worse than England, beyond the 99.8% limit or 3 robust SDs:"
    assert first.count(worse_strongly) == 4  # four findings, the strongest first
    assert ("Since 2026-27 Q1 (Apr-Jun 2026) Rank 14 of 153 by concern, from 7 in the period before (towards less "
            "concern).") in first
    assert ("- New flags (1): Actions with impact evidence (invented). - Cleared (0): none. - Persisting (9): Strategy "
            "discussions with partners (invented)") in first
    assert ("Missing returns Every quarterly local return came in for the last 4 quarters (2025-26 Q3 to 2026-27 Q2)."
            in first)


def test_every_page_is_numbered(texts):
    for number, text in enumerate(texts, start=1):
        assert text.endswith(f"Page {number} of {PAGES}"), number


def test_invented_figures_are_marked_on_the_page_where_they_appear(texts):
    """Every page showing a figure marked (invented) says in its footer what the mark means; real figures are
    never marked."""
    for number, text in enumerate(texts, start=1):
        body = text.replace(INVENTED_FOOTER, "")
        if "(invented)" in body:
            assert INVENTED_FOOTER in text, number
    spine_table = texts[2]
    assert "Strategy discussions with partners (invented)" in spine_table
    assert "Assessments in 45 days 2024-25 (year to 31 Mar 2025) 77.0 % 85.7 86.7 86.5 124 of 150 Similar" in spine_table
    assert "Re-referrals 2024-25 (year to 31 Mar 2025) 19.8 % 22.6 19.4 19.9 73 of 153 Similar" in spine_table
    assert "Re-referrals (invented)" not in " ".join(texts)


def test_charts_keep_their_caption_and_table(texts, reader):
    """Each chart is on one page with its caption; the spine chart's table follows it."""
    with_images = [number for number, page in enumerate(reader.pages) if len(page.images)]
    assert len(with_images) == CHARTS
    assert texts[with_images[0]].startswith("Every indicator against England")
    assert "Each row is one indicator." in texts[with_images[0]]
    for number in with_images[1:]:
        assert re.search(r"One panel per indicator of [A-Za-z ]+, up to 2026-27 Q2", texts[number]), number
    assert texts[with_images[0] + 1].startswith("The spine chart as a table, 2026-27 Q2 (Jul-Sep 2026)")


def test_nothing_is_drawn_outside_the_page_margins(peterborough_pack, tmp_path):
    """No chart, table or line runs past a margin, so none is cut at the foot of a page or split across two:
    between the text area and the footer, and around the page, every pixel is white."""
    images = page_images(peterborough_pack, tmp_path)
    assert len(images) == PAGES

    for number, image in enumerate(images, start=1):
        for name, band in margin_bands(image).items():
            assert band.min() > 240, (number, name)
        assert image.min() < 100, number  # and the page is not blank


def test_sources_and_licence_are_on_the_last_pages(texts):
    sources = " ".join(texts[-2:])
    assert sources.startswith("Where the figures come from The figures of Peterborough: 21 demo, 16 published.")
    assert attribution() in sources
    assert "demo (invented)" in sources


def test_case_review_learning_lists_overdue_recommendations(texts):
    reviews = next(text for text in texts if text.startswith("Case review learning"))
    assert "As at 30 September 2026: 5 recommendations open, 3 of them overdue." in reviews
    assert "R004 (invented) 4 Health 10 Feb 2026 232" in reviews


@pytest.mark.parametrize(
    ("score", "words"),
    [
        (pd.Series({"rank": 3}), "3 of 153"),
        (pd.Series({"rank": 3, "rank_low": 1.0, "rank_high": 6.0}), "3 of 153 (rank interval 1 to 6)"),
        (pd.Series({"rank": 3, "rank_low": float("nan"), "rank_high": float("nan")}), "3 of 153"),
    ],
)
def test_rank_shows_its_interval_when_the_scores_hold_one(score, words):
    assert rank_words(score, 153) == words
