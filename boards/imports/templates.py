"""The downloadable quarterly template (long and wide) and its data dictionary, from the catalogue.

The template covers the indicators of the local quarterly return; the dictionary explains every
column and every catalogue indicator, since any of them may be uploaded.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType

import pandas as pd

from boards.catalogue import Indicator
from boards.exports import to_csv_bytes
from boards.imports.cells import SYMBOLS_TEXT
from boards.imports.layouts import LONG_COLUMNS
from boards.imports.period_forms import EXPECTED
from boards.imports.validation import UNIT_PHRASES, number_text

LOCAL_RETURN_SOURCE = "Local quarterly return"
EXAMPLE_AREA = "E06000001"  # Hartlepool
EXAMPLE_PERIOD = "2025-26 Q1"
EXAMPLE_LONG = {"indicator": "attendance_police", "value": "85.7", "numerator": "6", "denominator": "7"}
_EXAMPLE_BY_UNIT = {"percent": 80.0, "per_10k": 150.0, "count": 2.0}

LAYOUT_COLUMNS = {
    "area_code": (
        "yes",
        "The local authority: its ONS code (E06000001), 3-digit DfE code (805) or name (Hartlepool); "
        "case, spacing, '&' or 'and' and 'City of' do not matter, and former or recoded codes are "
        "accepted. A joint return is written 'A / B' (Kingston upon Thames / Richmond upon Thames): "
        "its rate applies to both LAs, without its counts.",
    ),
    "period": (
        "yes",
        "The period the figure is for: " + "; ".join(EXPECTED.values()) + ". Only periods that have ended.",
    ),
    "indicator": ("yes (long layout)", "The indicator id, from the rows below."),
    "value": (
        "yes, unless numerator and denominator are given",
        "The figure, such as 85.7: percentages from 0 to 100 (a % sign is allowed), thousands "
        f"separators allowed (1,234). Where there is no figure, one of the symbols {SYMBOLS_TEXT}: "
        "c confidential, x not available, z not applicable, low rounds to 0, u low reliability. "
        "A symbol is stored as such, never as 0.",
    ),
    "numerator": ("no", "The count the figure is made from (what is counted), for rates and percentages."),
    "denominator": ("no", "The count it is divided by; the value must match numerator / denominator."),
    "note": ("no", "Anything a reader should know about the figure."),
}
DICTIONARY_COLUMNS = ["column", "required", "name", "description", "unit", "valid_range", "period",
                      "numerator", "denominator"]


def local_return_indicators(indicators: MappingType[str, Indicator]) -> list[Indicator]:
    return [i for i in indicators.values() if i.source == LOCAL_RETURN_SOURCE]


def _example_value(indicator: Indicator) -> str:
    example = indicator.england_reference or _EXAMPLE_BY_UNIT[indicator.unit]
    return f"{example:.{indicator.decimals}f}"


def long_template() -> bytes:
    """The long layout: its header and one example row."""
    example = {"area_code": EXAMPLE_AREA, "period": EXAMPLE_PERIOD, "note": "", **EXAMPLE_LONG}
    return to_csv_bytes(pd.DataFrame([example], columns=list(LONG_COLUMNS)))


def wide_template(indicators: MappingType[str, Indicator]) -> bytes:
    """The wide layout: one column per indicator of the local return, and one example row."""
    chosen = local_return_indicators(indicators)
    example = {"area_code": EXAMPLE_AREA, "period": EXAMPLE_PERIOD, "note": ""}
    example |= {i.indicator_id: _example_value(i) for i in chosen}
    columns = ["area_code", "period", *(i.indicator_id for i in chosen), "note"]
    return to_csv_bytes(pd.DataFrame([example], columns=columns))


def data_dictionary(indicators: MappingType[str, Indicator]) -> bytes:
    """Every column of the template, then every catalogue indicator, in plain words."""
    rows = [
        {"column": column, "required": required, "description": description}
        for column, (required, description) in LAYOUT_COLUMNS.items()
    ]
    for indicator in indicators.values():
        low, high = indicator.min_value, indicator.max_value
        valid = (
            f"{number_text(low)} to {number_text(high)}" if low is not None and high is not None
            else f"{number_text(low)} or more" if low is not None else "any"
        )
        rows.append(
            {
                "column": indicator.indicator_id,
                "required": "no",
                "name": indicator.name,
                "description": indicator.definition,
                "unit": UNIT_PHRASES[indicator.unit],
                "valid_range": valid,
                "period": EXPECTED[indicator.period_type],
                "numerator": indicator.numerator,
                "denominator": indicator.denominator or "",
            }
        )
    return to_csv_bytes(pd.DataFrame(rows, columns=DICTIONARY_COLUMNS).fillna(""))
