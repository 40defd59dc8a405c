"""An offline hex map of England's 153 LAs, drawn on plain axes (no map tiles, no CDN).

Positions come from the HexJSON layout (``odd-r``: odd rows shift half a hex to the right; rows
count northwards). Each hex is a filled shape in data units, so the map scales with the chart's
width and hexes never overlap; an invisible scatter marker at each centre carries the hover text
and the area's key, because Streamlit's chart selection returns points for scatter traces (not
for shapes or heatmap cells), so a click can open the area.
"""

from __future__ import annotations

import re
from itertools import combinations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from boards.charts.palette import ENGLAND, FONT

ROW_STEP = np.sqrt(3) / 2  # rows of pointy-top hexes one unit wide
HEX_RADIUS = 1 / np.sqrt(3) * 0.96  # centre to corner of a hex one unit wide, less a hairline gap
HEIGHT_PX = 640
NO_DATA_COLOUR = "#505a5f"
FADED = 0.3
LABEL_WHITE_FROM = 0.6  # share of the top value from which a hex is dark enough for white labels
# ColorBrewer's single-hue Oranges without its near-white end: lightness alone carries the value,
# so it reads the same with every common colour-vision deficiency, and the palest hex still
# differs from the hollow "no data" ones.
CONCERN_SCALE = [
    [0.0, "#fee6ce"], [0.15, "#fdd0a2"], [0.3, "#fdae6b"], [0.45, "#fd8d3c"],
    [0.6, "#f16913"], [0.75, "#d94801"], [0.88, "#a63603"], [1.0, "#7f2704"],
]


_TITLE = re.compile(r"^(?:City|County) of (?!London$)")


def short_labels(names: pd.Series) -> list[str]:
    """A different three-letter label for each name, to write on its hex. One word gives its first three
    letters ("HAL" Halton); two give the first letter of the first and two of the second ("BDA" Blackburn
    with Darwen); three or more their initials ("NEL" North East Lincolnshire). A leading title ("City of
    Bristol", as ``boards.reference.natural_name`` writes ONS's "Bristol, City of"; not City of London, whose
    title is its name) and small words (and, of, upon) are left out. A label already taken becomes the first
    letter and two later ones, in order ("BAS" Barnsley after "BAR" Barking and Dagenham). Names are served
    alphabetically, so the labels do not depend on row order."""
    taken: dict[str, str] = {}
    for name in sorted(set(names.astype(str))):
        words = [w for w in _TITLE.sub("", name).replace("-", " ").split() if w[0].isupper()]
        letters = "".join(character for character in "".join(words).upper() if character.isalpha())
        first = (words[0][:3] if len(words) == 1 else words[0][0] + words[1][:2] if len(words) == 2
                 else "".join(word[0] for word in words[:3])).upper()
        candidates = [first, *(letters[0] + a + b for a, b in combinations(letters[1:], 2))]
        taken[name] = next(c for c in candidates if c not in taken.values())
    return [taken[name] for name in names.astype(str)]


def hex_positions(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Plot coordinates of odd-r hex columns ``hex_q`` and rows ``hex_r``."""
    q = frame["hex_q"].to_numpy(dtype=float)
    r = frame["hex_r"].to_numpy(dtype=float)
    x = q + 0.5 * (r % 2)
    y = r * ROW_STEP
    return x, y


def hexagon_path(x: float, y: float) -> str:
    """An SVG path of a pointy-top hexagon centred on (x, y), in data units."""
    angles = np.radians(np.arange(30, 390, 60))
    corners = [f"{x + HEX_RADIUS * np.cos(a):.4f},{y + HEX_RADIUS * np.sin(a):.4f}" for a in angles]
    return "M" + "L".join(corners) + "Z"


def _outline(scored: bool, highlighted: bool) -> dict:
    if highlighted:
        return {"color": ENGLAND, "width": 2.5}
    if not scored:
        return {"color": NO_DATA_COLOUR, "width": 1.5}
    return {"color": "#ffffff", "width": 0.5}


def hex_map(
    frame: pd.DataFrame,
    *,
    value: str,
    title: str,
    colour_title: str,
    hover: str = "name",
    key: str = "area_code",
    highlight: str | None = None,
    label: str | None = None,
    colorscale: list = CONCERN_SCALE,
    height: int = HEIGHT_PX,
) -> go.Figure:
    """Hexes coloured by ``value`` (areas without one drawn hollow), hover text from ``hover``.

    ``frame`` needs hex_q, hex_r, the value, hover and ``key`` columns (``key`` becomes each
    point's customdata, what a click returns). ``highlight`` names a boolean column: when given,
    those hexes get a dark outline and the others are faded. ``label`` names a column of short
    texts written on the hexes (dark on pale hexes, white on dark ones). The default scale runs from
    pale to dark orange: the darkest hexes are the highest values (the most concern).
    """
    x, y = hex_positions(frame)
    values = frame[value].to_numpy(dtype=float)
    has_value = ~np.isnan(values)
    marked = frame[highlight].fillna(False).to_numpy(dtype=bool) if highlight else np.zeros(len(frame), dtype=bool)
    top = float(np.nanmax(values)) if has_value.any() and np.nanmax(values) > 0 else 1.0
    fills = sample_colorscale(colorscale, np.clip(np.nan_to_num(values) / top, 0, 1).tolist())
    shapes = [
        {
            "type": "path", "path": hexagon_path(cx, cy), "layer": "below",
            "fillcolor": fill if scored else "rgba(0,0,0,0)",
            "line": _outline(scored, bold),
            "opacity": FADED if highlight and not bold else 1.0,
        }
        for cx, cy, fill, scored, bold in zip(x, y, fills, has_value, marked, strict=True)
    ]
    labels = {}
    if label is not None:
        dark_fill = has_value & (np.nan_to_num(values) / top > LABEL_WHITE_FROM)
        labels = {"text": frame[label].astype(str), "textposition": "middle center",
                  "textfont": {"size": 8, "color": np.where(dark_fill, "#ffffff", ENGLAND).tolist()}}
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers+text" if label is not None else "markers",
            **labels,
            # Invisible: the shapes are the hexes; these carry hover, click and the colour bar.
            marker={
                "size": 22, "opacity": 0, "color": np.where(has_value, values, 0.0), "colorscale": colorscale,
                "cmin": 0, "cmax": top, "showscale": True,
                "colorbar": {"title": {"text": colour_title, "side": "right"}, "thickness": 14, "len": 0.6},
            },
            customdata=frame[[key]].to_numpy(),
            hovertext=np.where(has_value, frame[hover].astype(str), frame[hover].astype(str) + "<br>No data"),
            hoverinfo="text",
            name=colour_title,
        )
    )
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        font={"family": FONT, "size": 13, "color": ENGLAND},
        height=height,
        showlegend=False,
        shapes=shapes,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        xaxis={"visible": False, "range": [x.min() - 0.7, x.max() + 0.7], "constrain": "domain", "fixedrange": True},
        yaxis={
            "visible": False, "range": [y.min() - 0.7, y.max() + 0.7], "scaleanchor": "x", "scaleratio": 1,
            "constrain": "domain", "fixedrange": True,
        },
        hoverlabel={"bgcolor": "#ffffff", "font": {"color": ENGLAND}},
        clickmode="event+select",
        dragmode=False,
    )
    return figure
