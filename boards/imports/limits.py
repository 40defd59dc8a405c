"""How large an upload may be, in bytes and in what it unpacks to; one place for the command line and the pages.

Every limit is far above a real return (a quarterly return of 6,000 rows, a DfE Explore Education
Statistics file of 30,000 rows of 50 columns, the 1,000,000-row file of ``benchmarks/imports.py``) and far
below what would hold the server's memory for minutes: a file over one is refused, with a sentence naming
the limit, before the expensive part of reading it.
"""

from __future__ import annotations

from collections.abc import Callable

# A megabyte of 1,000,000 bytes, as the browser counts the upload limit the Upload page gives its uploader
# (Streamlit's uploader does, except on Windows, where it counts 1,048,576 bytes, as Streamlit's server does
# for server.maxUploadSize in .streamlit/config.toml): the page, the server and the command line refuse the
# same files, and a file the browser lets through over the limit is refused by the core with a sentence.
MEGABYTE = 1_000_000
MAX_UPLOAD_MEGABYTES = 50  # also server.maxUploadSize in .streamlit/config.toml, the server's own cap
MAX_UPLOAD_BYTES = MAX_UPLOAD_MEGABYTES * MEGABYTE
MAX_ROWS = 1_500_000  # lines of a text file, rows of a sheet
MAX_COLUMNS = 1_000
MAX_CELLS = 10_000_000  # rows times columns
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for a cell
MAX_UNPACKED_BYTES = 200 * MEGABYTE  # the parts of a workbook, decompressed
MAX_COMPRESSION_RATIO = 100  # spreadsheet programs' sheets compress about 10 to 1
MAX_MAPPING_BYTES = 100_000  # a --mapping file
NAMES_SHOWN = 5  # a refusal lists this many names (columns, sheets), then says how many more
NAME_CHARACTERS_SHOWN = 60  # and shortens each to this many characters


def size_text(size: int) -> str:
    if size < MEGABYTE:
        return f"{size:,} bytes"
    if size >= 1000 * MEGABYTE:
        return f"{size / 1000 / MEGABYTE:.1f}".removesuffix(".0") + " GB"
    return f"{size / MEGABYTE:.1f}".removesuffix(".0") + " MB"


def shown_name(name: str) -> str:
    """A name from the file, quoted, shortened to NAME_CHARACTERS_SHOWN characters."""
    if len(name) > NAME_CHARACTERS_SHOWN:
        name = name[: NAME_CHARACTERS_SHOWN - 1] + "…"
    return f'"{name}"'


def listed(names: list, describe: Callable = shown_name, separator: str = ", ") -> str:
    """The first NAMES_SHOWN names, each described (quoted and shortened), then how many more:
    '"a", "b", "c", "d", "e" and 3 more'."""
    shown = separator.join(describe(name) for name in names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        return f"{shown} and {len(names) - NAMES_SHOWN:,} more"
    return shown
