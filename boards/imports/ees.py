"""DfE Explore Education Statistics (EES) tidy files read through a mapping.

Only ``Local authority`` rows are area data; ``National`` and ``Regional`` rows become published
benchmarks. Rows of a former LA that maps onto no single current area are left out and counted:
one split between successors (Cumbria), or predecessors merged in the same year (Bournemouth and
Poole into BCP), whose figures belong to no current area on their own.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping as MappingType

import numpy as np
import pandas as pd

from boards.catalogue import Indicator
from boards.imports.areas import AreaIndex
from boards.imports.cells import REPORTED
from boards.imports.layouts import ROLES, Entries, blank_cells, with_role
from boards.imports.limits import listed
from boards.imports.mappings import (
    EES_AREA_COLUMNS,
    EES_COLUMNS,
    POPULATION_TERM,
    IndicatorColumns,
    Mapping,
    is_ees,
    recognise,
)
from boards.imports.problems import Problem, UnusableFile
from boards.imports.reading import Table
from boards.reference import REFERENCE_DIR

ENGLAND_CODE = "E92000001"
POPULATION_FILE = REFERENCE_DIR / "dfe" / "ons_mid-year_population_estimates_2012_to_2024.csv"
LOCAL_LEVEL = "Local authority"
BENCHMARK_LEVELS = ("National", "Regional")


def ees_entries(
    table: Table, names: list[str], mapping: Mapping, indicators: MappingType[str, Indicator], areas: AreaIndex
) -> Entries:
    """Entries for every mapped indicator of every LA row (``scope`` local) and benchmark row."""
    missing = sorted(mapping.columns() - set(names)) + [c for c in (*EES_AREA_COLUMNS, "region_code") if c not in names]
    if missing:
        raise UnusableFile(_not_for_mapping(set(names), missing, mapping, indicators))
    # Plain text, not categories: codes and periods are combined as text here, and a DfE file holds
    # thousands of rows, not millions.
    cells = table.cells.set_axis(names, axis=1).astype("str").assign(line=table.lines)
    skipped: dict[str, int] = {}
    for column, wanted in mapping.filters.items():
        keep = cells[column] == wanted
        _count(skipped, f"{column} is not {wanted}", int((~keep).sum()))
        cells = cells[keep]
    level = cells["geographic_level"]
    for other, count in level[~level.isin((LOCAL_LEVEL, *BENCHMARK_LEVELS))].value_counts().items():
        _count(skipped, f"{other} rows (only Local authority rows are area data)", int(count))

    local, problems = _resolve_local(cells[level == LOCAL_LEVEL], areas, table.line_label, skipped)
    benchmark = cells[level.isin(BENCHMARK_LEVELS)]
    benchmark = benchmark.assign(
        area_code=benchmark["region_code"].where(benchmark["geographic_level"] == "Regional", ENGLAND_CODE),
        area_note="", joint=False, scope="benchmark",
    )
    rows = pd.concat([local.assign(scope="local"), benchmark], ignore_index=True)
    rows["area_note"] = rows["area_note"].astype("str")
    pieces = [_indicator_entries(rows, columns, mapping.period) for columns in mapping.indicators]
    frame = pd.concat(pieces, ignore_index=True).sort_values(["line", "indicator_id"], kind="stable", ignore_index=True)
    return Entries(frame, "ees", "published", problems, skipped, mapping)


def _not_for_mapping(header: set[str], missing: list[str], mapping: Mapping,
                     indicators: MappingType[str, Indicator]) -> str:
    """Why a file cannot be read through the mapping given, and which mapping would read it, if one is shipped."""
    named = f'the mapping "{mapping.title}" ({mapping.name})'
    if not is_ees(header):
        return (f"This file is not a DfE Explore Education Statistics file (it has no {', '.join(EES_COLUMNS)} "
                f"columns), so {named} cannot read it. A quarterly return needs no mapping.")
    fitting = recognise(header, indicators)
    hint = (f' It has the columns of the shipped mapping "{fitting.title}" ({fitting.name}): use that one.'
            if fitting else " Check that the file is the DfE table that mapping is for, or write a mapping for it "
            "(format in data/mappings/README.md).")
    return f"This file lacks the column(s) {listed(missing, str)} that {named} reads.{hint}"


def _count(skipped: dict[str, int], reason: str, count: int) -> None:
    if count:
        skipped[reason] = skipped.get(reason, 0) + count


def _resolve_local(
    rows: pd.DataFrame, areas: AreaIndex, line_label: str, skipped: dict[str, int]
) -> tuple[pd.DataFrame, list[Problem]]:
    """LA rows with ``area_code``, ``area_note`` and ``joint``; a joint return becomes one row per LA."""
    # Some older rows carry only the 3-digit code.
    code = rows["new_la_code"].where(rows["new_la_code"] != "", rows["old_la_code"])
    column = np.where(rows["new_la_code"] != "", "new_la_code", "old_la_code")
    resolutions = {text: areas.resolve(text) for text in code.unique()}
    problems, pieces, split = [], [], 0
    for index, line, text, written in zip(rows.index, rows["line"], code, column):
        found = resolutions[text]
        if found.split_former_area:
            split += 1
        elif found.error:
            problems.append(Problem(int(line), written, text, found.error, line_label))
        else:
            pieces += [(index, area, found.note or "", found.joint, found.former) for area in found.area_codes]
    _count(skipped, "rows of a former LA split between current areas", split)
    resolved = pd.DataFrame(pieces, columns=["row", "area_code", "area_note", "joint", "former"]).set_index("row")
    joined = rows.join(resolved, how="inner")
    key = ["time_period", "time_identifier", "area_code"]
    clash = joined.duplicated(key, keep=False) & joined.groupby(key)["former"].transform("any")
    _count(skipped, "rows of former LAs merged into one current area in the same year", int(clash.sum()))
    return joined[~clash], problems


def _period_text(rows: pd.DataFrame, convention: str) -> pd.Series:
    """``time_period`` in a form boards.imports.period_forms reads (202526 Q1 -> 2025-26 Q1)."""
    period = rows["time_period"]
    if convention != "financial_quarter":
        return period
    compact = period.str.fullmatch(r"\d{6}")
    period = period.where(~compact, period.str[:4] + "-" + period.str[4:])
    quarter = rows["time_identifier"].str.extract(r"(Q[1-4])\s*$", expand=False).fillna("")
    return (period + " " + quarter).str.strip()


def _indicator_entries(rows: pd.DataFrame, columns: IndicatorColumns, convention: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "line": rows["line"],
            "scope": rows["scope"],
            "area_code": rows["area_code"],
            "area_text": rows["area_code"],
            "area_column": np.where(rows["scope"] == "local", "new_la_code", "geographic_level"),
            "period_text": _period_text(rows, convention),
            "period_column": "time_period",
            "indicator_id": columns.indicator_id,
            "note": rows["area_note"],
            "joint": rows["joint"].astype(bool),
        }
    )
    for role in ROLES:
        names = getattr(columns, role)
        if names == (POPULATION_TERM,):
            # Blank until fill_population, once the period is known.
            frame = with_role(frame, role, blank_cells(len(rows)), POPULATION_TERM)
        else:
            frame = _summed_role(frame, role, rows, names)
    frame["denominator_is_population"] = columns.denominator == (POPULATION_TERM,)
    frame["value_computed"] = not columns.value
    return frame


def _summed_role(frame: pd.DataFrame, role: str, rows: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """Several columns in one role are added up; the first symbol met is the sum's status."""
    if not names:
        return with_role(frame, role, blank_cells(len(rows)), role)
    frame = with_role(frame, role, rows[names[0]], names[0])
    for name in names[1:]:
        part = with_role(pd.DataFrame(index=frame.index), role, rows[name], name)
        reported = frame[f"{role}_status"] == REPORTED
        frame[f"{role}_status"] = frame[f"{role}_status"].where(~reported, part[f"{role}_status"])
        frame[role] = frame[role] + part[role]
        frame[f"{role}_half"] = frame[f"{role}_half"] + part[f"{role}_half"]
        frame[f"{role}_text"] = frame[f"{role}_text"] + " + " + part[f"{role}_text"]
        frame[f"{role}_column"] = " + ".join(names)
    return frame


