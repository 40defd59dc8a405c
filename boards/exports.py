"""Files people download: CSV and Excel cells are neutralised against formula injection.

A spreadsheet treats a cell starting with =, +, - or @ (or a tab or carriage return before one)
as a formula; a name or note uploaded by someone else must never run as one in a reader's Excel.
Such text cells get a leading apostrophe, as OWASP's CSV injection guidance recommends. Numbers
stay numbers (a negative number is not text and is left alone).
"""

from __future__ import annotations

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot be read as spreadsheet formulas."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        neutralised = values.map(_neutralise_cell)
        # A categorical column's new texts are new categories: casting back to its old categories would
        # blank every cell it neutralised.
        categorical = isinstance(values.dtype, pd.CategoricalDtype)
        safe[column] = neutralised.astype("category" if categorical else values.dtype)
    return safe


def _neutralise_cell(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens accented names correctly."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")
