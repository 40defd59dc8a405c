"""The Overview page (the default, "/"), run in-process with AppTest on the session's demo database.

What it shows must equal what the comparison engine computes for the same period; its choices
come from and go to the URL; a selected row, cell or hex opens that partnership.
"""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.charts.palette import verdict_text
from boards.compare.engine import compare

# The overview's three views, as their tabs and the URL (``?view=``) name them.
RANKED, MATRIX, MAP = "Ranked partnerships", "Verdicts by indicator", "Map of England"
LATEST = "2026-27 Q2"
EARLIER = "2026-27 Q1"
NEWCASTLE = "E08000021"


@pytest.fixture
def open_overview(demo_db_path, monkeypatch):
    """Open "/" with the given query parameters; the caches cleared either side."""
    monkeypatch.setenv("BOARDS_DB", str(demo_db_path))
    st.cache_resource.clear()

    def run(**query_params) -> AppTest:
        app = AppTest.from_file("../dashboard.py", default_timeout=60)
        for name, value in query_params.items():
            app.query_params[name] = value
        app.run()
        assert not app.exception
        return app

    yield run
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def engine(demo_store):
    return {period: compare(demo_store, period) for period in (LATEST, EARLIER)}


def league(app: AppTest):
    return app.dataframe[0].value


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def charts(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def test_widgets_headline_and_demo_notice(open_overview):
    app = open_overview()
    assert app.title[0].value == "Safeguarding board effectiveness"
    assert app.selectbox(key="period").value == LATEST
    assert app.selectbox(key="neighbours_of").value is None
    assert app.multiselect(key="region").options[0] == "North East"
    assert app.multiselect(key="la_type").options == ["County", "London Borough", "Metropolitan District", "Unitary Authority"]
    assert any("Demonstration data" in warning.value for warning in app.warning)
    assert metrics(app) == {
        "Strongly worse on 3 or more indicators": "2 of 153",
        "Worse than England on at least one indicator": "82 of 153",
        "Did not report part of their return": "15 of 153",
    }
    assert any("Kensington and Chelsea \\(2\\.02\\)" in markdown.value for markdown in app.markdown)
    assert any(caption.value.startswith("By chance alone") for caption in app.caption)
    assert [button.label for button in app.get("download_button")] == ["Download this table (CSV)"]


def test_league_table_equals_the_engines_scores(open_overview, engine):
    shown = league(open_overview())
    scores = engine[LATEST].scores
    assert len(shown) == 153
    assert shown["partnership_id"].tolist() == scores["partnership_id"].astype(str).tolist()
    assert shown["rank"].tolist() == scores["rank"].tolist()
    assert shown["score"].tolist() == scores["score"].tolist()
    assert shown["summary"].tolist() == scores["summary"].astype(str).tolist()
    assert shown["rank_low"].tolist() == scores["rank_low"].tolist()
    assert shown["rank_high"].tolist() == scores["rank_high"].tolist()
    first = shown.iloc[0]
    assert (first["rank_interval"], first["partnership_name"], first["region_name"]) == (
        "1 (1-3)", "Kensington and Chelsea", "London")
    assert first["score"] == pytest.approx(2.018215)
    assert (first["worse"], first["worse_99_8"], first["worsening"], first["did_not_report"]) == (0, 0, 1, 12)
    assert shown["partnership_name"].iloc[1:3].tolist() == ["Nottingham", "Dudley"]
    assert (first["idaci_score"], first["deprivation"]) == (12.9, "second least deprived fifth")


def test_changing_the_period_changes_the_table(open_overview, engine):
    app = open_overview()
    app.selectbox(key="period").select(EARLIER).run()
    assert not app.exception
    shown = league(app)
    assert shown["partnership_id"].tolist() == engine[EARLIER].scores["partnership_id"].astype(str).tolist()
    assert shown["partnership_name"].iloc[:3].tolist() == ["Bolton", "Cheshire East", "Bury"]
    assert shown["score"].iloc[0] == pytest.approx(1.866195)
    assert app.query_params["period"] == EARLIER
    assert metrics(app)["Strongly worse on 3 or more indicators"] == "1 of 153"


def test_filters_narrow_the_table_and_the_headline(open_overview):
    app = open_overview()
    app.multiselect(key="region").select("North East").run()
    shown = league(app)
    assert len(shown) == 12
    assert set(shown["region_name"]) == {"North East"}
    assert shown["partnership_name"].iloc[:2].tolist() == ["Redcar and Cleveland", "Newcastle upon Tyne"]
    assert shown["rank"].iloc[:2].tolist() == [6, 16]  # ranks stay England's
    assert metrics(app)["Strongly worse on 3 or more indicators"] == "0 of 12 shown"
    app.multiselect(key="la_type").select("Metropolitan District").run()
    assert league(app)["partnership_name"].tolist() == [
        "Newcastle upon Tyne", "South Tyneside", "Sunderland", "Gateshead", "North Tyneside",
    ]
    app.multiselect(key="region").select("North West").run()
    assert len(league(app)) == 20


def test_url_gives_the_period_and_the_neighbours_view(open_overview, engine):
    app = open_overview(period=EARLIER, neighbours_of=NEWCASTLE)
    assert app.selectbox(key="period").value == EARLIER
    assert app.selectbox(key="neighbours_of").value == NEWCASTLE
    shown = league(app)
    assert set(shown["partnership_id"]) == {
        "E06000002", "E06000009", "E06000018", "E06000044", "E06000045", "E08000003",
        "E08000006", "E08000021", "E08000025", "E08000035", "E08000039",
    }
    scores = engine[EARLIER].scores
    expected = scores[scores["partnership_id"].astype(str).isin(shown["partnership_id"])]
    assert shown["partnership_id"].tolist() == expected["partnership_id"].astype(str).tolist()
    assert shown["score"].tolist() == expected["score"].tolist()


def test_a_link_to_an_unknown_period_is_said_as_text(open_overview):
    """A period the database does not hold is named in a warning as typed, never as a working link,
    and the latest quarter is shown instead."""
    app = open_overview(period="[Sign in](https://phish.example)")
    assert app.warning[1].value == (
        'The link asked for period "\\[Sign in\\]\\(https\\:\\/\\/phish\\.example\\)", '
        "which this database does not hold."
    )
    assert app.selectbox(key="period").value == "2026-27 Q2"


def test_url_regions_and_types(open_overview):
    app = open_overview(region=["North East", "North West"], la_type="Metropolitan District")
    assert len(league(app)) == 20


def test_no_match_says_so(open_overview):
    app = open_overview(region="London", la_type="County", view=MAP)
    assert any("No partnership matches these filters" in info.value for info in app.info)
    assert not app.get("plotly_chart")


def test_only_the_open_view_is_drawn(open_overview):
    """The ranked table opens first, without a chart; each chart is drawn only in its own view."""
    assert [tab.label for tab in open_overview().tabs] == [RANKED, MATRIX, MAP]
    ranked = open_overview()
    assert (len(ranked.dataframe), len(ranked.get("plotly_chart"))) == (1, 0)
    assert ranked.header[0].value == "Partnerships ranked by concern score"
    matrix = open_overview(view=MATRIX)
    assert [h.value for h in matrix.header] == ["Each partnership's verdicts, indicator by indicator"]
    assert len(matrix.get("plotly_chart")) == 1
    hex_map = open_overview(view=MAP)
    assert [h.value for h in hex_map.header] == ["Concern across England"]
    assert len(hex_map.get("plotly_chart")) == 1


def test_matrix_table_equals_the_engines_flags(open_overview, engine):
    app = open_overview(view=MATRIX)
    matrix = app.dataframe[0].value
    results = engine[LATEST].area_results
    top30 = engine[LATEST].scores["partnership_id"].astype(str).head(30).tolist()
    judged = results[results["partnership_id"].astype(str).isin(top30) & (results["polarity"].astype(str) != "context")]
    columns = judged["indicator_id"].nunique()
    assert len(matrix) == 30 * columns
    assert matrix["Partnership code"].drop_duplicates().tolist() == top30
    shown = matrix.set_index(["Partnership code", "Indicator code"])["Verdict"]
    expected = {
        (str(row.partnership_id), str(row.indicator_id)): verdict_text(str(row.flag), str(row.flag_level), str(row.method))
        for row in judged.itertuples()
    }
    assert shown.to_dict() == expected
    assert shown[("E06000031", "cp_conference_attendance")] == verdict_text(
        *results.set_index(["partnership_id", "indicator_id"])
        .loc[("E06000031", "cp_conference_attendance"), ["flag", "flag_level"]].astype(str)
    )
    drawn = sum(len(trace["customdata"]) for trace in charts(app)[0]["data"] if "customdata" in trace)
    assert drawn == 30 * columns


def test_similar_deprivation_narrows_to_the_same_idaci_fifth(open_overview):
    """Newcastle upon Tyne is in the most deprived fifth by IDACI: 29 partnerships, kept in the URL."""
    app = open_overview()
    app.selectbox(key="similar_deprivation_to").select(NEWCASTLE).run()
    assert not app.exception
    shown = league(app)
    assert len(shown) == 29
    assert set(shown["deprivation"]) == {"most deprived fifth"}
    assert shown["partnership_name"].iloc[:2].tolist() == ["Nottingham", "Redcar and Cleveland"]
    assert app.query_params["similar_deprivation_to"] == NEWCASTLE


def test_matrix_shows_all_partnerships_on_request(open_overview):
    app = open_overview(view=MATRIX)
    app.toggle(key="matrix_all").set_value(True).run()
    assert app.dataframe[0].value["Partnership code"].nunique() == 153


def test_map_table_colours_each_la_by_its_partnerships_score(open_overview, engine):
    app = open_overview(region="North East", view=MAP)
    table = app.dataframe[0].value
    scores = engine[LATEST].scores.assign(partnership_id=lambda f: f["partnership_id"].astype(str)).set_index("partnership_id")
    assert len(table) == 153
    assert table["Concern score"].tolist() == scores.loc[table["Partnership code"], "score"].tolist()
    assert table["In the filter"].sum() == 12
    newcastle = table.set_index("LA code").loc[NEWCASTLE]
    assert (newcastle["Rank"], newcastle["Rank (95% interval)"], newcastle["Concern score"]) == (
        16, "16 (14-17)", pytest.approx(1.324974)
    )


def test_selecting_a_row_opens_the_partnership(open_overview):
    app = open_overview(period=EARLIER)
    app.session_state["league"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    app.run()
    assert app.query_params["partnership"] == "E06000049"  # Cheshire East, second in 2026-27 Q1


def test_the_partnership_opens_at_the_chosen_period(open_overview):
    app = open_overview(period=EARLIER)
    app.session_state["league"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    app.run()
    assert app.query_params["period"] == EARLIER


@pytest.mark.parametrize(("chart", "view"), [("matrix", MATRIX), ("hexmap", MAP)])
def test_clicking_a_cell_or_hex_opens_the_partnership(open_overview, chart, view):
    app = open_overview(view=view)
    app.session_state[chart] = {
        "selection": {"points": [{"customdata": [NEWCASTLE]}], "point_indices": [0], "box": [], "lasso": []}
    }
    app.run()
    assert app.query_params["partnership"] == NEWCASTLE


def test_published_figures_only_from_the_url(open_overview, demo_store):
    """?figures=published: the table is the engine's comparison on published figures alone, and says so."""
    app = open_overview(figures="published")
    assert app.selectbox(key="figures").value == "published"
    expected = compare(demo_store, LATEST, published_only=True).scores
    shown = league(app)
    assert shown["partnership_id"].tolist() == expected["partnership_id"].astype(str).tolist()
    assert shown["score"].tolist() == expected["score"].tolist()
    assert (shown["did_not_report"] == 0).all()


def test_league_table_says_what_changed_since_last_quarter(open_overview):
    """The "since" column: flags new and cleared since 2026-27 Q1 and the rank's movement (demo literals)."""
    shown = league(open_overview()).set_index("partnership_name")
    assert shown.loc["Peterborough", "since"] == "1 new, 0 cleared flags; down 7 places"
    assert shown.loc["Newcastle upon Tyne", "since"] == "2 new, 0 cleared flags; down 6 places"
    assert shown.loc["Barnet", "since"] == "0 new, 12 cleared flags; down 81 places"
    assert shown["since"].notna().all()


def test_the_map_finds_a_local_authority_by_name(open_overview):
    """Typing a name says where it is on the map and how its partnership stands, with a way to open it."""
    app = open_overview(view=MAP)
    app.selectbox(key="find_area").select("Peterborough").run()
    assert not app.exception
    assert any(m.value == "Peterborough is labelled **PET** on the map; its partnership, Peterborough, has concern "
               "score 1.44, rank 14 (12-16) of 153." for m in app.markdown)
    assert [b.label for b in app.button if b.key == "open_found"] == ["Open Peterborough"]
