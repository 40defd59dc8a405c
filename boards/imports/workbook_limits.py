"""A workbook's contents measured before python-calamine reads them, so that a small file cannot hold the
server's memory.

An .xlsx file is a zip archive of XML parts. A "zip bomb" of a few megabytes unpacks to gigabytes, and a
sheet of two cells, A1 and XFD1048576, makes calamine lay out every cell between them (17 billion). So
before calamine opens a workbook, every part's declared size and compression ratio are checked, every
part is unpacked in a stream and counted (zipfile stops at the declared size and refuses a part that
claims less than it holds), and the cells of every worksheet are located in that stream, with expat.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.parsers import expat

from boards.imports.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    size_text,
)
from boards.imports.problems import UnusableFile

_CHUNK_BYTES = 1024 * 1024
_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
_DIGITS = "0123456789"


def check_workbook(file_name: str, data: bytes) -> None:
    """Refuse (UnusableFile) a zip-based workbook that unpacks to more than the limits allow."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
        _check_declared_sizes(file_name, parts)
        for part in parts:
            extent = _SheetExtent(file_name) if _WORKSHEET_PART.fullmatch(part.filename) else None
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK_BYTES):
                    if extent is not None:
                        extent.feed(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error,
            expat.ExpatError) as exc:
        raise unreadable_workbook(file_name, exc) from exc


def unreadable_workbook(file_name: str, exc: Exception) -> UnusableFile:
    return UnusableFile(
        f"{file_name} looks like a spreadsheet but cannot be read ({exc}). Save it again as .xlsx or CSV and "
        "upload that."
    )


def _check_declared_sizes(file_name: str, parts: list[zipfile.ZipInfo]) -> None:
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnusableFile(
            f"{file_name} unpacks to {size_text(unpacked)}, over the limit of {size_text(MAX_UNPACKED_BYTES)} "
            "for the contents of a workbook. Save the sheet you want to upload as CSV, or split it into smaller "
            "workbooks, and upload those."
        )
    for part in parts:
        if part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1):
            raise UnusableFile(
                f"{file_name} is compressed {part.file_size // max(part.compress_size, 1):,} to 1, more than the "
                f"limit of {MAX_COMPRESSION_RATIO} to 1 (spreadsheet programs write about 10 to 1), so it is not "
                "read. Save it again as .xlsx or CSV and upload that."
            )


class _SheetExtent:
    """The last row and column holding a cell, followed through a worksheet's XML as it streams in, as
    calamine places them: a row or cell without a reference follows the one before it."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.row = self.column = 0  # of the latest row and cell
        self.last_row = self.last_column = 0
        self.column_numbers: dict[str, int] = {}  # column letters seen, by their number
        # Element names seen ("namespace name", as expat gives them) by their name alone: calamine reads a row
        # or a cell in any namespace.
        self.local_names: dict[str, str] = {}
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self._start

    def feed(self, chunk: bytes) -> None:
        self.parser.Parse(chunk, False)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = self.local_names.get(name) or self.local_names.setdefault(name, name.rpartition(" ")[2])
        if local == "c":
            reference = attributes.get("r")
            if reference:
                letters = reference.rstrip(_DIGITS)
                column = self.column_numbers.get(letters) or self.column_numbers.setdefault(
                    letters, _column_number(letters))
                if len(letters) < len(reference):
                    self.row = int(reference[len(letters):])
            else:
                column = self.column + 1
            self.column = column
            if column > self.last_column or self.row > self.last_row:
                self.last_row, self.last_column = max(self.last_row, self.row), max(self.last_column, column)
                self._check()
        elif local == "row":
            reference = attributes.get("r")
            self.row = int(reference) if reference and reference.isdigit() else self.row + 1
            self.column = 0

    def _check(self) -> None:
        rows, columns = self.last_row, self.last_column
        if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
            raise UnusableFile(
                f"A sheet of {self.file_name} reaches row {rows:,} and column {columns:,}, beyond the limits of "
                f"{MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells for one upload. Delete the "
                "empty rows and columns after the figures (or copy the figures to a new workbook), and upload it again."
            )


def _column_number(letters: str) -> int:
    """A column's letters as its number: A is 1, Z 26, AA 27, XFD 16,384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
