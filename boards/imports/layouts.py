"""The layouts of the project's quarterly template, turned into entries: one row per figure.

- long: ``area_code, period, indicator, value, numerator, denominator, note``, one figure a row;
- wide: ``area_code, period``, one column per indicator id (optionally ``<id>_numerator`` and
  ``<id>_denominator``) and ``note``; a blank cell gives no figure.

DfE EES files are the third layout (boards.imports.ees). Every layout yields the same entry
columns, so that resolution and validation are one mechanism: ``line``, ``area_text``,
``period_text``, ``indicator_id`` and ``note``, the header names of the cells (``area_column``,
``period_column``), and for each role (value, numerator, denominator) its number, status
(boards.imports.cells), precision (``_half``), text and column name.

The template's example row carries the note ``EXAMPLE_NOTE``; ``is_example_note`` finds it, so
that the import refuses the row rather than taking it for the example area's figures.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from boards.catalogue import Indicator
from boards.imports.cells import parse_cells
from boards.imports.limits import listed, shown_name
from boards.imports.mappings import Mapping, normalise_column
from boards.imports.problems import Problem, UnusableFile
from boards.imports.reading import Table

LONG_COLUMNS = ("area_code", "period", "indicator", "value", "numerator", "denominator", "note")
LONG_REQUIRED = ("area_code", "period", "indicator", "value")
WIDE_FIXED = ("area_code", "period", "note")
COUNT_SUFFIXES = ("numerator", "denominator")
HEADER_SYNONYMS = {"area": "area_code", "la_code": "area_code", "indicator_id": "indicator", "period_id": "period"}
ROLES = ("value", "numerator", "denominator")
# The note of the template's example row: a row whose note says so is refused, whoever uploads it, so that
# an example left in never overwrites the example area's figures.
EXAMPLE_NOTE = "EXAMPLE - delete this row"
EXAMPLE_ROW_REASON = (
    f'this is the template\'s example row (its note says "{EXAMPLE_NOTE}"), not a figure: delete the row and '
    "write your own figures"
)


@dataclass
class Entries:
    """Figures read from an upload, before their areas and periods are resolved."""

    frame: pd.DataFrame  # the entry columns (EES adds the resolved area and benchmark columns)
    layout: str  # long, wide or ees
    source: str  # local for the template, published for DfE files
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # rows left out on purpose, by reason
    mapping: Mapping | None = None


def is_example_note(notes: pd.Series) -> np.ndarray:
    """Which notes mark the template's example row: "EXAMPLE - delete this row" in any case, spacing or
    punctuation. Each distinct note is looked at once (a file's notes are mostly blank)."""
    codes, distinct = pd.factorize(notes.astype("str"))
    marked = np.array([_words(note).startswith(_EXAMPLE_WORDS) for note in distinct] + [False], dtype=bool)
    return marked[codes]


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split())


_EXAMPLE_WORDS = _words(EXAMPLE_NOTE)


def header_names(table: Table) -> list[str]:
    """The header normalised (case, spacing, synonyms), refusing a column named twice."""
    names = [normalise_column(name) for name in table.header]
    names = [HEADER_SYNONYMS.get(name, name) for name in names]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise UnusableFile(
                f"The header names the column {shown_name(name)} twice (columns {seen[name]} and {position}); "
                "keep one of them."
            )
        seen[name] = position
    return names


def indicator_keys(indicators: MappingType[str, Indicator]) -> dict[str, str]:
    """Indicator ids, names and short names (normalised) -> indicator id."""
    keys = {}
    for indicator in indicators.values():
        for spelling in (indicator.name, indicator.short_name, indicator.indicator_id):
            keys[normalise_column(spelling)] = indicator.indicator_id
    return keys


def with_role(frame: pd.DataFrame, role: str, text: pd.Series, column: str) -> pd.DataFrame:
    """``frame`` (indexed like ``text``) with the number, status, precision, text and column name of one
    role's cells."""
    parsed = parse_cells(text)
    frame[role] = parsed["number"]
    frame[f"{role}_status"] = parsed["status"]
    frame[f"{role}_half"] = parsed["half_unit"]
    frame[f"{role}_text"] = text
    frame[f"{role}_column"] = same_text(column, len(frame))
    if role == "value":
        frame["value_percent_sign"] = parsed["percent_sign"]
    return frame


def same_text(text: str, length: int) -> pd.Categorical:
    """``text`` in every row, as one category (a column name is the same on every row)."""
    return pd.Categorical.from_codes(np.zeros(length, dtype=np.int8), categories=[text])


def blank_cells(length: int) -> pd.Series:
    return pd.Series("", index=range(length), dtype="str")


def with_guess(name: str, expected: list[str]) -> str:
    """The name quoted, with the expected name it looks like a misspelling of."""
    guess = difflib.get_close_matches(name, expected, n=1, cutoff=0.75)
    return shown_name(name) + (f' (did you mean "{guess[0]}"?)' if guess else "")


def _unknown_column_message(unknown: list[str], expected: list[str], layout: str) -> str:
    hints = listed(unknown, lambda name: with_guess(name, expected))
    return f"The header has column(s) {hints} that the {layout} layout does not have."


