"""Charts of one indicator across every partnership, and the tables that stand in for them.

- ``ranked_dot_chart``: every partnership's value with its 95% confidence interval, in rank
  order (best on the left), England (and a region) as lines;
- ``funnel_chart``: value against denominator with the 95% and 99.8% control limits around
  England, from ``Comparison.funnel_curve``;
- ``robust_z_chart``: for indicators with no funnel, each partnership's robust z-score against
  the median of partnerships, with the same two levels;
- ``trend_chart``: England (and a region, and one partnership) over periods, with the middle half
  of areas as a band.

Every point carries its verdict as colour AND marker shape (``palette.py``) and its partnership
id as ``customdata``, so a click can open the partnership. The ``*_table`` functions give each
chart's data as a table with readable column names, for the table alternative and the CSV.
Nothing here computes a statistic: everything comes from the comparison engine.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from boards.charts.axes import AXIS_UNITS, value_axis, value_axis_title
from boards.charts.palette import (
    AREA,
    ENGLAND,
    FONT,
    LIMIT_95,
    LIMIT_998,
    REGION,
    ROBUST_LEVEL_WORDS,
    TEXT,
    VERDICTS,
    invented_text,
    verdict_label,
    verdict_marker,
    verdict_text,
)
from boards.compare.engine import ENGLAND_CODE, ROBUST_LEVELS
from boards.compare.funnel import MIN_AREAS, MIN_DENOMINATOR
from boards.compare.sentences import format_value

POLARITY_WORDS = {
    "lower_better": "Lower is better",
    "higher_better": "Higher is better",
    "context": "Context: shown for information, never judged",
}
UNIT_WORDS = {
    "percent": "Percentage (%)",
    "per_10k": "Rate per 10,000 children aged 0 to 17",
    "count": "Count",
    "ratio": "Ratio (numerator divided by denominator)",
    "months": "Months",
    "grade": "Ofsted grade: 1 Outstanding, 2 Good, 3 Requires improvement, 4 Inadequate",
}
INTERVAL_COLOUR = "#6f777b"  # GOV.UK dark grey: 4.6:1 on white, enough for a graphical object
BAND_COLOUR = "rgba(80, 90, 95, 0.16)"
HEIGHT = 460
NAMED_WORST = 6  # partnerships beyond the 99.8% limit on the bad side named on the funnel, at most


def _value_axis(figure: go.Figure, short_name: str, unit: str, values: list) -> None:
    """The value axis: its title with the unit and, when it does not start at zero, a second line saying so."""
    axis = value_axis(np.concatenate([np.asarray(v, dtype=float).ravel() for v in values]), unit)
    title = value_axis_title(short_name, unit) + (f"<br>{axis.note}" if axis.note else "")
    figure.update_yaxes(title_text=title, **({"range": axis.range} if axis.range else {}))


def headline(results: pd.DataFrame, *, name: str, compared: str, benchmark: str, benchmark_value: str) -> str:
    """One line a director reads first: how many partnerships are worse, better, similar, missing.

    ``results`` are ``area_results`` rows of one indicator; ``benchmark`` is 'England' or 'the
    median of partnerships'. Symbols as well as words, so the counts do not rest on colour.
    """
    flags = results["flag"].astype(str).value_counts()
    opening = f"**{name}** ({compared})"
    if (flags.index == "not judged").all():
        return f"{opening} is context: shown for information, never judged. {_capital(benchmark)} {benchmark_value}."
    strong = int(((results["flag"] == "worse") & (results["flag_level"] == "99.8")).sum())
    if (results["method"] == "grade").all():
        parts = [
            f"**▼ {flags.get('worse', 0)} Inadequate or Requires improvement** (Ofsted's judgement, a concern)",
            f"▲ {flags.get('better', 0)} Outstanding",
            f"● {flags.get('similar', 0)} Good",
        ]
    else:
        parts = [
            f"**▼ {flags.get('worse', 0)} worse** than {benchmark}" + (
                f" ({strong} beyond {'3 robust SDs' if (results['method'] == 'robust').all() else '99.8%'})"
                if strong else ""
            ),
            f"▲ {flags.get('better', 0)} better",
            f"● {flags.get('similar', 0)} similar",
        ]
    if flags.get("did not report", 0):
        parts.append(f"! {flags['did not report']} did not report")
    if flags.get("not compared", 0):
        parts.append(f"○ {flags['not compared']} not compared")
    if flags.get("too few to judge", 0):
        parts.append(f"◌ {flags['too few to judge']} too few to judge")
    return f"{opening}, {benchmark} {benchmark_value}: " + ", ".join(parts) + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def verdict_texts(results: pd.DataFrame) -> list[str]:
    methods = results["method"].astype(str) if "method" in results else pd.Series("", index=results.index)
    return [
        verdict_text(str(f), str(lv), m)
        for f, lv, m in zip(results["flag"], results["flag_level"], methods, strict=True)
    ]


def figure_words(results: pd.DataFrame) -> list[str]:
    """'invented' or 'real' for each row, the table's mark of an invented demo figure."""
    return ["invented" if made_up else "real" for made_up in results["invented"].astype(bool)]


