"""An offline hex map of England's 153 LAs, drawn on plain axes (no map tiles, no CDN).

Positions come from the HexJSON layout (``odd-r``: odd rows shift half a hex to the right; rows
count northwards). Each hex is a filled shape in data units, so the map scales with the chart's
width and hexes never overlap; an invisible scatter marker at each centre carries the hover text
and the area's key, because Streamlit's chart selection returns points for scatter traces (not
for shapes or heatmap cells), so a click can open the area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
# ColorBrewer's single-hue Oranges without its near-white end: lightness alone carries the value,
# so it reads the same with every common colour-vision deficiency, and the palest hex still
# differs from the hollow "no data" ones.
CONCERN_SCALE = [
    [0.0, "#fee6ce"], [0.15, "#fdd0a2"], [0.3, "#fdae6b"], [0.45, "#fd8d3c"],
    [0.6, "#f16913"], [0.75, "#d94801"], [0.88, "#a63603"], [1.0, "#7f2704"],
]
# For a signed value (the concern score: 0 is England, below 0 better): ColorBrewer's purples below the
# midpoint, a near-white at it and the same oranges above, each side darker the further from the midpoint.
# Purple and orange stay apart for every common colour-vision deficiency (ColorBrewer's PuOr is "colourblind
# safe"), and lightness alone still says how far from England.
DIVERGING_SCALE = [
    [0.0, "#3f007d"], [0.12, "#54278f"], [0.25, "#807dba"], [0.38, "#bcbddc"], [0.5, "#f7f7f7"],
    [0.6, "#fdd0a2"], [0.7, "#fdae6b"], [0.8, "#f16913"], [0.9, "#d94801"], [1.0, "#7f2704"],
]
DARK_TEXT = ENGLAND


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


@dataclass(frozen=True)
class _ColourScale:
    low: float  # the colour bar's ends: the values' range (from 0 on a scale without a midpoint)
    high: float
    centre: float  # the value at the middle of a diverging scale (or its start)
    reach: float  # the distance from ``centre`` that the scale's end colours stand for
    diverging: bool
    shown: list  # the part of the scale between low and high, for the colour bar
    ticks: dict

    def positions(self, values: np.ndarray) -> np.ndarray:
        if self.diverging:
            return np.clip(0.5 + (values - self.centre) / (2 * self.reach), 0, 1)
        return np.clip(values / self.reach, 0, 1)


def _colour_scale(values: np.ndarray, colorscale: list, midpoint: float | None,
                  midpoint_label: str = "") -> _ColourScale:
    if midpoint is None:
        top = float(values.max()) if values.size and values.max() > 0 else 1.0
        return _ColourScale(0.0, top, 0.0, top, False, colorscale, {})
    low = float(min(values.min(), midpoint)) if values.size else midpoint - 1
    high = float(max(values.max(), midpoint)) if values.size else midpoint + 1
    reach = max(high - midpoint, midpoint - low) or 1.0
    scale = _ColourScale(low, high, midpoint, reach, True, [], {})
    # The colour bar shows only the stretch of the scale the values use, so its ends are the real lowest and
    # highest scores, and the midpoint is marked on it.
    stops = np.linspace(0, 1, 11)
    colours = sample_colorscale(colorscale, scale.positions(low + stops * (high - low)).tolist())
    ticks = sorted({low, midpoint, high})  # the exact ends: a rounded one can fall outside the bar and vanish
    words = {midpoint: f"{midpoint:g} {midpoint_label}".strip()}
    return _ColourScale(low, high, midpoint, reach, True, [[float(s), c] for s, c in zip(stops, colours, strict=True)],
                        {"tickvals": ticks, "ticktext": [words.get(t, f"{t:.2f}") for t in ticks]})


def _needs_white_text(colour: str) -> bool:
    """Whether white text reads better than dark text on ``colour`` ("rgb(r, g, b)"), by WCAG relative luminance."""
    channels = [int(part) / 255 for part in colour[colour.index("(") + 1 : -1].split(",")]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.054  # 0.054: the dark text's own luminance + 0.05


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
    midpoint: float | None = None,
    midpoint_label: str = "",
    height: int = HEIGHT_PX,
) -> go.Figure:
    """Hexes coloured by ``value`` (areas without one drawn hollow), hover text from ``hover``.

    ``frame`` needs hex_q, hex_r, the value, hover and ``key`` columns (``key`` becomes each
    point's customdata, what a click returns). ``highlight`` names a boolean column: when given,
    those hexes get a dark outline and the others are faded. ``label`` names a column of short
    texts written on the hexes (dark on pale hexes, white on dark ones). The default scale runs from
    pale to dark orange: the darkest hexes are the highest values (the most concern). With ``midpoint`` (a
    diverging ``colorscale``), the scale's centre is that value and each side darkens as far as the larger
    distance from it, so equal distances look alike; the colour bar covers the values' real range and names the
    midpoint (``midpoint_label``).
    """
    x, y = hex_positions(frame)
    values = frame[value].to_numpy(dtype=float)
    has_value = ~np.isnan(values)
    marked = frame[highlight].fillna(False).to_numpy(dtype=bool) if highlight else np.zeros(len(frame), dtype=bool)
    scale = _colour_scale(values[has_value], colorscale, midpoint, midpoint_label)
    fills = sample_colorscale(colorscale, scale.positions(np.nan_to_num(values)).tolist())
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
        dark_fill = has_value & np.array([_needs_white_text(fill) for fill in fills])
        labels = {"text": frame[label].astype(str), "textposition": "middle center",
                  "textfont": {"size": 8, "color": np.where(dark_fill, "#ffffff", DARK_TEXT).tolist()}}
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers+text" if label is not None else "markers",
            **labels,
            # Invisible: the shapes are the hexes; these carry hover, click and the colour bar.
            marker={
                "size": 22, "opacity": 0, "color": np.where(has_value, values, scale.low), "showscale": True,
                "colorscale": scale.shown, "cmin": scale.low, "cmax": scale.high,
                "colorbar": {"title": {"text": colour_title, "side": "top"}, "thickness": 14, "len": 0.6,
                             **scale.ticks},
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
