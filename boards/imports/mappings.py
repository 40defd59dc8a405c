"""Mappings of DfE Explore Education Statistics (EES) tidy files onto catalogue indicators.

A mapping is a small TOML file (format in ``data/mappings/README.md``): which columns give each
indicator's value, numerator and denominator, how ``time_period`` is read, and optional filters.
The shipped mappings in ``data/mappings/`` recognise the DfE files by their columns; any other
EES file is imported with ``--mapping FILE``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from pathlib import Path

from boards.catalogue import Indicator
from boards.imports.limits import MAX_MAPPING_BYTES, listed, size_text
from boards.imports.problems import UnusableFile
from boards.reference import DATA_DIR

MAPPINGS_DIR = DATA_DIR / "mappings"
# Every EES tidy file has these; LA rows also carry new_la_code, old_la_code and la_name.
EES_COLUMNS = ("time_period", "time_identifier", "geographic_level")
EES_AREA_COLUMNS = ("new_la_code", "old_la_code")
# The ONS mid-year estimate of children aged 0-17 from the reference data, not a file column.
POPULATION_TERM = "population_estimate"
PERIOD_CONVENTIONS = {
    "year_to_march": "year_to_march",
    "year_to_september": "year_to_september",
    "financial_quarter": "quarter",
}
_ROLES = ("value", "numerator", "denominator")
_TOP_LEVEL_KEYS = {"title", "layout", "period", "filters", "indicators"}
# The file a mapping reads: an EES tidy file, or DfE's LAIT benchmarking data set (boards.imports.lait).
LAYOUTS = ("ees", "lait")


@dataclass(frozen=True)
class IndicatorColumns:
    """The file columns that give one indicator; several columns in a role are added up."""

    indicator_id: str
    value: tuple[str, ...]
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]

    def columns(self) -> set[str]:
        return {c for c in (*self.value, *self.numerator, *self.denominator) if c != POPULATION_TERM}


@dataclass(frozen=True)
class Mapping:
    name: str  # the mapping file's name
    title: str
    layout: str  # one of LAYOUTS
    period: str  # one of PERIOD_CONVENTIONS
    filters: dict[str, str]
    indicators: tuple[IndicatorColumns, ...]
    text: bytes  # the file itself, part of an import's content hash

    def columns(self) -> set[str]:
        return set().union(*(i.columns() for i in self.indicators), self.filters)


def normalise_column(name: str) -> str:
    """Header names compared case- and spacing-blind: "Area Code" and "area_code" are one column."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def load_mapping(name: str, text: bytes, indicators: MappingType[str, Indicator]) -> Mapping:
    """A mapping file checked against the catalogue, or UnusableFile listing every problem in it."""
    try:
        raw = tomllib.loads(text.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UnusableFile(f"The mapping {name} is not a valid TOML file: {exc}") from exc
    except RecursionError as exc:  # tomllib reads nested arrays and tables by recursion
        raise UnusableFile(
            f"The mapping {name} nests arrays or tables too deeply to be read; a mapping nests them two deep "
            "(data/mappings/README.md)."
        ) from exc
    problems = [f"unknown setting {key!r}" for key in sorted(set(raw) - _TOP_LEVEL_KEYS)]
    layout = raw.get("layout", "ees")
    if layout not in LAYOUTS:
        problems.append(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    period = raw.get("period")
    if period not in PERIOD_CONVENTIONS:
        problems.append(f"period must be one of {', '.join(PERIOD_CONVENTIONS)}, not {period!r}")
    filters = raw.get("filters", {})
    if not isinstance(filters, dict) or not all(isinstance(v, str) for v in filters.values()):
        problems.append('filters must be a table of column = "value" pairs')
        filters = {}
    entries = raw.get("indicators", {})
    if not isinstance(entries, dict) or not entries:
        problems.append("there is no [indicators.<id>] table")
        entries = {}
    parsed = []
    for indicator_id, roles in entries.items():
        found = _indicator_columns(indicator_id, roles, indicators, PERIOD_CONVENTIONS.get(period), problems)
        if found is not None:
            parsed.append(found)
    if problems:
        raise UnusableFile(f"The mapping {name} cannot be used: {listed(problems, str, '; ')}.")
    return Mapping(
        name=name,
        title=str(raw.get("title", name)),
        layout=layout,
        period=period,
        filters={normalise_column(k): v.strip() for k, v in filters.items()},
        indicators=tuple(parsed),
        text=text,
    )


def _indicator_columns(
    indicator_id: str,
    roles: object,
    indicators: MappingType[str, Indicator],
    period_type: str | None,
    problems: list[str],
) -> IndicatorColumns | None:
    indicator = indicators.get(indicator_id)
    if indicator is None:
        problems.append(f"{indicator_id!r} is not an indicator in the catalogue")
        return None
    if not isinstance(roles, dict) or set(roles) - set(_ROLES):
        problems.append(f"[indicators.{indicator_id}] may only set {', '.join(_ROLES)}")
        return None
    columns = {}
    for role in _ROLES:
        given = roles.get(role, [])
        names = [given] if isinstance(given, str) else given
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            problems.append(f"{indicator_id}.{role} must be a column name or a list of them")
            return None
        columns[role] = tuple(normalise_column(n) for n in names)
    if len(columns["value"]) > 1:
        problems.append(f"{indicator_id}.value must be one column")
    if not columns["value"] and not (columns["numerator"] and columns["denominator"]):
        problems.append(f"{indicator_id} needs a value column, or both numerator and denominator columns")
    if POPULATION_TERM in (*columns["value"], *columns["numerator"]) or (
        POPULATION_TERM in columns["denominator"] and len(columns["denominator"]) > 1
    ):
        problems.append(f"{POPULATION_TERM} can only be a whole denominator")
    if period_type is not None and period_type != indicator.period_type:
        problems.append(
            f'the catalogue gives "{indicator.name}" periods of type {indicator.period_type}, '
            f"which this mapping's period convention does not produce"
        )
    return IndicatorColumns(indicator_id, columns["value"], columns["numerator"], columns["denominator"])


def shipped_mappings(indicators: MappingType[str, Indicator]) -> list[Mapping]:
    """Every mapping in data/mappings/, checked against the catalogue."""
    return [
        load_mapping(path.name, path.read_bytes(), indicators) for path in sorted(MAPPINGS_DIR.glob("*.toml"))
    ]


def is_ees(header: set[str]) -> bool:
    return set(EES_COLUMNS) <= header


def recognise(header: set[str], indicators: MappingType[str, Indicator], layout: str = "ees") -> Mapping | None:
    """The shipped mapping of ``layout`` whose columns this file has (the most specific when several fit); a
    LAIT file's "columns" are the measures it holds."""
    fitting = [m for m in shipped_mappings(indicators) if m.layout == layout and m.columns() <= header]
    return max(fitting, key=lambda m: len(m.columns()), default=None)


def mapping_from_path(path: Path, indicators: MappingType[str, Indicator]) -> Mapping:
    """A mapping given on the command line, refused from its size on disk before it is read."""
    if not path.is_file():
        raise UnusableFile(f"The mapping file {path} does not exist.")
    _check_mapping_size(str(path), path.stat().st_size)
    return load_mapping(path.name, path.read_bytes(), indicators)


def mapping_from_upload(name: str, data: bytes, indicators: MappingType[str, Indicator]) -> Mapping:
    """A mapping uploaded on the Upload page, within the same limit as on the command line."""
    _check_mapping_size(name, len(data))
    return load_mapping(name, data, indicators)


def _check_mapping_size(name: str, size: int) -> None:
    if size > MAX_MAPPING_BYTES:
        raise UnusableFile(
            f"The mapping file {name} is {size_text(size)}, over the {size_text(MAX_MAPPING_BYTES)} "
            "limit for a mapping (the shipped ones are under 1,000 bytes); check that it is the mapping you meant."
        )