def rank_axis_title(judged: bool) -> str:
    """A judged indicator's partnerships are ranked best first; a context indicator's are in order of value."""
    if judged:
        return "Partnerships in rank order, best on the left (rank 1 = best)"
    return "Partnerships in order of value, highest on the left"


def _flag_groups(frame: pd.DataFrame):
    """(flag, level, invented, rows) for each verdict present, in the palette's order so the legend is stable;
    worse and better split by level, drawn solid beyond 99.8% and hollow beyond 95% only; invented demo
    figures apart from real ones, so that the legend and the hover text say "(invented)"."""
    for flag, level, rows in _verdict_groups(frame):
        invented = rows["invented"].astype(bool)
        for made_up in (False, True):
            if invented.eq(made_up).any():
                yield flag, level, made_up, rows[invented == made_up]


def _verdict_groups(frame: pd.DataFrame):
    """(flag, level, rows) for each verdict present, in the palette's order, worse and better split by level."""
    order = {"99.8": 0, "95": 1}
    for flag in VERDICTS:
        rows = frame[frame["flag"].astype(str) == flag]
        if flag not in ("worse", "better"):
            if len(rows):
                yield flag, "", rows
            continue
        levels = rows["flag_level"].astype(str)
        for level in sorted(levels.unique(), key=lambda lv: order.get(lv, len(order))):
            yield flag, level, rows[levels == level]


def _level_line(name: str, x: tuple[float, float], y: float, colour: str, dash: str, width: float = 1.5) -> go.Scatter:
    return go.Scatter(
        x=list(x), y=[y, y], mode="lines", name=name, hoverinfo="skip",
        line={"color": colour, "dash": dash, "width": width},
    )


def _layout(figure: go.Figure, *, title: str, x_title: str, y_title: str, height: int = HEIGHT) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17, "color": TEXT}},
        font={"family": FONT, "size": 13, "color": TEXT},
        height=height,
        margin={"l": 80, "r": 20, "t": 115, "b": 60},  # room for a y title of two lines
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
        hoverlabel={"bgcolor": "#ffffff", "font": {"color": TEXT}},
        legend_font={"color": TEXT},
    )
    # Explicit colours: Streamlit's chart theme would otherwise grey the axis text below AA contrast.
    axis = {"title_font": {"color": TEXT}, "tickfont": {"color": TEXT}, "linecolor": "#505a5f", "zeroline": False}
    figure.update_xaxes(title_text=x_title, showgrid=False, **axis)
    figure.update_yaxes(title_text=y_title, gridcolor="#e6e6e6", **axis)
    return figure


def _in_rank_order(results: pd.DataFrame) -> pd.DataFrame:
    """Ranked partnerships, best first (ties by name), with their place 1..n along the axis."""
    ranked = results[results["rank"].notna() & results["value"].notna()]
    ranked = ranked.sort_values(["rank", "partnership_name"], kind="stable").reset_index(drop=True)
    return ranked.assign(place=np.arange(1, len(ranked) + 1))


