"""Charts of the case review learning tracker: tidy tables in (boards.reviews.summaries), figures out.

Recurrence is shown by a symbol as well as by colour: a theme seen again by ↻ in the matrix and a filled
diamond on the timeline; a theme that came back after its recommendation was signed off by ⚑ in the
matrix and a cross on the timeline, joined to the day of the sign-off. Verdicts use the palette's colours,
marker shapes and text symbols.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from boards.charts.palette import ENGLAND, FONT, NEIGHBOURS, REGION, TEXT, VERDICTS, verdict_style
from boards.compare.sentences import NOT_COMPARED_REASONS, format_value

RECURS = "↻"
AFTER_SIGN_OFF = "⚑"
# Light blues (ColorBrewer Blues), so that black text stays readable on every cell (contrast > 7:1).
MATRIX_SCALE = [[0.0, "#f7fbff"], [0.5, "#c6dbef"], [1.0, "#6baed6"]]
FIRST_FOUND = "#0072B2"
RECURRED = VERDICTS["worse"].colour
SIGNED_OFF = "#6F0000"  # darker than RECURRED, for the recurrences after sign-off
NOT_YET_DUE = "#8A8D8F"
ROW_HEIGHT = 26


def _layout(figure: go.Figure, title: str, height: int, *, legend_below: bool = False, gap: int = 0) -> go.Figure:
    """Title top left; the legend above the plot, ``gap`` pixels higher (above subplot titles), or below it
    where the x axis is on top."""
    top = 90 + gap
    legend = {"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top"} if legend_below else {
        "orientation": "h", "x": 0, "y": 1.0 + gap / (height - top - 10), "yanchor": "bottom"}
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "top", "yref": "container",
               "pad": {"t": 12}},
        font={"family": FONT, "size": 14, "color": TEXT},
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if legend_below else top, "b": 40 if legend_below else 10},
        plot_bgcolor="white",
        legend=legend,
    )
    # Dark labels: the theme's grey ticks are too faint for WCAG contrast.
    for axes in (figure.update_xaxes, figure.update_yaxes):
        axes(tickfont_color=TEXT, title_font_color=TEXT)
    return figure


def theme_matrix_chart(matrix: pd.DataFrame, title: str) -> go.Figure:
    """Partnerships (rows) x themes (columns): the percentage of the partnership's reviews that found the theme
    (so that partnerships of any size compare; the colour bar says it is a percentage), ↻ where it was seen again,
    ⚑ where it came back after its recommendation was signed off."""
    partnerships = list(dict.fromkeys(matrix["partnership_name"]))
    themes = list(dict.fromkeys(matrix["theme"]))
    text = [f"{p:.0f}{' ' + AFTER_SIGN_OFF if a else ' ' + RECURS if r else ''}" if n else ""
            for n, p, r, a in zip(matrix["reviews"], matrix["percent_of_reviews"], matrix["recurrences"],
                                  matrix["after_sign_off"])]
    figure = go.Figure(
        go.Scatter(
            x=matrix["theme"],
            y=matrix["partnership_name"],
            mode="markers+text",
            text=text,
            textfont={"color": TEXT, "size": 13},
            marker={"symbol": "square", "size": 34, "color": matrix["percent_of_reviews"].fillna(0), "cmin": 0,
                    "cmax": 100, "colorscale": MATRIX_SCALE, "line": {"color": "#b1b4b6", "width": 1},
                    "colorbar": {"title": {"text": "% of reviews"}, "thickness": 12, "len": 0.5}},
            customdata=matrix[["reviews", "partnership_reviews", "recurrences", "after_sign_off"]],
            hovertemplate="%{y}<br>%{x}: %{customdata[0]} of %{customdata[1]} review(s), seen again %{customdata[2]} "
                          "time(s), %{customdata[3]} after sign-off<extra></extra>",
            name="Percentage of the partnership's reviews that found the theme",
            showlegend=False,
        )
    )
    # A key of words alone (an invisible marker): the mark is the ↻ in a cell, whose colour is the number of reviews.
    for key in (f"{RECURS} seen again within 3 years of an earlier review",
                f"{AFTER_SIGN_OFF} came back after a recommendation addressing it was signed off"):
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker={"size": 1, "color": "rgba(0,0,0,0)"},
                                    name=key))
    figure.update_xaxes(side="top", tickangle=-35, categoryorder="array", categoryarray=themes, title=None,
                        showgrid=False)
    figure.update_yaxes(categoryorder="array", categoryarray=partnerships[::-1], title=None, showgrid=False)
    return _layout(figure, title, 230 + ROW_HEIGHT * 1.3 * len(partnerships), legend_below=True)


def recurrence_timeline_chart(timeline: pd.DataFrame, themes: list[str], title: str) -> go.Figure:
    """Each theme a row; each review that found it a marker; a recurrence joined to the earlier finding."""
    figure = go.Figure()
    recurring = timeline[timeline["recurs"]]
    links_x, links_y = [], []
    for row in recurring.itertuples():
        links_x += [row.earlier_reviewed_on, row.reviewed_on, None]
        links_y += [row.theme, row.theme, None]
    figure.add_trace(go.Scatter(x=links_x, y=links_y, mode="lines", line={"color": RECURRED, "width": 2},
                                name="Within 3 years of the earlier review", hoverinfo="skip"))
    came_back = timeline[timeline["after_sign_off"]]
    sign_off_x, sign_off_y = [], []
    for row in came_back.itertuples():
        sign_off_x += [row.signed_off_on, row.reviewed_on, None]
        sign_off_y += [row.theme, row.theme, None]
    figure.add_trace(go.Scatter(x=sign_off_x, y=sign_off_y, mode="lines",
                                line={"color": SIGNED_OFF, "width": 3, "dash": "dot"},
                                name="From the sign-off of the recommendation addressing it", hoverinfo="skip"))
    for rows, name, symbol, colour in (
        (timeline[~timeline["recurs"] & ~timeline["after_sign_off"]], "Found (not within 3 years of an earlier review)",
         "circle-open", FIRST_FOUND),
        (recurring[~recurring["after_sign_off"]], f"Found again within 3 years {RECURS}", "diamond", RECURRED),
        (came_back, f"Came back after its recommendation was signed off {AFTER_SIGN_OFF}", "x", SIGNED_OFF),
    ):
        figure.add_trace(go.Scatter(
            x=rows["reviewed_on"], y=rows["theme"], mode="markers", name=name,
            marker={"symbol": symbol, "size": 13, "color": colour, "line": {"width": 2, "color": colour}},
            # Review ids come from uploads: escaped, since Plotly reads HTML tags in hover text.
            customdata=list(zip(rows["review_id"].map(html.escape), rows["kind"], _sign_off_notes(rows))),
            hovertemplate="%{y}<br>%{customdata[0]} (%{customdata[1]}), %{x|%d %b %Y}%{customdata[2]}<extra></extra>",
        ))
    figure.update_yaxes(categoryorder="array", categoryarray=themes[::-1], title=None, showgrid=True,
                        gridcolor="#f3f2f1")
    figure.update_xaxes(title="Date of the review (its rapid review)", showgrid=True, gridcolor="#f3f2f1")
    return _layout(figure, title, 170 + ROW_HEIGHT * len(themes))


def _sign_off_notes(rows: pd.DataFrame) -> list[str]:
    """For a finding that came back after sign-off, which recommendation was signed off and when (escaped ids)."""
    return [f"<br>after recommendation {html.escape(f'{review}-{recommendation}')} was signed off on {day:%d %b %Y}"
            if after else ""
            for after, review, recommendation, day in zip(rows["after_sign_off"], rows["signed_off_review_id"],
                                                            rows["signed_off_recommendation_id"], rows["signed_off_on"])]


def overdue_by_agency_chart(table: pd.DataFrame, title: str) -> go.Figure:
    """Open recommendations by owner agency: overdue (hatched) and not yet due."""
    shown = table[table["open"] > 0].iloc[::-1]
    figure = go.Figure()
    for column, name, colour, pattern in (
        ("overdue", "Overdue", RECURRED, "/"),
        ("not_yet_due", "Open, not yet due", NOT_YET_DUE, ""),
    ):
        figure.add_trace(go.Bar(
            y=shown["agency"], x=shown[column], orientation="h", name=name,
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#ffffff", "bgcolor": colour,
                                                 "solidity": 0.15}},
            text=shown[column].where(shown[column] > 0), textposition="inside", insidetextanchor="middle",
            textfont={"color": TEXT},
            hovertemplate="%{y}: %{x} " + name.lower() + "<extra></extra>",
        ))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title="Open recommendations", showgrid=True, gridcolor="#f3f2f1", rangemode="tozero")
    figure.update_yaxes(title=None)
    return _layout(figure, title, 190 + 34 * max(len(shown), 1))


def review_indicators_chart(rows: pd.DataFrame, title: str) -> go.Figure:
    """One row per indicator: the partnership's value (its verdict's shape, colour and symbol), England, its
    region and the median of its statistical neighbours."""
    titles = [f"{name} (%)" if unit == "percent" else name for name, unit in zip(rows["short_name"], rows["unit"])]
    figure = make_subplots(rows=len(rows), cols=1, subplot_titles=titles, vertical_spacing=0.6 / max(len(rows), 1))
    shown_in_legend: set[str] = set()
    for number, row in enumerate(rows.itertuples(), start=1):
        style = verdict_style(row.flag if pd.notna(row.value) else "no data")
        benchmarks = (("England", row.england, ENGLAND, "line-ns", 28),
                      ("Region", row.region, REGION, "square-open", 12),
                      ("Neighbours (median)", row.neighbour_median, NEIGHBOURS, "diamond-open", 13))
        for name, value, colour, symbol, size in benchmarks:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            figure.add_trace(go.Scatter(
                x=[value], y=[0], mode="markers", name=name, legendgroup=name, showlegend=name not in shown_in_legend,
                marker={"symbol": symbol, "size": size, "color": colour, "line": {"width": 3, "color": colour}},
                hovertemplate=f"{name}: {format_value(value, row.unit, row.decimals)}<extra></extra>",
            ), row=number, col=1)
            shown_in_legend.add(name)
        values = [v for v in (row.value, row.england, row.region, row.neighbour_median) if pd.notna(v)]
        high = 100.0 if row.unit == "percent" else max(values + [4.0]) * 1.25
        if pd.notna(row.value):
            label = f"{style.symbol} {format_value(row.value, row.unit, row.decimals)} {style.label.lower()}"
            colour = style.colour if style.colour != "#FFFFFF" else "#505a5f"  # open markers drawn in grey
            figure.add_trace(go.Scatter(
                x=[row.value], y=[0], mode="markers+text", text=[label],
                textposition="top left" if row.value > 0.6 * high else "top right",
                name="This partnership", legendgroup="mine", showlegend="mine" not in shown_in_legend,
                marker={"symbol": style.marker, "size": 16, "color": colour, "line": {"width": 1.5, "color": colour
                                                                                      if "open" in style.marker
                                                                                      else TEXT}},
                hovertemplate=f"This partnership: {label}<extra></extra>",
            ), row=number, col=1)
            shown_in_legend.add("mine")
        else:
            figure.add_trace(go.Scatter(
                x=[0], y=[1.0], mode="text", text=[f"{style.symbol} {NOT_COMPARED_REASONS.get(row.status, 'no figure')}"],
                textposition="middle right", showlegend=False, hoverinfo="skip",
            ), row=number, col=1)
        figure.update_xaxes(range=[-0.04 * high, high * 1.04], row=number, col=1, showgrid=True, gridcolor="#f3f2f1",
                            zeroline=False)
        figure.update_yaxes(visible=False, range=[-1, 1.6], row=number, col=1)
    figure.update_annotations(font={"size": 14}, xanchor="left", x=0)
    return _layout(figure, title, 150 + 92 * len(rows), gap=30)
