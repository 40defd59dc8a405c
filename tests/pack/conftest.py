"""The board packs of the session's demo database, each written once by ``boards pack`` with no network."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from boards.pack.document import MARGIN_MM

LATEST = "2026-27 Q2"
PAGE_DPI = 50


def write_pack_offline(db: Path, out: Path, *which: str) -> subprocess.CompletedProcess:
    """``boards pack`` in a network namespace of its own (``unshare -rn``: no interface but a loopback that is
    down), so a pack that needed anything from the internet would fail."""
    command = ["unshare", "-rn", sys.executable, "-m", "boards", "pack", *which, "--period", LATEST,
               "--db", str(db), "--out", str(out)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def page_images(pdf: Path, folder: Path) -> list[np.ndarray]:
    """Every page drawn by poppler's pdftoppm in grey at PAGE_DPI, as arrays of 0 (black) to 255 (white)."""
    subprocess.run(["pdftoppm", "-r", str(PAGE_DPI), "-gray", "-png", str(pdf), str(folder / "page")], check=True)
    return [np.asarray(Image.open(path).convert("L")) for path in sorted(folder.glob("page-*.png"))]


def margin_bands(image: np.ndarray) -> dict[str, np.ndarray]:
    """The parts of a page image where nothing may be drawn: around the text area (15 mm margins, less
    a millimetre), and between the text area (which ends 20 mm above the foot) and the footer."""

    def px(mm: float) -> int:
        return round(mm / 25.4 * PAGE_DPI)

    width = image.shape[1]
    return {
        "top": image[: px(MARGIN_MM - 1)],
        "left": image[:, : px(MARGIN_MM - 1)],
        "right": image[:, width - px(MARGIN_MM - 1):],
        "above the footer": image[px(297 - 19.5): px(297 - 16.5)],
        "below the footer": image[px(297 - 10):],
    }


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's extracted text with its white space collapsed, so sentences match across line breaks."""
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="session")
def pack_db(demo_db_path, tmp_path_factory) -> Path:
    """A copy of the demo database for ``boards pack`` to open: DuckDB lets one program at a time open a file,
    and other tests of this process hold the original open (``demo_store``)."""
    copy = tmp_path_factory.mktemp("pack_db") / "demo.duckdb"
    shutil.copyfile(demo_db_path, copy)
    return copy


@pytest.fixture(scope="session")
def peterborough_pack(pack_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "peterborough.pdf"
    result = write_pack_offline(pack_db, out, "--partnership", "E06000031")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote the board pack (")
    return out