def _highlight(figure: go.Figure, x: float, y: float, name: str, partnership_id: str, *, log_x: bool = False) -> None:
    """Ring the chosen partnership's point and name it (annotations on a log axis take log10 of x)."""
    figure.add_trace(
        go.Scatter(
            x=[x], y=[y], mode="markers", name=f"Chosen: {name}",
            marker={"symbol": "circle-open", "size": 22, "color": AREA, "line": {"width": 3, "color": AREA}},
            customdata=[[partnership_id]], hoverinfo="skip",
        )
    )
    figure.add_annotation(
        x=math.log10(x) if log_x else x, y=y, text=name, showarrow=True, arrowhead=2, arrowcolor=AREA, ax=40, ay=-40,
        font={"color": AREA, "size": 13}, bgcolor="#ffffff", bordercolor=AREA,
    )


# -- the ranked dot chart -------------------------------------------------------------------


def ranked_dot_chart(
    results: pd.DataFrame,
    *,
    title: str,
    short_name: str,
    unit: str,
    decimals: int,
    judged: bool,
    england: float,
    england_label: str = "England",
    region: float | None = None,
    region_label: str | None = None,
    highlight: str | None = None,
) -> go.Figure:
    """Every ranked partnership's value and 95% interval, best on the left; England as a line.

    ``results`` are ``area_results`` rows of one indicator (partnership_id, partnership_name,
    rank, ranked_areas, value, ci_lower_95, ci_upper_95, flag, flag_level). Partnerships with no
    value (did not report, suppressed) have no point; they stay in the table.
    """
    ranked = _in_rank_order(results)
    has_interval = ranked["ci_lower_95"].notna().any()
    figure = go.Figure()
    ends = (0, len(ranked) + 1.5)  # room for the end markers
    england_name = f"{england_label} {format_value(england, unit, decimals)}"
    figure.add_trace(_level_line(england_name, ends, england, ENGLAND, "solid", 2))
    if region is not None and not math.isnan(region):
        region_name = f"{region_label} {format_value(region, unit, decimals)}"
        figure.add_trace(_level_line(region_name, ends, region, REGION, "dash", 2))
    for flag, level, invented, rows in _flag_groups(ranked):
        lower, upper = rows["ci_lower_95"].to_numpy(), rows["ci_upper_95"].to_numpy()
        value = rows["value"].to_numpy()
        interval = [
            f"<br>95% interval {format_value(lo, unit, decimals)} to {format_value(hi, unit, decimals)}"
            if not pd.isna(lo) else ""
            for lo, hi in zip(lower, upper, strict=True)
        ]
        hover = [
            f"<b>{name}</b><br>{format_value(v, unit, decimals)}{invented_text(invented)}{ci}"
            f"<br>Rank {int(rank)} of {int(areas)}"
            f"<br>{verdict_text(flag, str(level))}"
            for name, v, ci, rank, areas, level in zip(
                rows["partnership_name"], value, interval, rows["rank"], rows["ranked_areas"], rows["flag_level"],
                strict=True,
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=rows["place"], y=value, mode="markers", name=verdict_label(flag, level) + invented_text(invented),
                marker=verdict_marker(flag, level, size=9),
                error_y={
                    "type": "data", "symmetric": False, "array": upper - value, "arrayminus": value - lower,
                    "color": INTERVAL_COLOUR, "thickness": 1, "width": 0, "visible": bool(has_interval),
                },
                customdata=rows[["partnership_id"]].to_numpy(),
                hovertext=hover, hoverinfo="text",
            )
        )
    if highlight is not None:
        chosen = ranked[ranked["partnership_id"] == highlight]
        if len(chosen):
            row = chosen.iloc[0]
            _highlight(figure, row["place"], row["value"], row["partnership_name"], highlight)
    _layout(figure, title=title, x_title=rank_axis_title(judged), y_title=value_axis_title(short_name, unit))
    _value_axis(figure, short_name, unit, [ranked["value"], ranked["ci_lower_95"], ranked["ci_upper_95"], [england],
                                           [region if region is not None else np.nan]])
    figure.update_xaxes(range=list(ends), showticklabels=True)
    return figure