def long_entries(table: Table, names: list[str], indicators: MappingType[str, Indicator]) -> Entries:
    missing = [name for name in LONG_REQUIRED if name not in names]
    unknown = [name for name in names if name not in LONG_COLUMNS]
    if missing:
        hints = []
        for name in missing:
            if misspelt := difflib.get_close_matches(name, unknown, n=1, cutoff=0.75):
                hints.append(f' {shown_name(misspelt[0])} looks like a misspelling of "{name}".')
        listed = ", ".join(f'"{name}"' for name in missing)
        raise UnusableFile(
            f"The header has no {listed} column.{''.join(hints)} A return in the long layout has the columns "
            f"{', '.join(LONG_COLUMNS)} (numerator, denominator and note may be left out)."
        )
    if unknown:
        raise UnusableFile(
            _unknown_column_message(unknown, list(LONG_COLUMNS), "long")
            + f" Its columns are {', '.join(LONG_COLUMNS)}."
        )
    written = dict(zip(names, table.header))
    cells = table.cells.set_axis(names, axis=1)

    keys = indicator_keys(indicators)
    # A categorical column maps each distinct spelling once.
    indicator_ids = cells["indicator"].map(lambda spelling: keys.get(normalise_column(spelling)))
    known = indicator_ids.notna().to_numpy()
    problems = [
        Problem(int(line), written["indicator"], text, _unknown_indicator(text, keys), table.line_label)
        for line, text in zip(table.lines[~known], cells["indicator"][~known])
    ]
    cells, indicator_ids = cells[known].reset_index(drop=True), indicator_ids[known].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "line": table.lines[known],
            "area_text": cells["area_code"],
            "area_column": same_text(written["area_code"], len(cells)),
            "period_text": cells["period"],
            "period_column": same_text(written["period"], len(cells)),
            "indicator_id": indicator_ids.astype(str).astype("category"),
            "note": cells["note"] if "note" in cells else blank_cells(len(cells)),
        }
    )
    for role in ROLES:
        text = cells[role] if role in cells else blank_cells(len(cells))
        frame = with_role(frame, role, text, written.get(role, role))
    return Entries(frame, "long", "local", problems)


def _unknown_indicator(text: str, keys: dict[str, str]) -> str:
    if not text:
        return "the indicator is blank: give its id from the data dictionary, such as attendance_police"
    reason = f'"{text}" is not an indicator in the catalogue'
    guess = difflib.get_close_matches(normalise_column(text), list(keys), n=1, cutoff=0.75)
    return reason + (f'; did you mean "{keys[guess[0]]}"?' if guess else ": the data dictionary lists them")


def wide_entries(table: Table, names: list[str], indicators: MappingType[str, Indicator]) -> Entries:
    missing = [name for name in ("area_code", "period") if name not in names]
    if missing:
        listed = ", ".join(f'"{name}"' for name in missing)
        raise UnusableFile(
            f"The header has no {listed} column: a return in the wide layout has area_code, period, "
            "one column per indicator id and note."
        )
    keys = indicator_keys(indicators)
    roles: dict[str, dict[str, int]] = {}  # indicator id -> role -> column position
    unknown = []
    for position, name in enumerate(names):
        if name in WIDE_FIXED:
            continue
        base, _, suffix = name.rpartition("_")
        if suffix in COUNT_SUFFIXES and base in keys:
            roles.setdefault(keys[base], {})[suffix] = position
        elif name in keys:
            roles.setdefault(keys[name], {})["value"] = position
        else:
            unknown.append(name)
    if unknown or not roles:
        raise UnusableFile(
            (_unknown_column_message(unknown, list(keys), "wide") if unknown else "The header has no indicator column.")
            + " Each column after area_code and period must be an indicator id from the data dictionary."
        )
    cells = table.cells
    position = {name: i for i, name in enumerate(names)}
    pieces = []
    for indicator_id, columns in roles.items():
        given = np.zeros(len(cells), dtype=bool)
        for column in columns.values():
            given |= (cells[str(column)] != "").to_numpy()
        rows = cells[given].reset_index(drop=True)
        frame = pd.DataFrame(
            {
                "line": table.lines[given],
                "area_text": rows[str(position["area_code"])],
                "area_column": table.header[position["area_code"]],
                "period_text": rows[str(position["period"])],
                "period_column": table.header[position["period"]],
                "indicator_id": indicator_id,
                "note": rows[str(position["note"])] if "note" in position else blank_cells(len(rows)),
            }
        )
        for role in ROLES:
            column = columns.get(role)
            text = rows[str(column)] if column is not None else blank_cells(len(rows))
            label = table.header[column] if column is not None else (
                indicator_id if role == "value" else f"{indicator_id}_{role}"
            )
            frame = with_role(frame, role, text, label)
        pieces.append(frame)
    frame = pd.concat(pieces, ignore_index=True).sort_values("line", kind="stable", ignore_index=True)
    return Entries(frame.astype({"indicator_id": "category"}), "wide", "local")
