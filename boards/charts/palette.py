"""Colours and symbols for comparison verdicts, readable without colour.

Blue and vermillion from the Okabe-Ito palette stay distinct for every common colour-vision
deficiency; every verdict also has its own marker shape and a text symbol, so no meaning rests
on colour alone (WCAG 2.2 success criterion 1.4.1).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VerdictStyle:
    label: str
    colour: str
    symbol: str  # a character for tables and cells
    marker: str  # a Plotly marker symbol


# Keyed by the comparison engine's ``flag`` values (boards/compare/score.py), plus "no data".
VERDICTS: dict[str, VerdictStyle] = {
    "worse": VerdictStyle("Worse", "#D55E00", "▼", "triangle-down"),
    "similar": VerdictStyle("Similar", "#8A8D8F", "●", "circle"),
    "better": VerdictStyle("Better", "#0072B2", "▲", "triangle-up"),
    "did not report": VerdictStyle("Did not report", "#F0E442", "!", "diamond"),
    "not compared": VerdictStyle("Not compared", "#FFFFFF", "○", "circle-open"),
    "too few to judge": VerdictStyle("Too few to judge", "#FFFFFF", "◌", "hourglass-open"),
    "not judged": VerdictStyle("Context, not judged", "#FFFFFF", "·", "circle-open-dot"),
    "no data": VerdictStyle("No data", "#FFFFFF", "–", "x-thin-open"),
}
ENGLAND = "#0b0c0c"
REGION = "#6F4E7C"
NEIGHBOURS = "#009E73"
AREA = "#0072B2"
LIMIT_95 = "#505a5f"
LIMIT_998 = "#0b0c0c"
FONT = "Source Sans, Arial, sans-serif"
# Set on every text: Streamlit's chart theme would otherwise grey it below AA contrast.
TEXT = "#0b0c0c"


# Open markers take their outline from the marker colour: white would vanish on white.
OPEN_MARKER_COLOUR = "#505a5f"
# A verdict at the 95% level only, drawn hollow where the 99.8% one is solid.
LEVEL_95_SYMBOL = {"worse": "▽", "better": "△"}


def verdict_style(verdict: str | None) -> VerdictStyle:
    return VERDICTS.get(verdict or "no data", VERDICTS["no data"])


# A robust z's levels are robust standard deviations, not percentages (boards/compare/engine.py).
ROBUST_LEVEL_WORDS = {"95": "2 robust SDs", "99.8": "3 robust SDs"}


def verdict_label(verdict: str | None, level: str = "", method: str = "") -> str:
    """'Worse (99.8%)', 'Worse (3 robust SDs)' for a robust z, 'Similar': a verdict in words."""
    words = ROBUST_LEVEL_WORDS.get(level, "") if method == "robust" else (f"{level}%" if level else "")
    return verdict_style(verdict).label + (f" ({words})" if words else "")


def verdict_text(verdict: str | None, level: str = "", method: str = "") -> str:
    """'▼ Worse (99.8%)', '▽ Worse (95%)', '▼ Worse (3 robust SDs)', '● Similar': readable without colour."""
    style = verdict_style(verdict)
    symbol = LEVEL_95_SYMBOL.get(verdict or "", style.symbol) if level == "95" else style.symbol
    return f"{symbol} {verdict_label(verdict, level, method)}"


def verdict_marker(verdict: str | None, level: str = "", *, size: int) -> dict:
    """A Plotly marker for a verdict: its shape and colour, solid at 99.8%, hollow at 95% only.

    Solid shapes get a dark outline, so that pale fills (yellow, white) keep a 3:1 edge against
    white (WCAG 2.2 success criterion 1.4.11).
    """
    style = verdict_style(verdict)
    colour = OPEN_MARKER_COLOUR if style.colour.upper() == "#FFFFFF" else style.colour
    if level == "95" and verdict in LEVEL_95_SYMBOL:
        return {"symbol": f"{style.marker}-open", "color": colour, "size": size, "line": {"width": 2.5, "color": colour}}
    if "open" in style.marker:
        return {"symbol": style.marker, "color": colour, "size": size, "line": {"width": 1.5, "color": colour}}
    return {"symbol": style.marker, "color": colour, "size": size, "line": {"width": 1, "color": ENGLAND}}


# An invented demo figure is marked where it is shown: "(invented)" in its hover text and table cell, and a
# small black asterisk beside its marker with its own legend entry (a shape, not a colour).
INVENTED_WORD = "(invented)"
INVENTED_LEGEND = "Invented figure (demonstration)"
INVENTED_MARKER = {"symbol": "asterisk-open", "color": ENGLAND, "size": 7, "line": {"width": 1.5, "color": ENGLAND}}


def invented_text(invented: bool) -> str:
    """' (invented)' after an invented figure in hover text or a sentence, '' after a real one."""
    return f" {INVENTED_WORD}" if invented else ""
