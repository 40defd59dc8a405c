"""Text cells to numbers: suppression symbols, thousands separators and percent signs.

A symbol (c, x, z, low, u, :, ~) is a status with no value, never 0. Every number keeps how
precisely it was written (half a unit of its last decimal), which the consistency rule needs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Older DfE files print ":" for "not available" and "~" for "rounds to 0": stored as x and low.
SYMBOL_STATUS = {"c": "c", "x": "x", "z": "z", "low": "low", "u": "u", ":": "x", "~": "low"}
SYMBOLS_TEXT = "c, x, z, low, u, : or ~"
REPORTED, BLANK, INVALID = "reported", "blank", "invalid"
CELL_STATUSES = (REPORTED, BLANK, INVALID, *dict.fromkeys(SYMBOL_STATUS.values()), "missing")
_PLAIN_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)"
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"


def parse_cells(text: pd.Series) -> pd.DataFrame:
    """For each stripped text cell: number, status, half_unit and percent_sign.

    status is ``reported`` for a number, the symbol's status for a symbol, ``blank`` for an
    empty cell and ``invalid`` for anything else; number is NaN unless reported. Each distinct
    text is parsed once: a million cells of a return hold a few thousand different figures.
    """
    cells = text.astype("category")  # as they are, when read from an upload (boards.imports.reading)
    codes = cells.cat.codes.to_numpy()
    parsed = _parse_distinct(pd.Series(cells.cat.categories, dtype="str"))
    return pd.DataFrame(
        {
            "number": parsed["number"].to_numpy()[codes],
            "status": pd.Categorical.from_codes(parsed["status"].cat.codes.to_numpy()[codes], categories=CELL_STATUSES),
            "half_unit": parsed["half_unit"].to_numpy()[codes],
            "percent_sign": parsed["percent_sign"].to_numpy()[codes],
        },
        index=text.index,
        copy=False,  # a block per column, not the float columns stacked into a copy
    )


def _parse_distinct(text: pd.Series) -> pd.DataFrame:
    """``parse_cells`` of distinct texts."""
    percent_sign = text.str.endswith("%").to_numpy(dtype=bool)
    body = text.where(~percent_sign, text.str[:-1].str.rstrip())
    plain = body.str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool)
    thousands = ~plain & body.str.fullmatch(_THOUSANDS).to_numpy(dtype=bool)
    digits = body.where(~thousands, body.str.replace(",", "", regex=False))
    numeric = plain | thousands

    number = np.full(len(text), np.nan)
    half_unit = np.zeros(len(text))
    if numeric.any():
        written = digits[numeric]
        number[numeric] = written.astype("float64[pyarrow]").to_numpy(dtype=float)
        point = written.str.find(".").to_numpy(dtype=np.int64)
        decimals = np.where(point >= 0, written.str.len().to_numpy(dtype=np.int64) - point - 1, 0)
        half_unit[numeric] = 0.5 * 10.0 ** -decimals

    codes = np.zeros(len(text), dtype=np.int8)  # REPORTED
    others = ~numeric
    if others.any():
        found, spellings = pd.factorize(text[others].str.lower())
        statuses = [BLANK if not s else SYMBOL_STATUS.get(s, INVALID) for s in spellings]
        codes[others] = np.array([CELL_STATUSES.index(s) for s in statuses], dtype=np.int8)[found]
    return pd.DataFrame(
        {
            "number": number,
            "status": pd.Categorical.from_codes(codes, categories=CELL_STATUSES),
            "half_unit": half_unit,
            "percent_sign": percent_sign & numeric,
        }
    )


def not_a_number_reason(text: str) -> str:
    """Why a cell is neither a number nor a symbol, with the likely fix."""
    if "," in text and text.replace(",", "").replace(".", "", 1).lstrip("+-").isdigit():
        return f'"{text}" is not a number: write the decimal point as "." (for example 85.2)'
    return f'"{text}" is not a number or one of the symbols {SYMBOLS_TEXT}'


# Dates as people write them in England, and as reading.py writes spreadsheet dates (ISO). Day
# before month: 04/01/2026 is 4 January.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")
DATE_EXAMPLE = "2026-01-04 or 04/01/2026 (day first) or 4 Jan 2026"
_MIDNIGHT = r"(?:[T ]00:00(?::00(?:\.0+)?)?)$"


def parse_dates(text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(dates, invalid) for stripped text cells: a blank cell is NaT and valid; text that is no date in
    DATE_FORMATS is NaT and invalid."""
    text = text.astype("str").str.replace(_MIDNIGHT, "", regex=True)
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for form in DATE_FORMATS:
        missing = dates.isna() & (text != "")
        if not missing.any():
            break
        dates[missing] = pd.to_datetime(text[missing], format=form, errors="coerce")
    invalid = (dates.isna() & (text != "")).to_numpy(dtype=bool)
    return dates, invalid


def not_a_date_reason(text: str) -> str:
    return f'"{text}" is not a date: write it as {DATE_EXAMPLE}'
