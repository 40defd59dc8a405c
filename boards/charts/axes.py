"""Value axes drawn the same way on every chart: the unit in the title, and a range that says when it does not
start at zero.

A line chart may start its value axis above zero to show change that would be a flat line from zero, but
the reader must be told, or a small change looks large (ONS Data Visualisation guidance: "Axes and
gridlines"; GSS "Data visualisation: charts", which asks for a truncated axis to be pointed out). So the range
is chosen here rather than by Plotly: from zero when the lowest value is within the lower third of the
highest (little room is lost), else from just below the lowest value, and ``ValueAxis.note`` says so.
Grades have no zero (1 Outstanding to 4 Inadequate) and axes that run below zero show it: neither needs a note.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AXIS_UNITS = {"percent": "%", "per_10k": "per 10,000", "months": "months", "grade": "1 = Outstanding, 4 = Inadequate"}
ZERO_WITHIN = 1 / 3  # start at zero when the lowest value is at most this share of the highest
PADDING = 0.06  # of the values' span, either side


def value_axis_title(short_name: str, unit: str) -> str:
    """'Re-referrals (%)', 'Caseload', 'Months since inspection': an indicator's name with its unit, unless the
    name already says it."""
    words = AXIS_UNITS.get(unit)
    if words is None or (unit == "per_10k" and "per 10k" in short_name) or words.lower() in short_name.lower():
        return short_name
    return f"{short_name} ({words})"


@dataclass(frozen=True)
class ValueAxis:
    range: list[float] | None  # None: Plotly's own (nothing to draw, or grades)
    note: str  # '' or 'axis starts at 55, not 0'


def value_axis(values, unit: str) -> ValueAxis:
    """The range of a value axis that shows ``values`` (any array-like; NaN ignored), and what to say about it."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if unit == "grade" or finite.size == 0:
        return ValueAxis(None, "")
    low, high = float(finite.min()), float(finite.max())
    span = high - low if high > low else max(abs(high), 1.0)
    padding = span * PADDING
    if low < 0:
        return ValueAxis([low - padding, high + padding], "")
    if low <= high * ZERO_WITHIN:
        return ValueAxis([0.0, high + padding], "")
    # The start is rounded down to a round number (55, not 55.34) at a tenth or so of the span, so that the
    # note names a number a reader can find on the axis.
    power = int(np.floor(np.log10(span / 2)))
    step = 10.0**power
    start = max(float(np.floor((low - padding) / step) * step), 0.0)
    return ValueAxis([start, high + padding], f"axis starts at {start:,.{max(0, -power)}f}, not 0")
