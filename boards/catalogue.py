"""The indicator catalogue: what each indicator means, its unit, polarity and source.

The catalogue itself is data (`data/indicators.csv`); this module loads it, checks it and
offers it as typed `Indicator` records and as a DataFrame.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

DOMAINS: dict[str, str] = {
    "demand": "Demand",
    "child_protection": "Child protection",
    "case_reviews": "Case reviews",
    "inspection_audit": "Inspection and audit",
    "workforce": "Workforce",
    "partnership": "Partnership",
}
POLARITIES: tuple[str, ...] = ("higher_better", "lower_better", "context")
UNITS: tuple[str, ...] = ("percent", "per_10k", "count", "ratio", "months", "grade")
FREQUENCIES: tuple[str, ...] = ("quarterly", "annual")
PERIOD_TYPES: tuple[str, ...] = ("quarter", "year_to_march", "year_to_september")
PUBLISHED_KEYS: tuple[str, ...] = ("value", "numerator", "denominator")

CATALOGUE_PATH: Path = Path(__file__).resolve().parent.parent / "data" / "indicators.csv"

_MULTIPLIERS: dict[str, float] = {"percent": 100.0, "per_10k": 10000.0}
_PERIOD_TYPES_BY_FREQUENCY: dict[str, tuple[str, ...]] = {
    "quarterly": ("quarter",),
    "annual": ("year_to_march", "year_to_september"),
}
# A rate or proportion is meaningless without the base it is divided by.
_UNITS_NEEDING_DENOMINATOR: tuple[str, ...] = ("percent", "per_10k", "ratio")
_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_COLUMN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_REQUIRED_TEXT: tuple[str, ...] = (
    "name",
    "short_name",
    "domain",
    "unit",
    "polarity",
    "definition",
    "numerator",
    "multiplier",
    "decimals",
    "frequency",
    "period_type",
    "source",
)


@dataclass(frozen=True)
class Indicator:
    """One catalogue row; optional text and numbers are None when the cell is empty."""

    indicator_id: str
    name: str
    short_name: str
    domain: str
    unit: str
    polarity: str
    definition: str
    numerator: str
    denominator: str | None
    multiplier: float
    min_value: float | None
    max_value: float | None
    decimals: int
    frequency: str
    period_type: str
    source: str
    published_columns: str | None
    england_reference: float | None

    @property
    def judged(self) -> bool:
        """Whether the indicator is scored; context indicators are only shown and benchmarked."""
        return self.polarity != "context"

    def published_formula(self) -> dict[str, list[str]]:
        """The published columns by role, e.g. {'denominator': ['vacancy_fte', 'inpost_fte']}."""
        return _parse_published(self.published_columns or "")


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Indicator))


class CatalogueError(ValueError):
    """The catalogue file is malformed; `problems` lists every problem found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in {path}:\n" + "\n".join(problems))


def _parse_published(text: str) -> dict[str, list[str]]:
    """Parse `value=a;numerator=b;denominator=c+d`; raise ValueError on bad syntax."""
    formula: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, columns = (s.strip() for s in part.partition("="))
        if not sep or key not in PUBLISHED_KEYS:
            raise ValueError(f"{part!r} is not one of {', '.join(PUBLISHED_KEYS)} = column")
        if key in formula:
            raise ValueError(f"{key!r} given twice")
        names = [c.strip() for c in columns.split("+")]
        if not all(_COLUMN_NAME.fullmatch(c) for c in names):
            raise ValueError(f"{part!r} has an invalid column name")
        formula[key] = names
    return formula