def ranked_table(results: pd.DataFrame) -> pd.DataFrame:
    """The ranked chart's table: every partnership (ranked first, best first; the rest after)."""
    ordered = results.assign(_unranked=results["rank"].isna()).sort_values(
        ["_unranked", "rank", "partnership_name"], kind="stable"
    )
    return pd.DataFrame(
        {
            "Rank": ordered["rank"].to_numpy(),
            "Partnership": ordered["partnership_name"].astype(str).to_numpy(),
            "Value": ordered["value"].to_numpy(),
            "95% interval, lower": ordered["ci_lower_95"].to_numpy(),
            "95% interval, upper": ordered["ci_upper_95"].to_numpy(),
            "Figure": figure_words(ordered),
            "Verdict": verdict_texts(ordered),
            "Numerator": ordered["numerator"].to_numpy(),
            "Denominator": ordered["denominator"].to_numpy(),
            "Partnership code": ordered["partnership_id"].astype(str).to_numpy(),
        }
    )


# -- the funnel plot ------------------------------------------------------------------------


def funnel_chart(
    results: pd.DataFrame,
    curve: pd.DataFrame,
    *,
    title: str,
    short_name: str,
    unit: str,
    decimals: int,
    denominator_title: str,
    log_x: bool,
    england_label: str = "England",
    highlight: str | None = None,
) -> go.Figure:
    """Value against denominator, the England target and the 95% and 99.8% limits around it.

    ``results`` are ``area_results`` rows of one indicator (with denominator, value, flag,
    flag_level and the limits at each area's denominator); ``curve`` is
    ``Comparison.funnel_curve`` (denominator, target, lower_95 .. upper_99_8).
    """
    points = results[results["value"].notna() & results["denominator"].notna() & (results["denominator"] > 0)]
    figure = go.Figure()
    x = curve["denominator"]
    target = float(curve["target"].iloc[0])
    for level, colour, dash in (("99.8", LIMIT_998, "dot"), ("95", LIMIT_95, "dash")):
        suffix = level.replace(".", "_")
        for side in ("upper", "lower"):
            figure.add_trace(
                go.Scatter(
                    x=x, y=curve[f"{side}_{suffix}"], mode="lines", name=f"{level}% limits",
                    legendgroup=level, showlegend=side == "upper", hoverinfo="skip",
                    line={"color": colour, "dash": dash, "width": 1.6},
                )
            )
        figure.add_annotation(
            x=math.log10(x.iloc[-1]) if log_x else x.iloc[-1], y=curve[f"upper_{suffix}"].iloc[-1],
            text=f"{level}%", showarrow=False, xanchor="left", font={"color": colour, "size": 12},
        )
    figure.add_trace(
        go.Scatter(
            x=[x.iloc[0], x.iloc[-1]], y=[target, target], mode="lines", hoverinfo="skip",
            name=f"{england_label} {format_value(target, unit, decimals)}",
            line={"color": ENGLAND, "width": 2},
        )
    )
    for flag, level, invented, rows in _flag_groups(points):
        hover = [
            f"<b>{name}</b><br>{format_value(v, unit, decimals)} of {d:,.0f}{invented_text(invented)}"
            f"<br>{verdict_text(flag, str(level))}"
            + (
                f"<br>95% limits {format_value(lo, unit, decimals)} to {format_value(hi, unit, decimals)}"
                if not pd.isna(lo) else ""
            )
            for name, v, d, level, lo, hi in zip(
                rows["partnership_name"], rows["value"], rows["denominator"], rows["flag_level"],
                rows["lower_95"], rows["upper_95"], strict=True,
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=rows["denominator"], y=rows["value"], mode="markers",
                name=verdict_label(flag, level) + invented_text(invented),
                marker=verdict_marker(flag, level, size=9), customdata=rows[["partnership_id"]].to_numpy(),
                hovertext=hover, hoverinfo="text",
            )
        )
    # Name the partnerships most clearly worse, so the weak ones can be read off the chart itself.
    strongest = points[(points["flag"] == "worse") & (points["flag_level"] == "99.8")]
    strongest = strongest[strongest["partnership_id"] != highlight]
    strongest = strongest.assign(_distance=(strongest["funnel_position"] - 0.5).abs()).sort_values(
        ["_distance", "partnership_name"], ascending=[False, True]
    )
    for row in strongest.head(NAMED_WORST).itertuples():
        figure.add_annotation(
            x=math.log10(row.denominator) if log_x else row.denominator, y=row.value, text=row.partnership_name,
            showarrow=False, xanchor="left", xshift=9, font={"size": 12, "color": TEXT},
        )
    if highlight is not None:
        chosen = points[points["partnership_id"] == highlight]
        if len(chosen):
            row = chosen.iloc[0]
            _highlight(figure, row["denominator"], row["value"], row["partnership_name"], highlight, log_x=log_x)
    _layout(
        figure, title=title, x_title=denominator_title + (" (log scale)" if log_x else ""),
        y_title=value_axis_title(short_name, unit), height=HEIGHT + 40,
    )
    limits = [curve[f"{side}_{level}"] for side in ("lower", "upper") for level in ("95", "99_8")]
    _value_axis(figure, short_name, unit, [points["value"], [target], *limits])
    figure.update_layout(margin={"r": 50})
    if log_x:
        figure.update_xaxes(type="log", dtick=1)  # labels at 10, 100, 1000 only
    return figure


