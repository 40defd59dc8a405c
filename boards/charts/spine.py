"""The spine chart of one partnership (Fingertips style) and its table alternative.

One row per indicator, grouped by domain. England's value is the centre line; the light bar
runs from the worst to the best area and the darker bar covers the middle half of areas; the
partnership is a large marker coloured and shaped by its verdict; its region and the median of
its statistical neighbours are small markers of their own shapes. Positions come from
``boards.compare.spine.spine_rows`` (the Fingertips scaling), so "better" is always on the
right; context indicators run from lowest to highest and are not judged. The partnership's
value and verdict symbol are written at the right-hand end of each row, so the chart reads
without hovering.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from boards.catalogue import DOMAINS
from boards.charts.axes import value_axis_title
from boards.charts.palette import (
    ENGLAND,
    FONT,
    INVENTED_LEGEND,
    INVENTED_MARKER,
    NEIGHBOURS,
    REGION,
    TEXT,
    VERDICTS,
    invented_text,
    verdict_style,
    verdict_text,
)
from boards.compare.sentences import GRADE_NAMES, format_value, status_words
from boards.compare.spine import CENTRE, CONTEXT

RANGE_FILL = "#dfe1e2"  # worst to best area
RANGE_EDGE = "#505a5f"  # outline of the range bar: 3:1 against white (WCAG 1.4.11)
QUARTILE_FILL = "#a8acae"  # middle half of areas
MARKER_EDGE = TEXT
REGION_MARKER = "square"
NEIGHBOURS_MARKER = "star"
ROW_PX = 26
BAR_WIDTH = 0.62

UNIT_WORDS = {
    "percent": "%",
    "per_10k": "per 10,000 children",
    "count": "count",
    "ratio": "ratio",
    "months": "months",
    "grade": "Ofsted grade (1 Outstanding, 4 Inadequate)",
}


def in_domain_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows grouped by domain in the catalogue's domain order, catalogue order within each domain."""
    order = {domain: position for position, domain in enumerate(DOMAINS)}
    position = rows["domain"].astype(str).map(order).fillna(len(order))
    return rows.assign(_domain=position).sort_values("_domain", kind="stable").drop(columns="_domain")


def _layout_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, float]]]:
    """Each indicator's y position (top to bottom, a gap and heading per domain) and the headings."""
    y, positions, headings = 0.0, [], []
    previous = None
    for domain in rows["domain"].astype(str):
        if domain != previous:
            y += 1.4 if previous is not None else 0.6
            headings.append((DOMAINS.get(domain, domain), y - 0.85))
            previous = domain
        positions.append(y)
        y += 1.0
    return rows.assign(y=positions), headings


LABEL_CHAR_PX = 6.6  # a 13-pixel Source Sans character, on average, with room to spare


def _left_margin(labels: pd.Series) -> int:
    """Room for the longest indicator label, as Plotly does not make room for tick labels set as text."""
    return int(max(230, LABEL_CHAR_PX * labels.str.len().max() + 24)) if len(labels) else 230


def _formatted(rows: pd.DataFrame, column: str) -> np.ndarray:
    """A column as a director reads it (31.2%, 519.4 per 10,000, Good), for hover labels."""
    units, decimals = rows["unit"].astype(str), rows["decimals"]
    return np.array([format_value(v, u, int(d)) for v, u, d in zip(rows[column], units, decimals, strict=True)])


def _verdicts(rows: pd.DataFrame) -> list[str]:
    flags, levels = rows["flag"].astype(str), rows["flag_level"].astype(str)
    methods = rows["method"].astype(str) if "method" in rows else pd.Series("", index=rows.index)
    return [verdict_text(flag, level, method) for flag, level, method in zip(flags, levels, methods, strict=True)]


BENCHMARK_WORDS = {"median": "median of areas"}  # England's own figure otherwise (published, or pooled counts)


def _label(row: pd.Series) -> str:
    """'Re-referrals (%) · England 22.6', 'ILACS grade · median of areas Good': the indicator, its unit and the
    centre line's figure (the unit is in the brackets, so the figure goes without it)."""
    # A grade's figure is a word (Good), so its scale need not be spelt out.
    short_name, unit = str(row["short_name"]), str(row["unit"])
    name = short_name if unit == "grade" else value_axis_title(short_name, unit)
    if row["polarity"] == CONTEXT:
        name += " (context)"
    england = row["england"]
    if not np.isfinite(england):
        return name
    figure = (GRADE_NAMES.get(int(round(england)), f"grade {england:.0f}") if row["unit"] == "grade"
              else f"{england:,.{int(row['decimals'])}f}")
    return f"{name} · {BENCHMARK_WORDS.get(str(row['england_basis']), 'England')} {figure}"


