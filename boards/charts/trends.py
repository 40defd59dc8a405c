"""Small multiples of trends: one panel per indicator, the partnership against England, its region
and its statistical neighbours' median, and the table alternative.

Each series has its own colour, line dash and marker shape, so the lines can be told apart
without colour (WCAG 2.2, 1.4.1). Input: ``boards.profile.trend_frame`` (long and tidy).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from boards.charts.axes import value_axis
from boards.charts.palette import (
    AREA,
    ENGLAND,
    FONT,
    INVENTED_LEGEND,
    INVENTED_MARKER,
    NEIGHBOURS,
    REGION,
    TEXT,
    invented_text,
)
from boards.charts.spine import UNIT_WORDS
from boards.compare.sentences import format_value

SERIES = ("partnership", "england", "region", "neighbours")
STYLES = {
    "partnership": {"colour": AREA, "dash": "solid", "marker": "circle", "width": 3},
    "england": {"colour": ENGLAND, "dash": "dash", "marker": "square", "width": 2},
    "region": {"colour": REGION, "dash": "dot", "marker": "diamond", "width": 2},
    "neighbours": {"colour": NEIGHBOURS, "dash": "dashdot", "marker": "triangle-up", "width": 2},
}
PANEL_PX = 250
MAX_TICKS = {True: 4, False: 3}  # period names a panel fits side by side: short ("2024-25") or not ("2025-26 Q3")
AXIS = {"showgrid": True, "gridcolor": "#e5e6e7", "linecolor": "#505a5f", "tickfont": {"color": TEXT}}
AXIS_TITLE_FONT = {"size": 11, "color": TEXT}


def series_names(partnership_name: str, region_name: str) -> dict[str, str]:
    return {
        "partnership": partnership_name,
        "england": "England",
        "region": f"{region_name} (region)",
        "neighbours": "Statistical neighbours' median",
    }


def trend_chart(
    frame: pd.DataFrame, *, partnership_name: str, region_name: str, title: str, columns: int = 3
) -> go.Figure:
    """One panel per indicator of ``frame`` (in its order), each with the four series over time."""
    names = series_names(partnership_name, region_name)
    indicators = list(dict.fromkeys(frame["indicator_id"]))
    first = frame.drop_duplicates("indicator_id").set_index("indicator_id")
    columns = max(1, min(columns, len(indicators)))
    panel_rows = max(1, math.ceil(len(indicators) / columns))
    value_axes = {i: value_axis(frame.loc[frame["indicator_id"] == i, "value"], str(first.at[i, "unit"]))
                  for i in indicators}
    grid = make_subplots(
        rows=panel_rows,
        cols=columns,
        # A panel whose value axis does not start at zero says so under its name.
        subplot_titles=[str(first.at[i, "short_name"]) + _note(value_axes[i].note) for i in indicators],
        horizontal_spacing=0.07,
        vertical_spacing=min(0.3, 0.55 / panel_rows),
    )
    traces, axes = [], {}
    for number, indicator in enumerate(indicators):
        suffix = "" if number == 0 else str(number + 1)  # make_subplots numbers its axes row by row
        unit, decimals = str(first.at[indicator, "unit"]), int(first.at[indicator, "decimals"])
        panel = frame[frame["indicator_id"] == indicator]
        for series in SERIES:
            points = panel[panel["series"] == series]
            style = STYLES[series]
            traces.append(
                go.Scatter(
                    name=names[series],
                    legendgroup=series,
                    showlegend=number == 0,
                    x=pd.to_datetime(points["end_date"]),
                    y=points["value"],
                    mode="lines+markers",
                    line={"color": style["colour"], "dash": style["dash"], "width": style["width"]},
                    marker={"symbol": style["marker"], "size": 8, "color": style["colour"]},
                    customdata=[
                        [label, format_value(v, unit, decimals) + invented_text(series == "partnership" and made_up)]
                        for label, v, made_up in zip(
                            points["period_label"], points["value"], points["invented"].astype(bool), strict=True
                        )
                    ],
                    hovertemplate=names[series] + ", %{customdata[0]}: %{customdata[1]}<extra></extra>",
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                )
            )
        marked = panel[(panel["series"] == "partnership") & panel["invented"].astype(bool) & panel["value"].notna()]
        if len(marked):
            traces.append(
                go.Scatter(
                    name=INVENTED_LEGEND, legendgroup="invented", showlegend=not any(
                        trace.name == INVENTED_LEGEND for trace in traces),
                    x=pd.to_datetime(marked["end_date"]), y=marked["value"], mode="markers",
                    marker={**INVENTED_MARKER, "size": 10}, hoverinfo="skip", xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                )
            )
        unit_title = "grade" if unit == "grade" else UNIT_WORDS.get(unit, unit)
        axes[f"xaxis{suffix}"] = {**AXIS, **_period_ticks(panel), "title": {"text": "Period", "font": AXIS_TITLE_FONT}}
        axes[f"yaxis{suffix}"] = {**AXIS, "title": {"text": unit_title, "font": AXIS_TITLE_FONT}}
        if value_axes[indicator].range is not None:
            axes[f"yaxis{suffix}"]["range"] = value_axes[indicator].range
    # Traces and layout go in at once: adding traces or updating a figure that holds data re-validates it each time.
    height = PANEL_PX * panel_rows + 150
    layout = grid.layout.to_plotly_json()
    for name, settings in axes.items():
        layout[name] = {**layout.get(name, {}), **settings}
    layout.update(
        title={"text": title, "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
               "pad": {"t": 12}, "font": {"color": TEXT}},
        font={"family": FONT, "size": 12, "color": TEXT},
        height=height,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        margin={"l": 60, "r": 40, "t": 120, "b": 50},  # room for the latest period's name under the last panel
        legend={"orientation": "h", "x": 0, "y": 1 - 46 / height, "yref": "container", "yanchor": "top",
                "font": {"color": TEXT}},
        hovermode="closest",
        hoverlabel={"bgcolor": "#ffffff", "font": {"color": TEXT}},
        annotations=[{**title, "font": {"color": TEXT, "size": 13}} for title in layout.get("annotations", [])],
    )
    figure = go.Figure(data=traces, layout=layout)
    return figure


def _note(note: str) -> str:
    """A second, smaller line under a panel's name, when there is something to say."""
    return f'<br><span style="font-size:11px">{note}</span>' if note else ""


