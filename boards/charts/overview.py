"""The Overview's charts and the tables that stand in for them.

- ``verdict_matrix``: partnerships (rows, highest concern at the top) by judged indicators
  (columns, grouped by domain), each cell the verdict against England as colour AND shape;
- ``concern_map``: the hex map of England's LAs coloured by their partnership's concern score.

Every point carries its partnership id as ``customdata``, so a click opens the partnership.
Nothing here computes a statistic: verdicts, values and scores are the comparison engine's.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from boards.catalogue import DOMAINS
from boards.charts.hexmap import DIVERGING_SCALE, hex_map, short_labels
from boards.charts.palette import (
    ENGLAND,
    FONT,
    INVENTED_LEGEND,
    INVENTED_MARKER,
    VERDICTS,
    invented_text,
    verdict_label,
    verdict_marker,
    verdict_text,
)
from boards.compare.sentences import format_value

MATRIX_CELL_PX = 24
MATRIX_MARKER_PX = 15
MATRIX_MARGIN = {"l": 190, "r": 20, "t": 252, "b": 20}
DOMAIN_LABEL_SHIFT_PX = 170  # above the slanted indicator names
# Every other domain's name one line higher: a domain of two columns is narrower than its name, and at a phone's
# width on its side (844 pixels) names at one height ran into each other ("Demand" into "Child protection").
DOMAIN_LABEL_STEP_PX = 22
DOMAIN_BAND = "#f3f2f1"  # every other domain's columns shaded, so the groups read at a glance
LEVELS = ("99.8", "95", "")


def matrix_cells(area_results: pd.DataFrame, partnership_ids: list[str]) -> pd.DataFrame:
    """The matrix's cells: judged indicators of ``partnership_ids``, in that order, then by domain.

    Context indicators are never judged, so their columns would say nothing; they are left out.
    """
    judged = area_results[area_results["polarity"].astype(str) != "context"]
    cells = judged[judged["partnership_id"].astype(str).isin(partnership_ids)].copy()
    for column in ("partnership_id", "partnership_name", "indicator_id", "short_name", "domain", "unit", "flag", "flag_level"):
        cells[column] = cells[column].astype(str)
    # Grouped by domain in the catalogue's order of domains, then in catalogue order within each.
    indicators = judged[["indicator_id", "domain"]].astype(str).drop_duplicates("indicator_id")
    domain_place = indicators["domain"].map({domain: place for place, domain in enumerate(DOMAINS)})
    indicators = indicators.assign(domain_place=domain_place.fillna(len(DOMAINS))).sort_values("domain_place", kind="stable")
    indicator_order = dict(zip(indicators["indicator_id"], range(len(indicators))))
    partnership_order = {pid: place for place, pid in enumerate(partnership_ids)}
    cells["row"] = cells["partnership_id"].map(partnership_order)
    cells["column"] = cells["indicator_id"].map(indicator_order)
    return cells.sort_values(["row", "column"], kind="stable").reset_index(drop=True)


def _cell_hover(cells: pd.DataFrame) -> list[str]:
    return [
        f"<b>{name}</b><br>{indicator}: {format_value(value, unit, int(decimals))}{invented_text(invented)}"
        f"<br>England: {format_value(england, unit, int(decimals))}<br>{verdict_text(flag, level, method)}"
        for name, indicator, value, england, unit, decimals, flag, level, method, invented in zip(
            cells["partnership_name"], cells["short_name"], cells["value"], cells["england"], cells["unit"],
            cells["decimals"], cells["flag"], cells["flag_level"], cells["method"].astype(str),
            cells["invented"].astype(bool), strict=True,
        )
    ]


def verdict_matrix(cells: pd.DataFrame, *, title: str) -> go.Figure:
    """One marker per partnership and indicator: the verdict's colour and shape, hollow at 95% only.

    Square-cell heatmaps return no points when clicked in Streamlit, so cells are scatter
    markers on a grid; rows are partnerships in the order of ``cells``, top first.
    """
    rows = cells.drop_duplicates("row").sort_values("row")
    columns = cells.drop_duplicates("column").sort_values("column")
    figure = go.Figure()
    _domain_bands(figure, columns, len(rows))
    for flag in VERDICTS:
        for level in LEVELS:
            group = cells[(cells["flag"] == flag) & (cells["flag_level"] == level)]
            if group.empty:
                continue
            figure.add_trace(
                go.Scatter(
                    x=group["column"], y=group["row"], mode="markers", name=verdict_label(flag, level),
                    marker=verdict_marker(flag, level, size=MATRIX_MARKER_PX),
                    customdata=group[["partnership_id"]].to_numpy(),
                    hovertext=_cell_hover(group), hoverinfo="text",
                )
            )
    invented = cells[cells["invented"].astype(bool)]
    if len(invented):
        figure.add_trace(
            go.Scatter(
                x=invented["column"] + 0.38, y=invented["row"] - 0.3, mode="markers", name=INVENTED_LEGEND,
                marker=INVENTED_MARKER, hoverinfo="skip",
            )
        )
    height = MATRIX_MARGIN["t"] + MATRIX_MARGIN["b"] + MATRIX_CELL_PX * (len(rows) + 1)
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
               "pad": {"t": 10}, "font": {"size": 17}},
        font={"family": FONT, "size": 13, "color": ENGLAND},
        height=height,
        margin=MATRIX_MARGIN,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend={"orientation": "v", "yanchor": "top", "y": 1.0, "x": 1.01, "xanchor": "left",
                "title": {"text": "Verdict against England", "font": {"color": ENGLAND}}},
        hoverlabel={"bgcolor": "#ffffff", "font": {"color": ENGLAND}},
        clickmode="event+select",
        dragmode=False,
        xaxis={
            "title": {"text": ""}, "side": "top", "tickangle": -50, "fixedrange": True, "tickfont": {"color": ENGLAND},
            "tickmode": "array", "tickvals": columns["column"].tolist(), "ticktext": columns["short_name"].tolist(),
            "range": [-0.6, len(columns) - 0.4], "showgrid": False, "zeroline": False,
        },
        yaxis={
            "title": {"text": ""}, "autorange": False, "fixedrange": True, "tickfont": {"color": ENGLAND},
            "tickmode": "array", "tickvals": rows["row"].tolist(), "ticktext": rows["partnership_name"].tolist(),
            "range": [len(rows) - 0.4, -0.6], "showgrid": True, "gridcolor": "#e6e6e6", "zeroline": False,
        },
    )
    return figure


def _domain_bands(figure: go.Figure, columns: pd.DataFrame, row_count: int) -> None:
    """Shade every other domain's columns and name each domain above its columns."""
    for place, (domain, group) in enumerate(columns.groupby("domain", sort=False)):
        start, end = group["column"].min() - 0.5, group["column"].max() + 0.5
        if place % 2 == 0:
            figure.add_shape(
                type="rect", xref="x", yref="y", x0=start, x1=end, y0=-0.6, y1=row_count - 0.4,
                fillcolor=DOMAIN_BAND, line={"width": 0}, layer="below",
            )
        figure.add_annotation(
            x=(start + end) / 2, y=1, xref="x", yref="paper", yshift=DOMAIN_LABEL_SHIFT_PX + DOMAIN_LABEL_STEP_PX * (place % 2),
            text=f"<b>{DOMAINS.get(domain, domain)}</b>", showarrow=False, yanchor="bottom",
            font={"size": 12, "color": ENGLAND},
        )