def funnel_table(results: pd.DataFrame) -> pd.DataFrame:
    """The funnel's table: each partnership's denominator, value, verdict and its limits."""
    ordered = results.sort_values(["denominator", "partnership_name"], kind="stable")
    return pd.DataFrame(
        {
            "Partnership": ordered["partnership_name"].astype(str).to_numpy(),
            "Denominator": ordered["denominator"].to_numpy(),
            "Value": ordered["value"].to_numpy(),
            "Figure": figure_words(ordered),
            "Verdict": verdict_texts(ordered),
            "95% limit, lower": ordered["lower_95"].to_numpy(),
            "95% limit, upper": ordered["upper_95"].to_numpy(),
            "99.8% limit, lower": ordered["lower_99_8"].to_numpy(),
            "99.8% limit, upper": ordered["upper_99_8"].to_numpy(),
            "Partnership code": ordered["partnership_id"].astype(str).to_numpy(),
        }
    )


def funnel_curve_table(curve: pd.DataFrame) -> pd.DataFrame:
    """The limits as drawn, one row per denominator."""
    return curve.rename(
        columns={
            "denominator": "Denominator",
            "target": "England (target)",
            "lower_95": "95% limit, lower",
            "upper_95": "95% limit, upper",
            "lower_99_8": "99.8% limit, lower",
            "upper_99_8": "99.8% limit, upper",
            "adjustment": "Adjustment for overdispersion",
        }
    )


def overdispersion_sentence(spec: pd.Series, unit: str) -> str:
    """Whether the limits were widened, in plain words, from a row of ``Comparison.overdispersion``."""
    areas = int(spec["areas"])
    p = float(spec["p_value"])
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    if spec["adjustment"] == "random_effects":
        spread = (
            f"{spec['tau']:.1f} percentage points" if unit == "percent"
            else f"{spec['tau']:,.1f} {AXIS_UNITS.get(unit, '')}".strip()
        )
        return (
            f"**Limits widened for overdispersion.** The {areas} partnerships judged spread more widely than "
            f"chance alone gives (the typical spread between areas is about {spread}; Spiegelhalter's test of "
            f"it, {p_text}), so the limits allow for real differences between areas (the random-effects method "
            f"NHS England uses for its hospital mortality indicator, SHMI). A partnership outside them differs "
            f"from England by more than partnerships usually do."
        )
    if spec["adjustment"] == "multiplicative":
        return (
            f"**Limits widened for overdispersion** by a constant factor: the {areas} partnerships differ more "
            f"than chance alone would explain ({p_text})."
        )
    if areas < MIN_AREAS or math.isnan(p):
        return (
            f"**Plain limits.** Only {areas} partnerships have {MIN_DENOMINATOR} or more in the denominator, too "
            f"few to estimate how much they differ beyond chance, so the limits are not widened."
        )
    return (
        f"**Plain limits, not widened.** The {areas} partnerships judged spread no more widely than chance "
        f"alone gives (Spiegelhalter's test, {p_text}), so the limits are the exact ones, drawn so that a point "
        f"would fall outside the 99.8% limits by chance about once in 500 partnerships."
    )


