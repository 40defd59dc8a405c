"""An A4 board pack document: headings, plain sentences, charts kept whole on a page, tables.

Built on fpdf2 (pure Python, no system library): the PDF has a title, an author, its language
(en-GB), a bookmark per section, real text (searchable, read aloud by a screen reader) and every
chart as an image carrying its alternative text in the PDF's structure tree (tagged as a Figure).
Text is set in the PDF's standard Helvetica, which every reader has, so no font file ships.

Page numbers ("Page 3 of 9") are in every footer. A page that shows invented demonstration
figures says so in its footer as well as beside each such figure (``mark_invented``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date

import pandas as pd
from fpdf import FPDF

LANGUAGE = "en-GB"
CREATOR = "Safeguarding board effectiveness dashboard"
MARGIN_MM = 15
FOOTER_MM = 16  # the bottom margin the footer sits in
BODY_PT, SMALL_PT, TABLE_PT = 10, 8, 7
TABLE_LINE_MM, CELL_PAD_MM = 3.2, 0.8
INVENTED = "(invented)"
INVENTED_FOOTER = "Figures marked (invented) are invented demonstration figures: they describe no real area."
MIN_SHRINK = 0.6  # a chart is shrunk to fit the rest of a page down to this share of its size, else moved on
HEADING_PT = {0: 16, 1: 13, 2: 11}
TEXT_RGB, MUTED_RGB, RULE_RGB, HEAD_FILL_RGB = (11, 12, 12), (80, 90, 95), (177, 180, 182), (243, 242, 241)
# Helvetica is encoded as Windows-1252: the few characters the app's sentences use beyond it become words or ASCII.
# Verdict symbols (arrows, geometric shapes) go: the words beside them say the same.
_OUTSIDE_1252 = str.maketrans({"≥": ">=", "≤": "<=", "\u200b": "", "−": "-", "✓": "yes", "·": ""})
_SYMBOLS = re.compile("[\u2190-\u21ff\u25a0-\u25ff\u2605\u2606]")


def pdf_text(text: object) -> str:
    """``text`` as Helvetica can set it (Windows-1252); anything else left is a question mark."""
    cleaned = _SYMBOLS.sub("", str(text).translate(_OUTSIDE_1252)).strip()
    return cleaned.encode("cp1252", errors="replace").decode("cp1252")


class BoardPackDocument(FPDF):
    """An A4 portrait document with page numbers and per-page invented-figure notices."""

    def __init__(self, title: str, *, subject: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.set_title(pdf_text(title))
        self.set_subject(pdf_text(subject))
        self.set_lang(LANGUAGE)
        self.set_author(CREATOR)
        self.set_creator(CREATOR)
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(True, margin=FOOTER_MM + 4)
        self.set_display_mode("fullwidth")
        self.set_text_color(*TEXT_RGB)
        self.invented_pages: set[int] = set()
        self.add_page()

    # -- page furniture ---------------------------------------------------------------------

    def footer(self) -> None:
        self.set_y(-FOOTER_MM)
        self.set_font("Helvetica", size=SMALL_PT)
        self.set_text_color(*MUTED_RGB)
        notice = INVENTED_FOOTER if self.page_no() in self.invented_pages else ""
        self.cell(self.epw - 30, 5, notice)
        self.cell(30, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*TEXT_RGB)

    def mark_invented(self) -> None:
        """Say in this page's footer that it shows invented demonstration figures."""
        self.invented_pages.add(self.page_no())

    # -- text -------------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1, *, keep_with_mm: float = 30) -> None:
        """A heading (and a bookmark), never alone at the foot of a page."""
        if self.will_page_break(keep_with_mm):
            self.add_page()
        elif self.get_y() > self.t_margin + 1:
            self.ln(3 if level else 0)
        self.start_section(pdf_text(text), level=level)
        self.set_font("Helvetica", style="B", size=HEADING_PT[level])
        self.multi_cell(0, HEADING_PT[level] * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, *, size: float = BODY_PT, bold: bool = False, muted: bool = False) -> None:
        self.set_font("Helvetica", style="B" if bold else "", size=size)
        if muted:
            self.set_text_color(*MUTED_RGB)
        self.multi_cell(0, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*TEXT_RGB)
        self.ln(1.5)

    def bullets(self, items: Sequence[str], *, size: float = BODY_PT) -> None:
        self.set_font("Helvetica", size=size)
        for item in items:
            self.set_x(self.l_margin)
            self.cell(5, size * 0.5, "-")
            self.multi_cell(0, size * 0.5, pdf_text(item), new_x="LMARGIN", new_y="NEXT")
            self.ln(0.8)
        self.ln(1)

    # -- figures and tables -----------------------------------------------------------------

    def figure(self, png: bytes, width_px: int, height_px: int, *, alt_text: str, caption: str) -> None:
        """A chart as wide as the text, shrunk to fit when taller than a page, on one page with its caption."""
        self.set_font("Helvetica", size=SMALL_PT)
        caption_mm = len(self.multi_cell(0, 4, pdf_text(caption), dry_run=True, output="LINES")) * 4 + 3
        width = self.epw
        height = width * height_px / width_px
        available = self.h - self.b_margin - self.get_y() - caption_mm
        if height > available and available < MIN_SHRINK * height:
            self.add_page()
            available = self.h - self.b_margin - self.get_y() - caption_mm
        if height > available:
            width, height = width * available / height, available
        self.image(io.BytesIO(png), x=self.l_margin + (self.epw - width) / 2, w=width, h=height,
                   alt_text=pdf_text(alt_text))
        self.ln(1)
        self.paragraph(caption, size=SMALL_PT, muted=True)

    def data_table(self, frame: pd.DataFrame, *, widths: Sequence[float], numeric: Sequence[str] = (),
                   invented_rows: Sequence[bool] | None = None, mark_column: int = 0) -> None:
        """``frame`` as a ruled table whose heading row repeats at the top of each page it runs onto.

        ``widths`` are relative column widths; ``numeric`` columns are right-aligned. A row where
        ``invented_rows`` is true has the mark (invented) after its cell in column ``mark_column``, and
        its page says so in the footer. A row is never split across pages. Rows are drawn cell by cell
        (a cell wraps only when its text is wider than its column): fpdf2's own table lays out every
        cell as a paragraph, several times slower for the long trend tables.
        """
        scale = self.epw / sum(widths)
        columns = [width * scale for width in widths]
        aligns = ["R" if column in numeric else "L" for column in frame.columns]
        marks = list(invented_rows) if invented_rows is not None else [False] * len(frame)
        heading = [pdf_text(column) for column in frame.columns]
        self.set_draw_color(*RULE_RGB)
        self.set_fill_color(*HEAD_FILL_RGB)
        text_margin, self.c_margin = self.c_margin, 0  # cells are padded by CELL_PAD_MM, not by fpdf2's own margin
        self._table_row(heading, columns, ["L"] * len(columns), heading=True)
        for values, invented in zip(frame.itertuples(index=False), marks, strict=True):
            cells = [_cell_text(value) for value in values]
            if invented:
                cells[mark_column] = f"{cells[mark_column]} {INVENTED}"
            self._table_row(cells, columns, aligns, heading=False, repeat=heading)
            if invented:
                self.mark_invented()
        self.c_margin = text_margin
        self.ln(3)

    def _table_row(self, cells: list[str], columns: list[float], aligns: list[str], *, heading: bool,
                   repeat: list[str] | None = None) -> None:
        """Draw one row; before it, a new page (and ``repeat``, the heading row) when it does not fit."""
        self.set_font("Helvetica", style="B" if heading else "", size=TABLE_PT)
        inner = [width - 2 * CELL_PAD_MM for width in columns]
        lines = [self._wrapped(text, width) for text, width in zip(cells, inner, strict=True)]
        height = max(len(cell) for cell in lines) * TABLE_LINE_MM + 2 * CELL_PAD_MM
        if self.will_page_break(height):
            self.add_page()
            if repeat is not None:
                self._table_row(repeat, columns, ["L"] * len(columns), heading=True)
                self.set_font("Helvetica", size=TABLE_PT)
        x, y = self.l_margin, self.get_y()
        for cell_lines, width, align in zip(lines, columns, aligns, strict=True):
            self.rect(x, y, width, height, style="DF" if heading else "D")
            for number, line in enumerate(cell_lines):
                self.set_xy(x + CELL_PAD_MM, y + CELL_PAD_MM + number * TABLE_LINE_MM)
                self.cell(width - 2 * CELL_PAD_MM, TABLE_LINE_MM, line, align=align)
            x += width
        self.set_xy(self.l_margin, y + height)

    def _wrapped(self, text: str, width: float) -> list[str]:
        """``text`` broken at spaces (or inside a word longer than ``width``) into lines that fit ``width``."""
        if self.get_string_width(text) <= width:
            return [text]
        lines, line = [], ""
        for word in text.split(" "):
            trial = f"{line} {word}" if line else word
            if self.get_string_width(trial) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            while self.get_string_width(word) > width:
                cut = next(n for n in range(len(word), 0, -1) if self.get_string_width(word[:n]) <= width or n == 1)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        return [*lines, line] if line else lines

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def _cell_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, (pd.Timestamp, date)):
        return f"{value:%d %b %Y}"
    return pdf_text(value)
