"""The Overview's charts (boards/charts/overview.py, hexmap.py, palette.py): every cell and hex is
the engine's, readable without colour, and clickable through its partnership id."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boards.charts.hexmap import DIVERGING_SCALE, hex_map, short_labels
from boards.charts.overview import concern_map, map_table, matrix_cells, matrix_table, verdict_matrix
from boards.charts.palette import INVENTED_LEGEND, VERDICTS, verdict_marker, verdict_text
from boards.compare.engine import compare
from boards.overview import area_concern, league_table, read_reference

TOP = ["E06000031", "E09000021", "E08000021"]  # the three of highest concern in 2026-27 Q2


@pytest.fixture(scope="module")
def latest(demo_store):
    return compare(demo_store, "2026-27 Q2")


@pytest.fixture(scope="module")
def areas(demo_store, latest):
    reference = read_reference(demo_store)
    return area_concern(reference, league_table(latest.scores, reference)).assign(in_filter=True)


def test_verdict_text_and_markers_need_no_colour():
    assert verdict_text("worse", "99.8") == "▼ Worse (99.8%)"
    assert verdict_text("worse", "95") == "▽ Worse (95%)"
    assert verdict_text("better", "95") == "△ Better (95%)"
    assert verdict_text("did not report") == "! Did not report"
    # A robust z's levels are named in robust SDs, never as percentages; too few to judge has its own symbol.
    assert verdict_text("worse", "99.8", "robust") == "▼ Worse (3 robust SDs)"
    assert verdict_text("better", "95", "robust") == "△ Better (2 robust SDs)"
    assert verdict_text("too few to judge") == "◌ Too few to judge"
    assert verdict_marker("worse", "99.8", size=10)["symbol"] == "triangle-down"
    assert verdict_marker("worse", "95", size=10)["symbol"] == "triangle-down-open"
    # White verdicts are drawn in dark grey, never white on white.
    assert verdict_marker("not compared", size=10)["color"] == "#505a5f"
    shapes = [style.marker for style in VERDICTS.values()]
    assert len(set(shapes)) == len(shapes)


def test_matrix_cells_are_the_judged_indicators_in_the_given_order(latest):
    results = latest.area_results
    judged = results.loc[results["polarity"].astype(str) != "context", "indicator_id"].nunique()
    cells = matrix_cells(results, TOP)
    assert cells["partnership_id"].drop_duplicates().tolist() == TOP
    assert len(cells) == 3 * judged
    # Context indicators are never judged: their columns would say nothing.
    assert not cells["indicator_id"].isin(["referral_rate", "cin_rate", "s47_rate", "serious_incident_notifications"]).any()
    assert cells["indicator_id"].iloc[:2].tolist() == ["rereferral_rate", "assessment_timeliness"]


def test_matrix_draws_each_cell_once_with_its_verdict_and_partnership(latest):
    cells = matrix_cells(latest.area_results, TOP)
    figure = verdict_matrix(cells, title="Verdicts")
    drawn = pd.concat(
        pd.DataFrame({"partnership_id": np.asarray(trace.customdata)[:, 0], "name": trace.name, "symbol": trace.marker.symbol})
        for trace in figure.data if trace.name != INVENTED_LEGEND
    )
    assert len(drawn) == len(cells)
    expected = cells.assign(name=[verdict_text(f, lv).split(" ", 1)[1] for f, lv in zip(cells["flag"], cells["flag_level"])])
    assert drawn.groupby("name").size().to_dict() == expected.groupby("name").size().to_dict()
    peterborough = expected[expected["partnership_id"] == "E06000031"]
    assert (peterborough["flag"] == "worse").sum() == 10
    assert set(drawn.loc[drawn["name"] == "Worse (99.8%)", "symbol"]) == {"triangle-down"}
    assert list(figure.layout.yaxis.ticktext) == ["Peterborough", "Kingston upon Thames", "Newcastle upon Tyne"]


def test_matrix_table_states_value_england_and_verdict(latest):
    cells = matrix_cells(latest.area_results, TOP)
    table = matrix_table(cells)
    first = table.iloc[0]
    engine = latest.area_results.set_index(["partnership_id", "indicator_id"]).loc[("E06000031", "rereferral_rate")]
    assert first["Partnership"] == "Peterborough"
    assert first["Domain"] == "Demand"
    assert (first["Value"], first["England"]) == (engine["value"], engine["england"])
    assert first["Verdict"] == verdict_text(str(engine["flag"]), str(engine["flag_level"]))
    assert (table["Verdict"].str.startswith("▼") | table["Verdict"].str.startswith("▽")).sum() == 10 + 8 + 8


def test_matrix_marks_every_invented_cell_in_its_hover_its_table_and_a_legend_entry(latest):
    """Of the 90 cells of the three partnerships, 57 (19 each) hold invented local returns: each has "(invented)"
    in its hover text, an asterisk beside it (one trace with a legend entry) and "invented" in the table."""
    cells = matrix_cells(latest.area_results, TOP)
    figure = verdict_matrix(cells, title="Verdicts")
    marks = [trace for trace in figure.data if trace.name == INVENTED_LEGEND]
    assert len(marks) == 1 and len(marks[0].x) == 57 and marks[0].marker.symbol == "asterisk-open"
    hovers = [text for trace in figure.data if trace.hovertext is not None for text in trace.hovertext]
    assert sum("(invented)" in text for text in hovers) == 57
    table = matrix_table(cells).set_index(["Partnership", "Indicator"])
    assert table["Figure"].value_counts().to_dict() == {"invented": 57, "real": 33}
    assert table.loc[("Peterborough", "Strategy discussions with partners"), "Figure"] == "invented"
    assert table.loc[("Peterborough", "Re-referrals"), "Figure"] == "real"


def test_hex_map_has_one_clickable_hex_per_la(areas):
    figure = concern_map(areas, title="Concern", total=153, highlight=False)
    centres = figure.data[0]
    assert len(centres.x) == len(figure.layout.shapes) == 153
    assert set(np.asarray(centres.customdata)[:, 0]) == set(areas["partnership_id"])
    assert "Concern score 2.02, rank 1 (1-3) of 153" in "".join(centres.hovertext)
    # The darkest hex is the highest score; none is faded or outlined without a filter.
    darkest = figure.layout.shapes[int(areas["score"].to_numpy().argmax())]
    assert darkest.fillcolor == "rgb(127, 39, 4)"
    assert {shape.opacity for shape in figure.layout.shapes} == {1.0}


def test_concern_map_diverges_around_england(areas):
    """Scores run below 0 (better than England): the colour bar covers the real range, -1.10 to 2.02, with 0 named
    England at its near-white centre; the lowest score is purple, the highest dark orange, equal distances alike."""
    figure = concern_map(areas, title="Concern", total=153, highlight=False)
    marker = figure.data[0].marker
    assert (round(marker.cmin, 2), round(marker.cmax, 2)) == (-1.1, 2.02)
    assert list(marker.colorbar.ticktext) == ["-1.10", "0 England", "2.02"]
    scores = areas["score"].to_numpy()
    lowest = figure.layout.shapes[int(np.nanargmin(scores))]
    assert lowest.fillcolor == "rgb(121, 111, 179)"
    frame = pd.DataFrame({"area_code": list("ABC"), "name": list("ABC"), "hex_q": [0, 1, 2], "hex_r": [0, 0, 0],
                          "score": [-1.0, 0.0, 1.0]})
    below, england, above = hex_map(frame, value="score", title="t", colour_title="Score", colorscale=DIVERGING_SCALE,
                                    midpoint=0.0, label="name").layout.shapes
    assert (below.fillcolor, england.fillcolor, above.fillcolor) == ("rgb(63, 0, 125)", "rgb(247, 247, 247)",
                                                                     "rgb(127, 39, 4)")


def test_hex_map_draws_areas_without_a_score_hollow_and_outlines_the_filter():
    frame = pd.DataFrame(
        {
            "area_code": ["A", "B", "C"], "name": ["A", "B", "C"], "hex_q": [0, 1, 0], "hex_r": [0, 0, 1],
            "score": [10.0, np.nan, 0.0], "chosen": [True, False, False],
        }
    )
    figure = hex_map(frame, value="score", title="t", colour_title="Score", highlight="chosen")
    chosen, hollow, calm = figure.layout.shapes
    assert list(np.asarray(figure.data[0].customdata)[:, 0]) == ["A", "B", "C"]
    assert figure.data[0].hovertext[1] == "B<br>No data"
    assert hollow.fillcolor == "rgba(0,0,0,0)" and hollow.line.width == 1.5
    assert (chosen.opacity, chosen.line.width, chosen.line.color) == (1.0, 2.5, "#0b0c0c")
    assert (calm.opacity, calm.fillcolor) == (0.3, "rgb(254, 230, 206)")


def test_map_table_lists_every_la_highest_concern_first(areas):
    table = map_table(areas)
    assert len(table) == 153
    assert table.iloc[0][["Local authority", "Rank", "Rank (95% interval)", "Concern score"]].tolist() == [
        "Kensington and Chelsea", 1, "1 (1-3)", pytest.approx(2.018215)
    ]


def test_matrix_columns_are_grouped_by_domain(latest):
    cells = matrix_cells(latest.area_results, TOP[:1])
    domains = cells.sort_values("column")["domain"].tolist()
    runs = [domain for place, domain in enumerate(domains) if place == 0 or domain != domains[place - 1]]
    assert runs == ["demand", "child_protection", "case_reviews", "inspection_audit", "workforce", "partnership"]


def test_every_hex_has_its_own_three_letter_label(areas):
    """153 different labels, written on the hexes and listed in the map's table."""
    labels = short_labels(areas["name"])
    assert len(set(labels)) == 153
    named = dict(zip(areas["name"], labels))
    assert [named[n] for n in ("Peterborough", "North East Lincolnshire", "City of Kingston upon Hull",
                               "Barking and Dagenham", "Barnet", "Barnsley", "Hartlepool")] == [
        "PET", "NEL", "KHU", "BDA", "BAR", "BAN", "HAT"]
    figure = concern_map(areas, title="Concern", total=153, highlight=False)
    assert list(figure.data[0].text) == labels
    table = map_table(areas.assign(in_filter=False))
    assert table.loc[table["Local authority"] == "Peterborough", "Label on the map"].tolist() == ["PET"]


def test_matrix_domain_names_alternate_between_two_lines_above_the_indicator_names(latest):
    """Two columns (Demand's) are narrower than a domain's name: at a phone's width on its side, names on one line
    ran into their neighbours, so every other name is a line higher, and both lines are under the title."""
    figure = verdict_matrix(matrix_cells(latest.area_results, TOP), title="Verdicts")
    headings = [(a.text, a.yshift) for a in figure.layout.annotations]
    assert headings == [
        ("<b>Demand</b>", 170), ("<b>Child protection</b>", 192), ("<b>Case reviews</b>", 170),
        ("<b>Inspection and audit</b>", 192), ("<b>Workforce</b>", 170), ("<b>Partnership</b>", 192),
    ]
    assert figure.layout.margin.t == 252
