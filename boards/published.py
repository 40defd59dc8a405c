"""Published DfE statistics (EES "tidy" CSVs) turned into observations and benchmarks.

Which columns make an indicator is written in the catalogue (``published_columns``), not here:
a file provides every indicator whose columns it has. Symbols (c, x, z, low, u, :, ~) become a
status with no value, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from boards.catalogue import Indicator
from boards.periods import Period, year_to_march, year_to_september
from boards.reference import Reference, normalise_area_key

ENGLAND_CODE = "E92000001"
# The ONS population file's column, joined by area and mid-year for per-10,000 rates.
POPULATION_TERM = "population_estimate"
# Older files print ":" for "not available" and "~" for "rounds to 0": stored as x and low.
SYMBOL_STATUS = {"c": "c", "x": "x", "z": "z", "low": "low", "u": "u", ":": "x", "~": "low"}
PERIOD_BUILDERS = {"year_to_march": year_to_march, "year_to_september": year_to_september}


@dataclass(frozen=True)
class PublishedFile:
    observations: pd.DataFrame  # OBSERVATION_COLUMNS of the store
    benchmarks: pd.DataFrame  # BENCHMARK_COLUMNS of the store
    periods: list[Period]
    skipped_rows: int  # LA rows for former areas that cannot be mapped one-to-one onto a current area


def read_ees(path: Path) -> pd.DataFrame:
    """An EES tidy CSV as text columns (codes keep their leading zeros; symbols stay symbols)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def parse_cells(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(value, status) for each cell: numbers are ``reported``, symbols keep their meaning."""
    text = raw.fillna("").astype(str).str.strip()
    lowered = text.str.lower()
    status = lowered.map(SYMBOL_STATUS).fillna("reported")
    status = status.where(text != "", "missing")
    value = pd.to_numeric(text.str.replace(",", "", regex=False).where(status == "reported"), errors="coerce")
    return value.astype("float64"), status


def indicators_in_file(columns: set[str], indicators: Mapping[str, Indicator]) -> list[Indicator]:
    """The catalogue indicators whose published columns this file has."""
    found = []
    for indicator in indicators.values():
        formula = indicator.published_formula()
        needed = {c for part in formula.values() for c in part if c != POPULATION_TERM}
        if needed and needed <= columns:
            found.append(indicator)
    return found


def _sum_columns(frame: pd.DataFrame, names: list[str], population: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Sum of the named columns (or the 0-17 population) and the status of the first symbol met."""
    total = pd.Series(0.0, index=frame.index)
    status = pd.Series("reported", index=frame.index)
    for name in names:
        if name == POPULATION_TERM:
            value, part_status = population, population.isna().map({True: "x", False: "reported"})
        else:
            value, part_status = parse_cells(frame[name])
        status = status.where(status != "reported", part_status)
        total = total + value
    return total.where(status == "reported"), status


def _resolve_local_rows(rows: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """Attach ``area_code`` and ``note`` to LA rows; joint returns become one row per LA."""
    alias_codes = ref.aliases.groupby("alias_key")["area_code"].agg(list)
    alias_kinds = ref.aliases.groupby("alias_key")["kind"].first()
    # Some older rows carry only the 3-digit code.
    codes = rows["new_la_code"].where(rows["new_la_code"].str.strip() != "", rows["old_la_code"])
    pieces = []
    for index, code in codes.items():
        parts = [p.strip() for p in str(code).split("/")]
        keys = [normalise_area_key(p) for p in parts]
        if len(parts) > 1:
            targets = [alias_codes.get(k, []) for k in keys]
            if all(len(t) == 1 for t in targets):
                note = f"Joint return for {rows.at[index, 'la_name']}"
                pieces += [(index, t[0], note, True) for t in targets]
            continue
        target = alias_codes.get(keys[0], [])
        if len(target) != 1:
            continue
        kind = alias_kinds.get(keys[0])
        note = f"Reported under former code {code}" if kind == "former_code" else None
        pieces.append((index, target[0], note, False))
    resolved = pd.DataFrame(pieces, columns=["row", "area_code", "note", "joint"]).set_index("row")
    joined = rows.join(resolved, how="inner")
    # Two predecessors merged into one current area in the same year cannot both be its value.
    clash = joined.duplicated(["time_period", "area_code"], keep=False)
    return joined[~clash]


def read_published(
    path: Path,
    indicators: Mapping[str, Indicator],
    ref: Reference,
    national_population: Mapping[tuple[str, int], float],
) -> PublishedFile:
    """Observations for every LA row and benchmarks for the National and Regional rows."""
    frame = read_ees(path)
    provided = indicators_in_file(set(frame.columns), indicators)
    if not provided:
        raise ValueError(f"{path.name}: no catalogue indicator uses the columns of this file")
    local = frame[frame["geographic_level"] == "Local authority"]
    resolved = _resolve_local_rows(local, ref)
    skipped = len(local) - resolved.index.nunique()
    published_population = ref.population.set_index(["area_code", "year"])["population_0_17"]

    observations, benchmarks, periods = [], [], set()
    for indicator in provided:
        build_period = PERIOD_BUILDERS[indicator.period_type]
        formula = indicator.published_formula()
        for scope, rows in (("local", resolved), ("benchmark", frame[frame["geographic_level"] != "Local authority"])):
            if rows.empty:
                continue
            years = rows["time_period"].astype(int)
            # A year to 31 March Y uses the mid-year estimate for Y-1, as DfE's own rates do.
            if scope == "local":
                keys = list(zip(rows["area_code"], years - 1))
                population = pd.Series([published_population.get(k, np.nan) for k in keys], index=rows.index)
                geography = rows["area_code"]
            else:
                geography = rows["region_code"].where(rows["geographic_level"] == "Regional", ENGLAND_CODE)
                keys = list(zip(geography, years - 1))
                population = pd.Series([national_population.get(k, np.nan) for k in keys], index=rows.index)
            numerator, num_status = _sum_columns(rows, formula.get("numerator", []), population)
            denominator, den_status = _sum_columns(rows, formula.get("denominator", []), population)
            if "value" in formula:
                value, status = parse_cells(rows[formula["value"][0]])
            else:
                value = numerator / denominator * indicator.multiplier
                status = num_status.where(num_status != "reported", den_status)
                value = value.where(status == "reported")
            reported = status == "reported"
            result = pd.DataFrame(
                {
                    "indicator_id": indicator.indicator_id,
                    "period_id": [build_period(y).period_id for y in years],
                    "value": value.where(reported),
                    "numerator": numerator.where(reported & (num_status == "reported")),
                    "denominator": denominator.where(reported & (den_status == "reported")),
                    "status": status,
                }
            )
            periods.update(build_period(y) for y in set(years))
            if scope == "local":
                result.insert(0, "area_code", rows["area_code"])
                result["note"] = rows["note"]
                # A joint return's counts belong to both LAs together: keep only the shared rate.
                result.loc[rows["joint"].astype(bool), ["numerator", "denominator"]] = np.nan
                observations.append(result)
            else:
                result.insert(0, "geography_code", geography)
                benchmarks.append(result)

    return PublishedFile(
        observations=pd.concat(observations, ignore_index=True),
        benchmarks=pd.concat(benchmarks, ignore_index=True) if benchmarks else pd.DataFrame(),
        periods=sorted(periods),
        skipped_rows=int(skipped),
    )


def national_population(path: Path) -> dict[tuple[str, int], float]:
    """Population aged 0-17 of England and each region by mid-year, from the ONS file."""
    frame = read_ees(path)
    rows = frame[frame["geographic_level"].isin(["National", "Regional"])]
    codes = rows["region_code"].where(rows["geographic_level"] == "Regional", ENGLAND_CODE)
    values, _ = parse_cells(rows["population_estimate"])
    return dict(zip(zip(codes, rows["time_period"].astype(int)), values))
