"""England's and the East Midlands' board packs as at 2026-27 Q2, written by ``boards pack`` with no network.

Literal values are the seeded demo's."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from boards.compare.engine import compare
from boards.pack.document import INVENTED_FOOTER
from boards.pack.national import national_pack

from .conftest import margin_bands, page_images, page_texts, write_pack_offline

ENGLAND_PAGES = 21
EAST_MIDLANDS = "E12000004"


@pytest.fixture(scope="module")
def england(pack_db, tmp_path_factory) -> PdfReader:
    out = tmp_path_factory.mktemp("pack") / "england.pdf"
    result = write_pack_offline(pack_db, out, "--all")
    assert result.returncode == 0, result.stderr
    return PdfReader(out)


def test_england_pack_ranks_every_partnership(england):
    texts = page_texts(england)
    assert england.metadata.title == "Board pack: England, 2026-27 Q2"
    assert len(england.pages) == ENGLAND_PAGES
    assert texts[0].startswith("Board pack: England Every partnership in England compared with England, its region "
                               "and its statistical neighbours as at 2026-27 Q2 (Jul-Sep 2026): 153 partnerships,")
    assert "Highest concern score: Kensington and Chelsea (2.02), Nottingham (1.98) and Dudley (1.94)." in texts[0]
    everything = " ".join(texts)
    assert ("1 1 to 3 Kensington and Chelsea London 2.02 (invented) 0 0 12 12 new, 0 cleared flags; up 128 places "
            "12 figures not reported (invented), Actions with impact evidence +1.7 SD (invented)") in everything
    assert "14 12 to 16 Peterborough East of England 1.44 (invented) 10 4 0 1 new, 0 cleared flags; down 7 places" in everything
    # Every rank from 1 to 153 is a row of the table (ties share a rank, so count the partnership rows).
    rows = [text for text in texts if "Since 2026-27 Q1" in text]
    # A score cell is its two-decimal score marked invented (the drivers' distances have one decimal and "SD").
    assert sum(len(re.findall(r"-?\d+\.\d\d \(invented\)", text)) for text in rows) == 153


def test_england_pack_draws_the_matrix_in_four_parts_and_the_map(england):
    texts = page_texts(england)
    charts = [number for number, page in enumerate(england.pages) if len(page.images)]
    assert len(charts) == 5
    assert "Partnerships ranked 1 to 40 of England" in texts[charts[0]]
    assert "Partnerships ranked 121 to 153 of England" in texts[charts[3]]
    assert texts[charts[4]].startswith("The concern map")
    for number, text in enumerate(texts, start=1):
        assert text.endswith(f"Page {number} of {ENGLAND_PAGES}")
        if "(invented)" in text.replace(INVENTED_FOOTER, ""):
            assert INVENTED_FOOTER in text, number


def test_a_region_pack_holds_its_partnerships_only(pack_db, tmp_path):
    out = tmp_path / "east_midlands.pdf"
    result = write_pack_offline(pack_db, out, "--region", EAST_MIDLANDS)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    texts = page_texts(reader)
    assert reader.metadata.title == "Board pack: East Midlands, 2026-27 Q2"
    assert "as at 2026-27 Q2 (Jul-Sep 2026): 10 partnerships, ranked among all 153 in England" in texts[0]
    assert "The local authorities of East Midlands are outlined." in " ".join(texts)
    assert "Peterborough" not in " ".join(texts)
    for number, image in enumerate(page_images(out, tmp_path), start=1):
        for name, band in margin_bands(image).items():
            assert band.min() > 240, (number, name)


def test_unknown_partnership_or_region_is_one_line_and_exit_1(pack_db, tmp_path):
    result = write_pack_offline(pack_db, tmp_path / "x.pdf", "--region", "E99999999")
    assert result.returncode == 1
    assert result.stderr.startswith("boards pack: no region 'E99999999'; the regions are E12000001 (North East), ")
    result = write_pack_offline(pack_db, tmp_path / "x.pdf", "--partnership", "E00000000")
    assert (result.returncode, result.stderr) == (
        1, "boards pack: no figures for partnership 'E00000000' as at 2026-27 Q2\n")
    assert not (tmp_path / "x.pdf").exists()


def test_the_rank_interval_is_printed_when_the_scores_hold_one(demo_store):
    """Once the score engine gives each rank an interval (rank_low, rank_high), the region's table prints it."""
    current = compare(demo_store, "2026-27 Q2")
    rank = current.scores["rank"]
    scores = current.scores.assign(rank_low=(rank - 2).clip(lower=1), rank_high=rank + 3)
    pdf = national_pack(demo_store, replace(current, scores=scores), region_code=EAST_MIDLANDS)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Rank Rank interval Partnership Region Score" in text
    assert "2 1 to 5 Nottingham East Midlands 1.98 (invented)" in text