def _parse_row(cells: dict[str, str], line: int, problems: list[str]) -> Indicator | None:
    """Check one row, appending to `problems`; return the Indicator only if the row is valid."""
    found_before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(f"line {line}, {column}: {message}")

    def number(column: str) -> float | None:
        text = cells[column]
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            problem(column, f"{text!r} is not a number")
            return None

    ident = cells["indicator_id"]
    if not _SNAKE_CASE.fullmatch(ident):
        problem("indicator_id", f"{ident!r} is not snake_case")
    for column in _REQUIRED_TEXT:
        if not cells[column]:
            problem(column, f"missing for {ident!r}")
    for column, allowed in (
        ("domain", tuple(DOMAINS)),
        ("unit", UNITS),
        ("polarity", POLARITIES),
        ("frequency", FREQUENCIES),
        ("period_type", PERIOD_TYPES),
    ):
        value = cells[column]
        if value and value not in allowed:
            problem(column, f"{value!r} is not one of {', '.join(allowed)}")

    unit, frequency, period_type = cells["unit"], cells["frequency"], cells["period_type"]
    multiplier = number("multiplier")
    expected = _MULTIPLIERS.get(unit, 1.0)
    if multiplier is not None and unit in UNITS and multiplier != expected:
        problem("multiplier", f"{cells['multiplier']!r} should be {expected:g} for unit {unit!r}")
    if unit in _UNITS_NEEDING_DENOMINATOR and not cells["denominator"]:
        problem("denominator", f"missing; unit {unit!r} needs one")
    if (
        frequency in FREQUENCIES
        and period_type in PERIOD_TYPES
        and (period_type not in _PERIOD_TYPES_BY_FREQUENCY[frequency])
    ):
        problem("period_type", f"{period_type!r} does not match frequency {frequency!r}")

    low, high = number("min_value"), number("max_value")
    if low is not None and high is not None and low > high:
        problem("min_value", f"{cells['min_value']!r} is above max_value {cells['max_value']!r}")
    reference = number("england_reference")
    if reference is not None and (
        (low is not None and reference < low) or (high is not None and reference > high)
    ):
        value = cells["england_reference"]
        problem("england_reference", f"{value!r} is outside min_value..max_value")

    decimals = cells["decimals"]
    if decimals and not (decimals.isascii() and decimals.isdigit()):
        problem("decimals", f"{decimals!r} is not a whole number >= 0")
    try:
        _parse_published(cells["published_columns"])
    except ValueError as exc:
        problem("published_columns", str(exc))

    if len(problems) > found_before:
        return None
    return Indicator(
        indicator_id=ident,
        name=cells["name"],
        short_name=cells["short_name"],
        domain=cells["domain"],
        unit=unit,
        polarity=cells["polarity"],
        definition=cells["definition"],
        numerator=cells["numerator"],
        denominator=cells["denominator"] or None,
        multiplier=float(cells["multiplier"]),
        min_value=low,
        max_value=high,
        decimals=int(decimals),
        frequency=frequency,
        period_type=period_type,
        source=cells["source"],
        published_columns=cells["published_columns"] or None,
        england_reference=reference,
    )


def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, Indicator]:
    """Load and validate the catalogue, keyed by indicator_id in file order.

    Raises CatalogueError listing every problem (line, column, value), not just the first.
    """
    problems: list[str] = []
    indicators: dict[str, Indicator] = {}
    first_line: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        if tuple(header) != COLUMNS:
            raise CatalogueError(path, [f"line 1: header must be {','.join(COLUMNS)}"])
        end_of_previous = reader.line_num
        for row in reader:
            # A quoted cell may span lines: report the line the record starts on.
            line, end_of_previous = end_of_previous + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                problems.append(f"line {line}: {len(row)} fields, expected {len(COLUMNS)}")
                continue
            cells = {column: cell.strip() for column, cell in zip(COLUMNS, row, strict=True)}
            ident = cells["indicator_id"]
            if ident in first_line:
                problems.append(
                    f"line {line}, indicator_id: duplicate {ident!r}"
                    f" (first on line {first_line[ident]})"
                )
                continue
            first_line[ident] = line
            indicator = _parse_row(cells, line, problems)
            if indicator is not None:
                indicators[ident] = indicator
    if not first_line and not problems:
        problems.append("no indicators")
    if problems:
        raise CatalogueError(path, problems)
    return indicators


def catalogue_frame(indicators: Mapping[str, Indicator]) -> pd.DataFrame:
    """One row per indicator in catalogue order, with exactly the catalogue's columns."""
    frame = pd.DataFrame([asdict(i) for i in indicators.values()], columns=list(COLUMNS))
    return frame.astype(
        {
            "multiplier": "float64",
            "min_value": "float64",
            "max_value": "float64",
            "decimals": "int64",
            "england_reference": "float64",
        }
    )