def _value_text(value: float, unit: str, decimals: int, flag: str, status: str) -> str:
    """What the right-hand end of a row says: the value and its verdict's symbol, or why there is none ('not
    applicable', 'suppressed'), in words."""
    style = verdict_style(flag)
    if not np.isfinite(value):
        return f"{style.symbol} {status_words(status) if status != 'reported' else style.label.lower()}"
    return f"{format_value(value, unit, decimals)} {style.symbol}"


def spine_chart(rows: pd.DataFrame, *, partnership_name: str, region_name: str, title: str) -> go.Figure:
    """The spine chart of ``rows`` (``boards.compare.spine.spine_rows``), one row per indicator."""
    rows, headings = _layout_rows(in_domain_order(rows).reset_index(drop=True))
    rows["label"] = rows.apply(_label, axis=1)
    shown = ("value", "england", "region", "neighbour_median", "lowest", "highest")
    fmt = {column: _formatted(rows, column) for column in shown}
    traces = []
    ranged = rows[np.isfinite(rows["x_worst"]) & np.isfinite(rows["x_best"])]
    traces.append(
        go.Bar(
            name="Range of areas (worst to best)",
            orientation="h",
            y=ranged["y"],
            base=ranged["x_worst"],
            x=ranged["x_best"] - ranged["x_worst"],
            width=BAR_WIDTH,
            marker={"color": RANGE_FILL, "line": {"color": RANGE_EDGE, "width": 1}},
            customdata=np.stack([fmt["lowest"], fmt["highest"]], axis=-1)[ranged.index] if len(ranged) else None,
            hovertemplate="Areas range from %{customdata[0]} to %{customdata[1]}<extra></extra>",
        )
    )
    quartiles = rows[np.isfinite(rows["x_quartile_worse"]) & np.isfinite(rows["x_quartile_better"])]
    traces.append(
        go.Bar(
            name="Middle half of areas",
            orientation="h",
            y=quartiles["y"],
            base=quartiles["x_quartile_worse"],
            x=quartiles["x_quartile_better"] - quartiles["x_quartile_worse"],
            width=BAR_WIDTH,
            marker={"color": QUARTILE_FILL, "line": {"width": 0}},
            hoverinfo="skip",
        )
    )
    # England's centre line, drawn as a trace so that it has a legend entry.
    top, bottom = -0.3, float(rows["y"].max()) + 0.7 if len(rows) else 1.0
    traces.append(
        go.Scatter(
            name="England, or the median of partnerships where England has no figure (centre line)",
            x=[CENTRE, CENTRE],
            y=[top, bottom],
            mode="lines",
            line={"color": ENGLAND, "width": 2},
            hoverinfo="skip",
        )
    )
    invented = rows["invented"].astype(bool).to_numpy()
    value_words = [value + invented_text(made_up) for value, made_up in zip(fmt["value"], invented, strict=True)]
    hover = np.stack(  # headed by the indicator's name alone: England's figure is a line of its own
        [rows["short_name"].astype(str), value_words, fmt["england"], fmt["region"], fmt["neighbour_median"],
         _verdicts(rows)], axis=-1,
    )
    for flag, style in VERDICTS.items():
        chosen = rows[(rows["flag"].astype(str) == flag) & np.isfinite(rows["x_value"])]
        if chosen.empty:
            continue
        open_marker = style.colour.upper() == "#FFFFFF"  # hollow symbols take the line colour
        traces.append(
            go.Scatter(
                name=f"{partnership_name}: {style.label.lower()}",
                x=chosen["x_value"],
                y=chosen["y"],
                mode="markers",
                marker={
                    "symbol": style.marker,
                    "size": 16,
                    "color": MARKER_EDGE if open_marker else style.colour,
                    "line": {"color": MARKER_EDGE, "width": 2 if open_marker else 1.5},
                },
                customdata=hover[chosen.index],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>" + partnership_name + ": %{customdata[1]} (%{customdata[5]})"
                    "<br>England: %{customdata[2]}<br>Region: %{customdata[3]}"
                    "<br>Neighbours' median: %{customdata[4]}<extra></extra>"
                ),
            )
        )
    marked = rows[invented & np.isfinite(rows["x_value"])]
    if len(marked):
        traces.append(
            go.Scatter(
                name=INVENTED_LEGEND, x=marked["x_value"] + 0.014, y=marked["y"] - 0.3, mode="markers",
                marker=INVENTED_MARKER, hoverinfo="skip",
            )
        )
    for name, column, hover_column, symbol, colour, size in (
        (f"{region_name} (region)", "x_region", 3, REGION_MARKER, REGION, 9),
        ("Statistical neighbours' median", "x_neighbours", 4, NEIGHBOURS_MARKER, NEIGHBOURS, 11),
    ):
        chosen = rows[np.isfinite(rows[column])]
        traces.append(
            go.Scatter(
                name=name,
                x=chosen[column],
                y=chosen["y"],
                mode="markers",
                marker={"symbol": symbol, "size": size, "color": colour, "line": {"color": "#ffffff", "width": 1}},
                customdata=hover[chosen.index],
                hovertemplate=f"<b>%{{customdata[0]}}</b><br>{name}: %{{customdata[{hover_column}]}}<extra></extra>",
            )
        )
    notes = [
        {"x": 1.0, "xref": "paper", "xanchor": "left", "xshift": 8, "y": y, "yref": "y", "showarrow": False,
         "text": _value_text(value, unit, int(decimals), flag, status), "font": {"size": 12, "color": TEXT}}
        for y, value, unit, decimals, flag, status in zip(
            rows["y"], rows["value"], rows["unit"].astype(str), rows["decimals"], rows["flag"].astype(str),
            rows["status"].astype(str), strict=True,
        )
    ]
    notes += [
        {"x": 0, "xref": "paper", "xanchor": "right", "xshift": -8, "y": y, "yref": "y", "showarrow": False,
         "text": f"<b>{heading}</b>", "font": {"size": 13, "color": TEXT}}
        for heading, y in headings
    ]
    notes += [
        {"x": x, "xref": "x", "xanchor": anchor, "y": 0, "yref": "paper", "yanchor": "top", "yshift": -4,
         "showarrow": False, "text": text, "font": {"size": 12, "color": TEXT}}
        for x, text, anchor in ((0.0, "◀ worse (or lower)", "left"), (1.0, "better (or higher) ▶", "right"))
    ]
    height = int(ROW_PX * (bottom - top) + 230)
    layout = dict(
        title={"text": title, "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
               "pad": {"t": 12}, "font": {"color": TEXT}},
        font={"family": FONT, "size": 13, "color": TEXT},
        height=height,
        barmode="overlay",
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        margin={"l": _left_margin(rows["label"]), "r": 150, "t": 140, "b": 60},
        legend={"orientation": "h", "x": 0, "y": 1 - 46 / height, "yref": "container", "yanchor": "top",
                "font": {"size": 12, "color": TEXT}},
        annotations=notes,
        hovermode="closest",
        hoverlabel={"bgcolor": "#ffffff", "font": {"color": TEXT}},
        xaxis={
            "title": {"text": "Position against England (England at the centre; better to the right)",
                      "font": {"color": TEXT}},
            "tickfont": {"color": TEXT},
            "range": [-0.03, 1.03],
            "tickvals": [CENTRE],
            "ticktext": ["England"],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "side": "bottom",
        },
        yaxis={
            "tickvals": rows["y"],
            "ticktext": rows["label"],
            "tickfont": {"color": TEXT},
            "range": [bottom, top - 0.4],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "title": {"text": ""},
        },
    )
    # Traces, annotations and layout go in at once: adding them one by one re-validates the figure each time.
    return go.Figure(data=traces, layout=layout)