@functools.cache
def _national_population() -> dict[tuple[str, int], float]:
    """Children aged 0-17 in England and each region by mid-year, from the shipped ONS file."""
    frame = pd.read_csv(POPULATION_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows = frame[frame["geographic_level"].isin(BENCHMARK_LEVELS)]
    codes = rows["region_code"].where(rows["geographic_level"] == "Regional", ENGLAND_CODE)
    values = pd.to_numeric(rows["population_estimate"], errors="coerce")
    return dict(zip(zip(codes, rows["time_period"].astype(int)), values))


def fill_population(frame: pd.DataFrame, area_population: pd.DataFrame) -> pd.DataFrame:
    """Put the ONS 0-17 population of the latest mid-year by each period's end into population denominators.

    A year to 31 March Y takes the mid-Y-1 estimate, as DfE's own rates do; a missing estimate is x.
    """
    wanted = frame["denominator_is_population"].to_numpy(dtype=bool) & frame["period_end"].notna().to_numpy()
    if not wanted.any():
        return frame
    ends = pd.to_datetime(frame.loc[wanted, "period_end"])
    years = np.where(ends.dt.month >= 7, ends.dt.year, ends.dt.year - 1)
    local = area_population.set_index(["area_code", "year"])["population_0_17"].astype(float).to_dict()
    national = _national_population()
    values = [
        (local if scope == "local" else national).get((code, int(year)), np.nan)
        for scope, code, year in zip(frame.loc[wanted, "scope"], frame.loc[wanted, "area_code"], years)
    ]
    frame.loc[wanted, "denominator"] = values
    frame.loc[wanted, "denominator_status"] = np.where(np.isnan(values), "x", REPORTED)
    frame.loc[wanted, "denominator_text"] = [f"{v:.0f}" if not np.isnan(v) else "x" for v in values]
    return frame
