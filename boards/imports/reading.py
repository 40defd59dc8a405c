"""Uploaded bytes to a table of text cells, each row with its line in the file (or row in the sheet).

Text files may be UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text", with or
without a byte-order mark) or Windows-1252, delimited by commas, semicolons or tabs, with any line
endings. Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine, first sheet or a named
one. Anything else, or anything over the limits of ``boards.imports.limits``, is refused as an
UnusableFile with a sentence saying what was expected.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from python_calamine import CalamineError, CalamineWorkbook

from boards.imports.limits import (
    MAX_CELL_CHARACTERS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    listed,
    shown_name,
    size_text,
)
from boards.imports.problems import Problem, UnusableFile
from boards.imports.workbook_limits import check_workbook, unreadable_workbook

DELIMITERS = (",", ";", "\t")
# Zip (xlsx, xlsm, ods) and OLE2 (xls) containers.
_ZIP_SIGNATURE = b"PK\x03\x04"
SPREADSHEET_SIGNATURES = (_ZIP_SIGNATURE, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_CONTROL_CHARACTER = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEXT_CONTROLS = (9, 10, 13)  # tab, line feed, carriage return
_NOT_CONTROL_BYTES = bytes(code for code in range(256) if code in _TEXT_CONTROLS or 32 <= code != 127)
_SHORTEST_FLOAT_WITHOUT_EXPONENT = 1e15
_ENCODING_SAMPLE_BYTES = 64 * 1024
_FIELD_LIMIT_ERROR = "field larger than field limit"  # csv.Error for a cell of over 131,072 characters


@dataclass(frozen=True)
class Table:
    """The header and rows of an upload, every cell as stripped text ("" when blank)."""

    header: list[str]  # column names as written, blank trailing columns dropped
    # One column per header entry, named by position ("0", "1", ...), each a Categorical of its texts: a
    # return repeats a few thousand distinct texts a million times, so each is held and parsed once.
    cells: pd.DataFrame
    lines: np.ndarray  # 1-based line in the file (row in the sheet) of each row of ``cells``
    line_label: str  # "Line" for text files, "Row" for spreadsheets
    problems: list[Problem]  # rows that could not be split into the header's columns
    header_line: int


def read_table(
    file_name: str, data: bytes, *, sheet: str | None = None, max_bytes: int = MAX_UPLOAD_BYTES
) -> Table:
    """The table an upload holds, or UnusableFile saying why there is none."""
    check_upload_size(file_name, len(data), max_bytes)
    if not data or data.isspace():  # as data.strip() == b"", without copying a large upload
        raise UnusableFile(f"{file_name} is empty.")
    if data.startswith(SPREADSHEET_SIGNATURES):
        return _read_workbook(file_name, data, sheet)
    if sheet is not None:
        raise UnusableFile(f'{file_name} is a text file, not an Excel workbook, so it has no sheet "{sheet}".')
    return _read_text(file_name, _as_utf8(file_name, data))


def check_upload_size(file_name: str, size: int, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse a file over the size limit; the command line checks the size on disk before reading it."""
    if size > max_bytes:
        # Just over the limit, a size rounded to megabytes reads as the limit itself: give its bytes.
        size_shown = size_text(size) if size_text(size) != size_text(max_bytes) else f"{size:,} bytes"
        raise UnusableFile(
            f"{file_name} is {size_shown}, over the {size_text(max_bytes)} limit for one upload. "
            "Split it into smaller files (for example one per year) and upload each."
        )