def spine_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The chart's table alternative: one row per indicator, the figures at the indicator's decimals."""
    rows = in_domain_order(rows)

    def rounded(column: str) -> list[float]:
        pairs = zip(rows[column], rows["decimals"], strict=True)
        return [round(v, int(d)) if np.isfinite(v) else np.nan for v, d in pairs]

    ranks = zip(rows["rank"], rows["ranked_areas"], strict=True)
    rank = [f"{int(r)} of {int(n)}" if np.isfinite(r) else "" for r, n in ranks]
    return pd.DataFrame(
        {
            "Domain": rows["domain"].astype(str).map(lambda d: DOMAINS.get(d, d)),
            "Indicator": rows["short_name"].astype(str),
            "Period": rows["period_label"].astype(str),
            "Value": rounded("value"),
            "Unit": rows["unit"].astype(str).map(lambda u: UNIT_WORDS.get(u, u)),
            "England": rounded("england"),
            "Region": rounded("region"),
            "Neighbours' median": rounded("neighbour_median"),
            "Rank (1 = best, or highest)": rank,
            # A figure that is not there says why in words ("not applicable", "suppressed").
            "Verdict": [verdict if status == "reported" else f"{verdict}: {status_words(status)}"
                        for verdict, status in zip(_verdicts(rows), rows["status"].astype(str), strict=True)],
        }
    )