def _period_ticks(panel: pd.DataFrame) -> dict:
    """Ticks named as the periods are ("2025-26 Q3", "2024-25", "Sep 2025"), not as calendar months: as many
    as fit side by side (``MAX_TICKS``), evenly spaced back from the latest period."""
    periods = panel.drop_duplicates("end_date").sort_values("end_date")
    names = periods["period_id"].astype(str)
    step = max(1, math.ceil(len(periods) / MAX_TICKS[names.str.len().max() <= len("2024-25")]))
    shown = periods.iloc[::-1].iloc[::step].iloc[::-1]
    return {"tickmode": "array", "tickvals": pd.to_datetime(shown["end_date"]).tolist(),
            "ticktext": shown["period_id"].astype(str).tolist(), "tickangle": 0}


def trend_table(frame: pd.DataFrame, *, partnership_name: str, region_name: str) -> pd.DataFrame:
    """The chart's table alternative: one row per indicator and period, a column per series."""
    names = series_names(partnership_name, region_name)
    rounded = frame.assign(value=[round(v, int(d)) for v, d in zip(frame["value"], frame["decimals"], strict=True)])
    keys = ["indicator_id", "short_name", "period_id", "period_label", "end_date"]
    wide = rounded.pivot(index=keys, columns="series", values="value").reset_index()
    order = {indicator: position for position, indicator in enumerate(dict.fromkeys(frame["indicator_id"]))}
    wide = wide.assign(_order=wide["indicator_id"].map(order)).sort_values(["_order", "end_date"])
    table = wide[["short_name", "period_label", *[s for s in SERIES if s in wide.columns]]]
    return table.rename(columns={"short_name": "Indicator", "period_label": "Period", **names}).reset_index(drop=True)