# -- the robust z ranking, for indicators with no funnel -------------------------------------


def robust_z_chart(results: pd.DataFrame, *, title: str, judged: bool, highlight: str | None = None) -> go.Figure:
    """Each partnership's robust z-score in rank order, with the 2 and 3 robust SD levels either side."""
    ranked = _in_rank_order(results[results["robust_z"].notna()])
    figure = go.Figure()
    ends = (0, len(ranked) + 1.5)
    figure.add_trace(_level_line("Median (z = 0)", ends, 0.0, ENGLAND, "solid", 2))
    for level, colour, dash in (("99.8", LIMIT_998, "dot"), ("95", LIMIT_95, "dash")):
        z = ROBUST_LEVELS[level]
        figure.add_trace(_level_line(f"z ±{z:.0f} ({ROBUST_LEVEL_WORDS[level]})", ends, z, colour, dash))
        figure.add_trace(
            _level_line(f"z ±{z:.0f} ({ROBUST_LEVEL_WORDS[level]})", ends, -z, colour, dash).update(showlegend=False)
        )
    for flag, level, invented, rows in _flag_groups(ranked):
        hover = [
            f"<b>{name}</b><br>Robust z {z:.2f}{invented_text(invented)}<br>Rank {int(rank)} of {int(areas)}"
            f"<br>{verdict_text(flag, str(level), 'robust')}"
            for name, z, rank, areas, level in zip(
                rows["partnership_name"], rows["robust_z"], rows["rank"], rows["ranked_areas"], rows["flag_level"],
                strict=True,
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=rows["place"], y=rows["robust_z"], mode="markers",
                name=verdict_label(flag, level) + invented_text(invented),
                marker=verdict_marker(flag, level, size=9), customdata=rows[["partnership_id"]].to_numpy(),
                hovertext=hover, hoverinfo="text",
            )
        )
    if highlight is not None:
        chosen = ranked[ranked["partnership_id"] == highlight]
        if len(chosen):
            row = chosen.iloc[0]
            _highlight(figure, row["place"], row["robust_z"], row["partnership_name"], highlight)
    _layout(
        figure, title=title, x_title=rank_axis_title(judged),
        y_title="Robust z (distance from the median of partnerships)",
    )
    figure.update_xaxes(range=list(ends))
    return figure


def robust_z_table(results: pd.DataFrame) -> pd.DataFrame:
    ranked = _in_rank_order(results[results["robust_z"].notna()])
    return pd.DataFrame(
        {
            "Rank": ranked["rank"].to_numpy(),
            "Partnership": ranked["partnership_name"].astype(str).to_numpy(),
            "Value": ranked["value"].to_numpy(),
            "Robust z": ranked["robust_z"].to_numpy(),
            "Figure": figure_words(ranked),
            "Verdict": verdict_texts(ranked),
            "Partnership code": ranked["partnership_id"].astype(str).to_numpy(),
        }
    )


# -- change over time -------------------------------------------------------------------------


