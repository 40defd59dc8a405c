"""DfE's Local Authority Interactive Tool (LAIT) benchmarking data set, read as an EES file.

LAIT publishes some figures by LA that no EES table carries (assessments completed within 45
working days, child protection plans ceasing after 2 years or more). Its data set is long: one
row per measure (``Short Desc``), year (``Years``) and area (``LA Number``, DfE's 3-digit code),
with the figure in ``Values``. This module turns the measures a mapping names into the wide EES
shape (one column per measure) so that the EES import, its area resolution and its benchmarks
apply unchanged.

The traps (data/reference/PROVENANCE.md): values are text with float noise
(``81.400000000000006``), rounded here to the catalogue's decimals; ``-`` is LAIT's only symbol
for anything missing, suppressed or not applicable, read as ``x`` (not available); aggregates use
DfE's numbers 970 (England), 980-990 (regions, London and Inner and Outer London).
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType

import numpy as np
import pandas as pd

from boards.catalogue import Indicator
from boards.imports.limits import listed
from boards.imports.mappings import Mapping, normalise_column
from boards.imports.problems import UnusableFile
from boards.imports.reading import Table

LAIT_COLUMNS = ("short_desc", "years", "values", "la_number")
LAIT_MISSING = "-"
ENGLAND_NUMBER = "970"
# DfE's numbers for its aggregates in LAIT and the region codes of the same areas.
REGION_NUMBERS = {
    "980": "E12000001", "981": "E12000002", "982": "E12000003", "983": "E12000004", "984": "E12000005",
    "985": "E12000006", "986": "E12000007", "987": "E13000001", "988": "E13000002", "989": "E12000008",
    "990": "E12000009",
}


def is_lait(header: set[str]) -> bool:
    return set(LAIT_COLUMNS) <= header


def lait_measures(table: Table, names: list[str]) -> set[str]:
    """The measures a LAIT file holds, as normalised column names."""
    column = table.cells.iloc[:, names.index("short_desc")].astype("str")
    return {normalise_column(text) for text in column.unique()}


OTHER_MEASURES = "rows of LAIT measures the mapping does not use"


def lait_as_ees(
    table: Table, names: list[str], mapping: Mapping, indicators: MappingType[str, Indicator]
) -> tuple[Table, list[str], int]:
    """The rows of the measures ``mapping`` uses, one EES row per year and area with a column per measure, and
    how many rows of other measures were left out."""
    decimals = {
        column: indicators[entry.indicator_id].decimals
        for entry in mapping.indicators
        for column in entry.columns()
    }
    absent = sorted(set(decimals) - lait_measures(table, names))
    if absent:
        raise UnusableFile(
            f"This LAIT file holds no rows of the measure(s) {listed(absent, str)} that the mapping {mapping.name} uses."
        )
    cells = table.cells.set_axis(names, axis=1)[list(LAIT_COLUMNS)].astype("str").assign(line=table.lines)
    cells["measure"] = cells["short_desc"].map(normalise_column)
    used = cells["measure"].isin(decimals)
    cells = cells[used]
    cells["text"] = _rounded(cells["values"], cells["measure"].map(decimals))
    wide = cells.pivot_table(index=["years", "la_number"], columns="measure", values="text", aggfunc="first")
    lines = cells.groupby(["years", "la_number"])["line"].min().reindex(wide.index)
    wide = wide.reindex(columns=sorted(decimals)).fillna("").reset_index()
    number = wide["la_number"]
    level = np.select(
        [number == ENGLAND_NUMBER, number.isin(list(REGION_NUMBERS))], ["National", "Regional"], "Local authority"
    )
    local = level == "Local authority"
    frame = pd.DataFrame(
        {
            "time_period": wide["years"],
            "time_identifier": "Reporting year",
            "geographic_level": level,
            "region_code": number.map(REGION_NUMBERS).fillna(""),
            "new_la_code": "",
            "old_la_code": np.where(local, number, ""),
        }
    )
    frame = pd.concat([frame, wide[sorted(decimals)]], axis=1)
    header = list(frame.columns)
    converted = Table(
        header=header,
        cells=frame.set_axis([str(i) for i in range(len(header))], axis=1),
        lines=lines.to_numpy(),
        line_label=table.line_label,
        problems=table.problems,
        header_line=table.header_line,
    )
    return converted, header, int((~used).sum())


def _rounded(values: pd.Series, decimals: pd.Series) -> pd.Series:
    """Each figure at the catalogue's decimals (LAIT's float noise gone), ``-`` as ``x``, other text as written."""
    number = pd.to_numeric(values, errors="coerce")
    text = [
        f"{value:.{int(places)}f}" if np.isfinite(value) else original
        for value, places, original in zip(number, decimals, values)
    ]
    return pd.Series(text, index=values.index).where(values != LAIT_MISSING, "x")