def matrix_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The matrix as a table: one row per cell, in the chart's order."""
    return pd.DataFrame(
        {
            "Partnership": cells["partnership_name"].to_numpy(),
            "Domain": cells["domain"].map(DOMAINS).to_numpy(),
            "Indicator": cells["short_name"].to_numpy(),
            "Value": cells["value"].to_numpy(),
            "Figure": ["invented" if invented else "real" for invented in cells["invented"].astype(bool)],
            "England": cells["england"].to_numpy(),
            "Verdict": [
                verdict_text(f, lv, m)
                for f, lv, m in zip(cells["flag"], cells["flag_level"], cells["method"].astype(str), strict=True)
            ],
            "Partnership code": cells["partnership_id"].to_numpy(),
            "Indicator code": cells["indicator_id"].to_numpy(),
        }
    )


def _area_hover(areas: pd.DataFrame, total: int) -> pd.Series:
    lines = []
    for name, partnership, rank, score, summary in zip(
        areas["name"], areas["partnership_name"], areas["rank_interval"], areas["score"], areas["summary"], strict=True
    ):
        head = f"<b>{name}</b>" + ("" if partnership == name or pd.isna(partnership) else f"<br>Partnership: {partnership}")
        if pd.isna(score):
            lines.append(head)
        else:
            lines.append(f"{head}<br>Concern score {score:.2f}, rank {rank} of {total}<br>{summary}")
    return pd.Series(lines, index=areas.index)


def concern_map(areas: pd.DataFrame, *, title: str, total: int, highlight: bool) -> go.Figure:
    """Hexes (LAs) coloured by their partnership's concern score; ``in_filter`` outlined when ``highlight``.

    ``areas`` is ``boards.overview.area_concern`` plus a boolean ``in_filter`` column.
    """
    frame = areas.assign(hover=_area_hover(areas, total), label=short_labels(areas["name"]))
    return hex_map(
        frame, value="score", title=title, colour_title="Concern score<br>(above 0 worse)", hover="hover",
        key="partnership_id", highlight="in_filter" if highlight else None, label="label",
        colorscale=DIVERGING_SCALE, midpoint=0.0, midpoint_label="England",
    )


def map_table(areas: pd.DataFrame) -> pd.DataFrame:
    """The map as a table: every LA with its partnership's rank and score, highest concern first."""
    labelled = areas.assign(label=short_labels(areas["name"]))
    ordered = labelled.sort_values(["rank", "name"], kind="stable", na_position="last")
    return pd.DataFrame(
        {
            "Local authority": ordered["name"].to_numpy(),
            "Label on the map": ordered["label"].to_numpy(),
            "Partnership": ordered["partnership_name"].to_numpy(),
            "Rank": ordered["rank"].to_numpy(),
            "Rank (95% interval)": ordered["rank_interval"].to_numpy(),
            "Concern score": ordered["score"].to_numpy(),
            "Summary": ordered["summary"].to_numpy(),
            "In the filter": ordered["in_filter"].to_numpy(),
            "LA code": ordered["area_code"].to_numpy(),
            "Partnership code": ordered["partnership_id"].to_numpy(),
        }
    )
