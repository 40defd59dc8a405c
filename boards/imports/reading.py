"""Uploaded bytes to a table of text cells, each row with its line in the file (or row in the sheet).

Text files may be UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text") or
Windows-1252, delimited by commas, semicolons or tabs, with any line endings. Workbooks (.xlsx,
.xlsm, .xls, .ods) are read with python-calamine, first sheet or a named one. Anything else is
refused as an UnusableFile with a sentence saying what was expected.
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
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from python_calamine import CalamineError, CalamineWorkbook

from boards.imports.problems import Problem, UnusableFile

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
# Zip (xlsx, xlsm, ods) and OLE2 (xls) containers.
SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEXT_CONTROLS = (9, 10, 13)  # tab, line feed, carriage return
_NOT_CONTROL_BYTES = bytes(code for code in range(256) if code in _TEXT_CONTROLS or 32 <= code != 127)
_SHORTEST_FLOAT_WITHOUT_EXPONENT = 1e15


@dataclass(frozen=True)
class Table:
    """The header and rows of an upload, every cell as stripped text ("" when blank)."""

    header: list[str]  # column names as written, blank trailing columns dropped
    cells: pd.DataFrame  # one text column per header entry, named by position ("0", "1", ...)
    lines: np.ndarray  # 1-based line in the file (row in the sheet) of each row of ``cells``
    line_label: str  # "Line" for text files, "Row" for spreadsheets
    problems: list[Problem]  # rows that could not be split into the header's columns
    header_line: int


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def read_table(
    file_name: str, data: bytes, *, sheet: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Table:
    """The table an upload holds, or UnusableFile saying why there is none."""
    if len(data) > max_bytes:
        raise UnusableFile(
            f"{file_name} is {size_text(len(data))}, over the {size_text(max_bytes)} limit for one upload. "
            "Split it into smaller files (for example one per year) and upload each."
        )
    if not data or data.isspace():  # as data.strip() == b"", without copying a large upload
        raise UnusableFile(f"{file_name} is empty.")
    if data.startswith(SPREADSHEET_SIGNATURES):
        return _read_workbook(file_name, data, sheet)
    if sheet is not None:
        raise UnusableFile(f'{file_name} is a text file, not an Excel workbook, so it has no sheet "{sheet}".')
    text, utf8 = _decode(file_name, data)
    return _read_text(file_name, text, utf8)


def _decode(file_name: str, data: bytes) -> tuple[str, bytes | None]:
    """The text, and its UTF-8 bytes without a byte-order mark when the upload already was UTF-8."""
    utf8: bytes | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode_as(file_name, data, "utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
            utf8 = data.removeprefix(b"\xef\xbb\xbf")
        except UnicodeDecodeError:
            text = _decode_as(file_name, data, "cp1252")
    if _has_control_character(utf8 if utf8 is not None else text.encode("utf-8")) and (
        found := _CONTROL_CHARACTER.search(text)
    ):
        line = text.count("\n", 0, found.start()) + 1
        raise UnusableFile(
            f"{file_name} is not a CSV file: line {line} holds binary data (character "
            f"{ord(found.group()):#04x}). Upload the CSV or Excel .xlsx file itself."
        )
    return text, utf8


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
    left once every other byte is deleted (bytes.translate, 25 ms for 50 MB)."""
    return bool(data.translate(None, _NOT_CONTROL_BYTES))


