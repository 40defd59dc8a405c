"""Spine chart positions: every indicator of one partnership on a common 0-1 scale, as PHE Fingertips.

A spine chart puts each indicator on its own row: England's value on a centre line, a light bar
from the worst to the best area, a darker bar over the middle half of areas (the inter-quartile
range) and the area itself as a marker. The scaling is the one of PHE's Fingertips profiles
("Technical Guide - Spine Charts", PHE, July 2017, listed at
https://fingertips.phe.org.uk/profile/guidance), as coded in PHE's own R package
``fingertipscharts`` (``spine_rescaler`` in ``R/spine_chart_utils.R``,
https://github.com/ukhsa-collaboration/fingertipscharts):

    d = max(England - lowest, highest - England)        # the extreme furthest from England
    position(v) = (v - (England - d)) / (2 d)            # England at 0.5, one extreme at an edge

so a distance from England means the same on both sides of the centre line, and the extreme
nearer England stops short of its edge. Where lower is better, positions are mirrored
(1 - position) so that better is always on the right. Context indicators are not judged: they
keep lower values on the left and higher on the right ("lowest" and "highest", not "worst" and
"best").

Worked example (the test's): England 37.9, areas from 14.9 to 74.8, quartiles 27.9 and 47.2, the
area 53.5. d = max(23.0, 36.9) = 36.9, so the scale runs from 1.0 to 74.8; higher is better:
lowest 0.188, lower quartile 0.364, England 0.5, upper quartile 0.626, highest 1, the area 0.711.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from boards.compare.engine import ENGLAND_CODE

CENTRE = 0.5
LOWER_BETTER = "lower_better"
CONTEXT = "context"

SPINE_COLUMNS = [
    "indicator_id", "short_name", "domain", "unit", "decimals", "polarity", "period_id", "period_label",
    "status", "value", "england", "england_basis", "region", "neighbour_median", "neighbour_count", "lowest",
    "lower_quartile", "upper_quartile", "highest", "rank", "ranked_areas", "method", "flag", "flag_level", "invented",
    "x_value", "x_region", "x_neighbours", "x_worst", "x_best", "x_quartile_worse", "x_quartile_better",
]


def spine_positions(
    values: np.ndarray | pd.Series | float,
    england: np.ndarray | pd.Series | float,
    lowest: np.ndarray | pd.Series | float,
    highest: np.ndarray | pd.Series | float,
    lower_is_better: np.ndarray | pd.Series | bool = False,
) -> np.ndarray:
    """Positions 0-1 of ``values`` on each row's spine (England at 0.5; better on the right).

    Every argument is a scalar or an array with one entry per row. A row whose areas all share
    England's value has no spread: its finite values sit at the centre.
    """
    values, england, lowest, highest = (np.asarray(a, dtype=float) for a in (values, england, lowest, highest))
    half_width = np.maximum(england - lowest, highest - england)
    with np.errstate(divide="ignore", invalid="ignore"):
        position = np.where(half_width > 0, (values - (england - half_width)) / (2 * half_width), CENTRE)
    position = np.where(np.isfinite(values) & np.isfinite(half_width), position, np.nan)
    return np.where(np.asarray(lower_is_better, dtype=bool), 1 - position, position)


def spine_rows(area_results: pd.DataFrame, benchmarks: pd.DataFrame, partnership_id: str) -> pd.DataFrame:
    """One row per indicator of ``partnership_id`` (catalogue order), its figures and positions.

    ``area_results`` and ``benchmarks`` are a ``Comparison``'s frames. Lowest and highest are
    over the partnerships with a ranked value for the indicator and period; the quartiles are
    England's from ``benchmarks`` (over the same areas). Positions: ``x_value`` (the
    partnership), ``x_region``, ``x_neighbours`` (their median), ``x_worst`` and ``x_best`` (the
    ends of the range; lowest and highest for context indicators), ``x_quartile_worse`` and
    ``x_quartile_better`` (the ends of the inter-quartile range); England is at ``CENTRE``.
    """
    ranked = area_results[area_results["rank"].notna()]
    extremes = ranked.groupby(["indicator_id", "period_id"], observed=True)["value"].agg(lowest="min", highest="max")
    england = benchmarks.loc[
        benchmarks["geography_code"] == ENGLAND_CODE, ["indicator_id", "period_id", "lower_quartile", "upper_quartile"]
    ]
    rows = area_results[area_results["partnership_id"] == partnership_id].copy()
    for column in ("indicator_id", "period_id"):
        rows[column] = rows[column].astype(str)
    extremes = extremes.reset_index().astype({"indicator_id": str, "period_id": str})
    england = england.astype({"indicator_id": str, "period_id": str})
    rows = rows.merge(extremes, on=["indicator_id", "period_id"], how="left")
    rows = rows.merge(england, on=["indicator_id", "period_id"], how="left")

    lower_better = (rows["polarity"].astype(str) == LOWER_BETTER).to_numpy()

    def position(column: str) -> np.ndarray:
        return spine_positions(rows[column], rows["england"], rows["lowest"], rows["highest"], lower_better)

    rows["x_value"] = position("value")
    rows["x_region"] = position("region")
    rows["x_neighbours"] = position("neighbour_median")
    low, high = position("lowest"), position("highest")
    rows["x_worst"], rows["x_best"] = np.fmin(low, high), np.fmax(low, high)
    low, high = position("lower_quartile"), position("upper_quartile")
    rows["x_quartile_worse"], rows["x_quartile_better"] = np.fmin(low, high), np.fmax(low, high)
    return rows[SPINE_COLUMNS].reset_index(drop=True)