def trend_chart(
    over_time: pd.DataFrame,
    *,
    title: str,
    short_name: str,
    unit: str,
    decimals: int,
    england_label: str = "England",
    region_label: str | None = None,
    partnership_label: str | None = None,
) -> go.Figure:
    """England (or the benchmark that stands for it, named ``england_label``) over periods with the
    middle half of areas as a band; a region and a partnership.

    ``over_time`` has one row per period in order: period (label), england, lower_quartile,
    upper_quartile, and optionally region and partnership.
    """
    periods = over_time["period"].tolist()
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=periods, y=over_time["upper_quartile"], mode="lines", line={"width": 0}, hoverinfo="skip",
                   showlegend=False, name="Upper quartile of areas")
    )
    figure.add_trace(
        go.Scatter(
            x=periods, y=over_time["lower_quartile"], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=BAND_COLOUR, name="Middle half of partnerships (quartiles)",
            hovertext=[
                f"Middle half of partnerships: {format_value(lo, unit, decimals)} to {format_value(hi, unit, decimals)}"
                for lo, hi in zip(over_time["lower_quartile"], over_time["upper_quartile"], strict=True)
            ],
            hoverinfo="text",
        )
    )
    lines = [("england", england_label, ENGLAND, "solid", "circle")]
    if region_label and "region" in over_time:
        lines.append(("region", region_label, REGION, "dash", "square"))
    if partnership_label and "partnership" in over_time:
        lines.append(("partnership", partnership_label, AREA, "solid", "diamond"))
    for column, label, colour, dash, symbol in lines:
        figure.add_trace(
            go.Scatter(
                x=periods, y=over_time[column], mode="lines+markers", name=label,
                line={"color": colour, "dash": dash, "width": 3 if column == "partnership" else 2},
                marker={"symbol": symbol, "size": 8, "color": colour},
                hovertext=[
                    f"{label}, {p}: {format_value(v, unit, decimals)}"
                    for p, v in zip(periods, over_time[column], strict=True)
                ],
                hoverinfo="text", connectgaps=False,
            )
        )
    _layout(figure, title=title, x_title="Period", y_title=value_axis_title(short_name, unit), height=HEIGHT - 40)
    _value_axis(figure, short_name, unit, [over_time[column] for column in
                                           ("england", "lower_quartile", "upper_quartile", "region", "partnership")
                                           if column in over_time])
    figure.update_xaxes(type="category")
    return figure


def trend_table(
    over_time: pd.DataFrame,
    *,
    england_label: str = "England",
    region_label: str | None = None,
    partnership_label: str | None = None,
) -> pd.DataFrame:
    names = {
        "period": "Period",
        "england": england_label,
        "lower_quartile": "Lower quartile of partnerships",
        "median": "Median of partnerships",
        "upper_quartile": "Upper quartile of partnerships",
    }
    if england_label == names["median"]:  # the benchmark is that median: one column, not two alike
        del names["median"]
    if region_label:
        names["region"] = region_label
    if partnership_label:
        names["partnership"] = partnership_label
    return over_time[[c for c in names if c in over_time]].rename(columns=names)


def over_time_frame(
    benchmarks: pd.DataFrame,
    history: pd.DataFrame,
    periods: pd.DataFrame,
    *,
    indicator_id: str,
    as_at,
    region_code: str | None = None,
    partnership_id: str | None = None,
) -> pd.DataFrame:
    """The trend chart's data: one row per period of the indicator up to ``as_at``, oldest first.

    England's value and the partnerships' quartiles come from ``Comparison.benchmarks``, the
    region's value from its row there, the partnership's from ``Comparison.history``.
    """
    ended = periods[pd.to_datetime(periods["end_date"]) <= pd.Timestamp(as_at)][["period_id", "end_date"]]
    own = benchmarks[benchmarks["indicator_id"] == indicator_id]
    england = own[own["geography_code"] == ENGLAND_CODE][
        ["period_id", "value", "lower_quartile", "median", "upper_quartile"]
    ].rename(columns={"value": "england"})
    frame = ended.merge(england, on="period_id").sort_values("end_date", kind="stable")
    if region_code is not None:
        region = own[own["geography_code"] == region_code][["period_id", "value"]].rename(columns={"value": "region"})
        frame = frame.merge(region, on="period_id", how="left")
    if partnership_id is not None:
        rows = history[(history["indicator_id"] == indicator_id) & (history["partnership_id"] == partnership_id)]
        partnership = rows[["period_id", "value"]].rename(columns={"value": "partnership"})
        frame = frame.merge(partnership.astype({"period_id": str}), on="period_id", how="left")
    return frame.drop(columns="end_date").rename(columns={"period_id": "period"}).reset_index(drop=True)