def _as_utf8(file_name: str, data: bytes) -> bytes:
    """The text of the upload as UTF-8 without a byte-order mark: the upload itself when it already is
    UTF-8 (plain ASCII, as most returns are, needs no decoding to know it), else decoded and encoded again."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        utf8 = _decode_as(file_name, data, "utf-16").encode("utf-8")
    elif utf16 := _utf16_without_bom(data):
        utf8 = _decode_as(file_name, data, utf16).encode("utf-8")
    else:
        utf8 = data.removeprefix(b"\xef\xbb\xbf")
        if not utf8.isascii():
            try:
                utf8.decode("utf-8")
            except UnicodeDecodeError:
                utf8 = _decode_as(file_name, data, "cp1252").encode("utf-8")
    if _has_control_character(utf8):
        # In UTF-8 a byte below 0x80 is always the character itself.
        found = _CONTROL_CHARACTER.search(utf8)
        line = utf8.count(b"\n", 0, found.start()) + 1
        raise UnusableFile(
            f"{file_name} is not a CSV file: line {line} holds binary data (character {found.group()[0]:#04x}). "
            "Upload the CSV or Excel .xlsx file itself."
        )
    return utf8


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the text is UTF-16 without a byte-order mark, else None.

    In UTF-16 every character of a CSV's usual alphabet (letters, digits, delimiters, line ends) is a NUL
    byte beside its code: a sample whose bytes on one side of each pair are mostly NUL, and on the other
    side never, is UTF-16 in that byte order.
    """
    sample = data[:_ENCODING_SAMPLE_BYTES]
    first, second = sample[0::2], sample[1::2]  # the first and second byte of each pair
    pairs = len(second)
    if second.count(0) * 2 > pairs and 0 not in first[:pairs]:
        return "utf-16-le"
    if first[:pairs].count(0) * 2 > pairs and 0 not in second:
        return "utf-16-be"
    return None


def _decode_as(file_name: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnusableFile(
            f"{file_name} is not a CSV file: its bytes are not text in UTF-8 or Windows-1252 (byte "
            f"{exc.start + 1}). Upload the CSV or Excel .xlsx file itself."
        ) from exc


def _has_control_character(data: bytes) -> bool:
    """Whether the text holds a control character other than tab and line breaks: whether anything is
    left once every other byte is deleted."""
    return bool(data.translate(None, _NOT_CONTROL_BYTES))


def _sniff_delimiter(header_line: str) -> str:
    """The delimiter the header line uses most (a comma when it uses none)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_text(file_name: str, utf8: bytes) -> Table:
    body = utf8.lstrip(b"\r\n")
    header_line = utf8.count(b"\n", 0, len(utf8) - len(body)) + 1 if b"\n" in utf8 else 1
    end_of_first = body.find(b"\n")
    first_line = (body if end_of_first < 0 else body[:end_of_first]).rstrip(b"\r").decode("utf-8")
    delimiter = _sniff_delimiter(first_line)
    _check_text_extent(file_name, body, first_line.count(delimiter) + 1)
    # Arrow reads a file without quotes; one whose lines end in CR alone (Excel for Mac) is read the
    # careful way, which knows those line ends.
    arrow_can_read = b'"' not in body and (b"\n" in body or b"\r" not in body)
    if arrow_can_read and any(cell.strip() for cell in first_line.split(delimiter)):
        fast = _read_unquoted(file_name, body, first_line, delimiter, header_line)
        if fast is not None:
            return fast
    rows, lines = _split_records(file_name, body.decode("utf-8"), delimiter, header_line)
    return _table_from_records(file_name, rows, lines, "Line")


def _check_text_extent(file_name: str, body: bytes, columns: int) -> None:
    """Refuse a text file with more lines, columns or cells than the limits, counted on its bytes before
    anything is parsed."""
    if columns > MAX_COLUMNS:
        raise UnusableFile(
            f"The header of {file_name} has {columns:,} columns, over the limit of {MAX_COLUMNS:,} for one upload. "
            "A quarterly return has fewer than 100; check that this is the file you meant to upload."
        )
    line_ends = body.count(b"\n") or body.count(b"\r")  # lines ended by CR alone (Excel for Mac)
    lines = line_ends + (not body.endswith((b"\n", b"\r")))
    if lines > MAX_ROWS:
        raise UnusableFile(
            f"{file_name} has {lines:,} lines, over the limit of {MAX_ROWS:,} for one upload. Split it into "
            "smaller files (for example one per year) and upload each."
        )
    if lines * columns > MAX_CELLS:
        raise UnusableFile(
            f"{file_name} has {lines:,} lines of {columns:,} columns ({lines * columns:,} cells), over the limit "
            f"of {MAX_CELLS:,} cells for one upload. Split it into smaller files (for example one per year) and "
            "upload each."
        )


def _read_unquoted(file_name: str, body: bytes, header_text: str, delimiter: str, header_line: int) -> Table | None:
    """A file without quotes, parsed by Arrow straight into categories; None when a row's width differs."""
    header = [cell.strip() for cell in header_text.split(delimiter)]
    names = [str(i) for i in range(len(header))]
    try:
        parsed = pa_csv.read_csv(
            pa.BufferReader(body),  # the upload's own buffer: no copy of it without its header
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            # Blank lines are read as rows of empty cells, so that rows keep their line numbers; _tidy drops them.
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                # A dictionary per column: each distinct text is kept once, not once per row (a million rows
                # read in a third of the memory), and pandas receives categories.
                column_types={name: pa.dictionary(pa.int32(), pa.large_string()) for name in names},
                strings_can_be_null=False,
                check_utf8=False,  # _as_utf8 made sure of it
            ),
        )
    except pa.ArrowInvalid:
        return None
    cells = parsed.to_pandas()
    lines = np.arange(len(cells), dtype=np.int64) + header_line + 1
    _check_cell_lengths(file_name, header, cells, lines, "Line", header_line)
    return _tidy(header, cells, lines, "Line", [], header_line)