def _sniff_delimiter(header_line: str) -> str:
    """The delimiter the header line uses most (a comma when it uses none)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_text(file_name: str, text: str, utf8: bytes | None) -> Table:
    body = text.lstrip("\r\n")
    header_line = text.count("\n", 0, len(text) - len(body)) + 1 if "\n" in text else 1
    end_of_first = body.find("\n")
    first_line = (body if end_of_first < 0 else body[:end_of_first]).rstrip("\r")
    delimiter = _sniff_delimiter(first_line)
    # Arrow reads a file without quotes; one whose lines end in CR alone (Excel for Mac) is read the
    # careful way, which knows those line ends.
    arrow_can_read = '"' not in body and ("\n" in body or "\r" not in body)
    if arrow_can_read and any(cell.strip() for cell in first_line.split(delimiter)):
        fast = _read_unquoted(body, utf8, delimiter, header_line)
        if fast is not None:
            return fast
    rows, lines = _split_records(file_name, body, delimiter, header_line)
    return _table_from_records(file_name, rows, lines, "Line")


def _read_unquoted(body: str, utf8: bytes | None, delimiter: str, header_line: int) -> Table | None:
    """A file without quotes, parsed by Arrow; None when a row's width differs."""
    end_of_header = body.find("\n")
    header_text = body if end_of_header < 0 else body[:end_of_header]
    header = [cell.strip() for cell in header_text.rstrip("\r").split(delimiter)]
    if end_of_header < 0:
        data = b""
    elif utf8 is not None:
        # The same body as bytes, without re-encoding a large upload.
        skipped = len(utf8) - len(utf8.lstrip(b"\r\n"))
        data = utf8[skipped + len(header_text.encode("utf-8")) + 1 :]
    else:
        data = body[end_of_header + 1 :].encode("utf-8")
    names = [str(i) for i in range(len(header))]
    if not data or data.isspace():
        cells = pd.DataFrame({name: pd.Series([], dtype="str") for name in names})
    else:
        try:
            parsed = pa_csv.read_csv(
                io.BytesIO(data),
                read_options=pa_csv.ReadOptions(column_names=names),
                # Blank lines are read as rows of empty cells, so that rows keep their line numbers; _tidy drops them.
                parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False),
                convert_options=pa_csv.ConvertOptions(
                    # large_string is what pandas keeps str columns in: handed over without a copy
                    column_types={name: pa.large_string() for name in names}, strings_can_be_null=False
                ),
            )
        except pa.ArrowInvalid:
            return None
        # Stripped by Arrow before pandas sees the cells: two thirds of the time of str.strip.
        cells = pa.table({name: pc.utf8_trim_whitespace(parsed[name]) for name in names}).to_pandas()
    lines = np.arange(len(cells), dtype=np.int64) + header_line + 1
    return _tidy(header, cells, lines, "Line", [], header_line, stripped=True)


def _split_records(
    file_name: str, body: str, delimiter: str, header_line: int
) -> tuple[list[list[str]], list[int]]:
    """Every record with the line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    rows, lines = [], []
    previous_end = header_line - 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(previous_end + 1)
            previous_end = reader.line_num + header_line - 1
    except csv.Error as exc:
        line = previous_end + 1
        raise UnusableFile(
            f"{file_name}: line {line} cannot be read as CSV ({exc}). A quote (\") probably opens a cell "
            "that never closes; remove it or close it."
        ) from exc
    return rows, lines


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
    names = [str(i) for i in range(width)]
    cells = pd.DataFrame(kept, columns=names, dtype="str") if kept else pd.DataFrame(
        {name: pd.Series([], dtype="str") for name in names}
    )
    return _tidy(header, cells, np.array(kept_lines, dtype=np.int64), line_label, problems, lines[start])


def _tidy(
    header: list[str], cells: pd.DataFrame, lines: np.ndarray, line_label: str, problems: list[Problem],
    header_line: int, *, stripped: bool = False,
) -> Table:
    """Strip cells (unless already ``stripped``), drop blank rows and blank unnamed columns (Excel
    leaves both behind)."""
    if not stripped:
        cells = pd.DataFrame({name: column.str.strip() for name, column in cells.items()})
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


def _blank_rows(cells: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty, a column at a time and only on the rows still blank: after the
    first column there are usually none left to look at."""
    blank = np.ones(len(cells), dtype=bool)
    for _, column in cells.items():
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        candidates = column if len(rows) == len(cells) else column.iloc[rows]
        blank[rows] = (candidates.str.len() == 0).to_numpy(dtype=bool)
    return blank


def _read_workbook(file_name: str, data: bytes, sheet: str | None) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        if sheet is not None and sheet not in names:
            listed = ", ".join(f'"{name}"' for name in names)
            raise UnusableFile(f'{file_name} has no sheet called "{sheet}"; its sheets are {listed}.')
        chosen = sheet if sheet is not None else names[0]
        rows = workbook.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as exc:
        if isinstance(exc, UnusableFile):
            raise
        raise UnusableFile(
            f"{file_name} looks like a spreadsheet but cannot be read ({exc}). Save it again as .xlsx "
            "or CSV and upload that."
        ) from exc
    records = [[_cell_text(cell) for cell in row] for row in rows]
    if not any(cell.strip() for row in records for cell in row):
        raise UnusableFile(f'The sheet "{chosen}" of {file_name} is empty.')
    return _table_from_records(file_name, records, list(range(1, len(records) + 1)), "Row")


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
    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except (CalamineError, ValueError) as exc:
        raise UnusableFile(
            f"{file_name} looks like a spreadsheet but cannot be read ({exc}). Save it again as .xlsx "
            "or CSV and upload that."
        ) from exc