def _split_records(
    file_name: str, body: str, delimiter: str, header_line: int
) -> tuple[list[list[str]], list[int]]:
    """Every record with the line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    rows, lines = [], []
    previous_end = header_line - 1
    cells = 0
    try:
        for row in reader:
            cells += len(row)
            if len(row) > MAX_COLUMNS:
                raise UnusableFile(
                    f"{file_name}: line {previous_end + 1} has {len(row):,} cells, over the limit of {MAX_COLUMNS:,} "
                    "columns for one upload. Check that this is the file you meant to upload."
                )
            if cells > MAX_CELLS:
                raise UnusableFile(
                    f"{file_name} has over {MAX_CELLS:,} cells by line {previous_end + 1}, the limit for one upload. "
                    "Split it into smaller files (for example one per year) and upload each."
                )
            rows.append(row)
            lines.append(previous_end + 1)
            previous_end = reader.line_num + header_line - 1
    except csv.Error as exc:
        line = previous_end + 1
        if _FIELD_LIMIT_ERROR in str(exc):
            raise _long_cell(file_name, "line", line) from exc
        raise UnusableFile(
            f"{file_name}: line {line} cannot be read as CSV ({exc}). A quote (\") probably opens a cell "
            "that never closes; remove it or close it."
        ) from exc
    return rows, lines


def _long_cell(file_name: str, line_label: str, line: int) -> UnusableFile:
    return UnusableFile(
        f"{file_name}: {line_label.lower()} {line} has a cell longer than {MAX_CELL_CHARACTERS:,} characters, the "
        "limit for one cell (Excel's own). Shorten it, or check that this is the file you meant to upload."
    )


def _table_from_records(file_name: str, rows: list[list[str]], lines: list[int], line_label: str) -> Table:
    """Records padded to the header's width; a longer row is a problem (a delimiter inside a cell)."""
    filled = [i for i, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if not filled:
        raise UnusableFile(f"{file_name} holds no figures: every cell is blank.")
    start = filled[0]
    header = [cell.strip() for cell in rows[start]]
    width = len(header)
    problems, kept, kept_lines = [], [], []
    for row, line in zip(rows[start + 1 :], lines[start + 1 :]):
        if len(row) > width:
            problems.append(
                Problem(
                    line, None, None,
                    f"this row has {len(row)} cells but the header has {width} columns; check for a "
                    "delimiter inside a figure or a name (put such cells in quotes)",
                    line_label,
                )
            )
            continue
        kept.append(row + [""] * (width - len(row)))
        kept_lines.append(line)
    columns = list(zip(*kept)) if kept else [()] * width
    cells = pd.DataFrame(
        {str(i): pd.Categorical(column, categories=pd.Index(sorted(set(column)), dtype="str"))
         for i, column in enumerate(columns)}
    )
    kept_lines = np.array(kept_lines, dtype=np.int64)
    _check_cell_lengths(file_name, header, cells, kept_lines, line_label, lines[start])
    return _tidy(header, cells, kept_lines, line_label, problems, lines[start])


def _check_cell_lengths(file_name: str, header: list[str], cells: pd.DataFrame, lines: np.ndarray,
                        line_label: str, header_line: int) -> None:
    """Refuse a cell longer than the limit, naming its line; measured on each column's distinct texts."""
    if any(len(name) > MAX_CELL_CHARACTERS for name in header):
        raise _long_cell(file_name, line_label, header_line)
    for _, column in cells.items():
        too_long = np.flatnonzero(column.cat.categories.str.len() > MAX_CELL_CHARACTERS)
        if len(too_long):
            first_row = np.flatnonzero(np.isin(column.cat.codes.to_numpy(), too_long))[0]
            raise _long_cell(file_name, line_label, int(lines[first_row]))


def _tidy(
    header: list[str], cells: pd.DataFrame, lines: np.ndarray, line_label: str, problems: list[Problem],
    header_line: int,
) -> Table:
    """Strip cells, drop blank rows and blank unnamed columns (Excel leaves both behind)."""
    cells = pd.DataFrame({name: _stripped(column) for name, column in cells.items()})
    unnamed = [i for i, name in enumerate(header) if not name]
    filled = [i for i in unnamed if (cells[str(i)] != "").any()]
    if filled:
        first = filled[0]
        raise UnusableFile(
            f"Column {first + 1} holds figures but has no name in the header ({line_label.lower()} "
            f"{header_line}). Give it the right column name, or delete the column."
        )
    keep = [i for i in range(len(header)) if header[i]]
    if unnamed:
        cells = cells[[str(i) for i in keep]].set_axis([str(i) for i in range(len(keep))], axis=1)
    blank = _blank_rows(cells)
    if blank.any():
        cells, lines = cells[~blank].reset_index(drop=True), lines[~blank]
    return Table(
        header=[header[i] for i in keep],
        cells=cells,
        lines=lines,
        line_label=line_label,
        problems=problems,
        header_line=header_line,
    )


def _stripped(column: pd.Series) -> pd.Series:
    """A column of categories with white space stripped from each distinct text (not from each cell); texts
    that strip to the same one become one category."""
    return column.map(str.strip).astype("category")


def _blank_rows(cells: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty."""
    return (cells == "").all(axis=1).to_numpy(dtype=bool)


def _read_workbook(file_name: str, data: bytes, sheet: str | None) -> Table:
    workbook = _open_workbook(file_name, data)
    try:
        names = workbook.sheet_names
        if sheet is not None and sheet not in names:
            raise UnusableFile(f"{file_name} has no sheet called {shown_name(sheet)}; its sheets are {listed(names)}.")
        chosen = sheet if sheet is not None else names[0]
        cells = workbook.get_sheet_by_name(chosen)
        _check_sheet_extent(file_name, chosen, cells.height, cells.width)
        rows = cells.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as exc:
        if isinstance(exc, UnusableFile):
            raise
        raise unreadable_workbook(file_name, exc) from exc
    records = [[_cell_text(cell) for cell in row] for row in rows]
    if not any(cell.strip() for row in records for cell in row):
        raise UnusableFile(f"The sheet {shown_name(chosen)} of {file_name} is empty.")
    return _table_from_records(file_name, records, list(range(1, len(records) + 1)), "Row")


def _check_sheet_extent(file_name: str, sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet too large to hold as Python texts, before they are made."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise UnusableFile(
            f"The sheet {shown_name(sheet)} of {file_name} has {rows:,} rows and {columns:,} columns, beyond the "
            f"limits of {MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells for one upload. "
            "Delete the empty rows and columns after the figures, or split the sheet, and upload it again."
        )


def _cell_text(cell: object) -> str:
    """A spreadsheet cell as the text a person typed: 12 not 12.0, dates as ISO dates."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < _SHORTEST_FLOAT_WITHOUT_EXPONENT:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, datetime) and cell.time() == time(0):
        return cell.date().isoformat()
    if isinstance(cell, (date, datetime, time)):
        return cell.isoformat()
    if isinstance(cell, timedelta):
        return str(cell)
    return str(cell)


def is_workbook(data: bytes) -> bool:
    return data.startswith(SPREADSHEET_SIGNATURES)


def workbook_sheet_names(file_name: str, data: bytes) -> list[str]:
    """The sheets of a workbook, in order."""
    return list(_open_workbook(file_name, data).sheet_names)


def _open_workbook(file_name: str, data: bytes) -> CalamineWorkbook:
    """The workbook opened by calamine, once its contents are known to be within the limits."""
    if data.startswith(_ZIP_SIGNATURE):
        check_workbook(file_name, data)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError) as exc:
        raise unreadable_workbook(file_name, exc) from exc
