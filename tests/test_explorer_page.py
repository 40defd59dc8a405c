"""The indicator explorer, run in-process with AppTest on the session's demo database.

Every figure the page shows is checked against the comparison engine run on the same database,
with literal values where the seeded demo data make them stable.
"""

import json

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.charts.explorer import headline, over_time_frame, overdispersion_sentence, ranked_table
from boards.compare.engine import compare

PERIOD = "2026-27 Q2"
PAGE = "boards/pages/explorer.py"


def open_explorer(demo_db_path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("BOARDS_DB", str(demo_db_path))
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    # As a link would: the URL names the choices when the explorer opens.
    for name, value in params.items():
        app.query_params[name] = value
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def comparison(demo_store):
    return compare(demo_store, PERIOD)


@pytest.fixture
def rereferrals(demo_db_path, monkeypatch):
    app = open_explorer(demo_db_path, monkeypatch, indicator="rereferral_rate", period=PERIOD)
    yield app
    st.cache_resource.clear()


# Each chart's table, told apart by a column only it has (AppTest does not expose dataframe keys).
TABLES = {
    "ranked": "95% interval, lower",
    "funnel": "99.8% limit, upper",
    "limits": "Adjustment for overdispersion",
    "robust": "Robust z",
    "trend": "Period",
}


def table(app: AppTest, name: str) -> pd.DataFrame:
    found = [frame.value for frame in app.dataframe if TABLES[name] in frame.value.columns]
    if name == "funnel":
        found = [frame for frame in found if "Partnership" in frame.columns]
    if not found:
        raise KeyError(name)
    assert len(found) == 1
    return found[0]


def figure(app: AppTest, key: str) -> dict:
    return json.loads(app.get_by_key(key).proto.spec)


def texts(app: AppTest) -> str:
    return "\n".join(m.value for m in [*app.markdown, *app.caption, *app.info])


def test_ranked_table_equals_the_engine(rereferrals, comparison):
    """The ranked table lists every partnership in the engine's rank order with its value and interval."""
    shown = table(rereferrals, "ranked")
    assert shown.iloc[0][["Rank", "Partnership", "Value"]].tolist() == [1.0, "Isles of Scilly", 0.0]
    assert shown.iloc[1][["Rank", "Partnership", "Value"]].tolist() == [2.0, "Hounslow", 12.1]
    expected = comparison.area_results[comparison.area_results["indicator_id"] == "rereferral_rate"]
    expected = expected.sort_values(["rank", "partnership_name"])
    assert len(shown) == 153
    assert shown["Partnership"].tolist() == expected["partnership_name"].astype(str).tolist()
    assert shown["Value"].tolist() == expected["value"].tolist()
    assert np.allclose(shown["95% interval, lower"], expected["ci_lower_95"])
    assert np.allclose(shown["95% interval, upper"], expected["ci_upper_95"])
    worst = shown.iloc[-1]
    assert (worst["Partnership"], worst["Value"], worst["Verdict"]) == ("Isle of Wight", 46.7, "▼ Worse (99.8%)")


def test_headline_counts_and_period_compared(rereferrals):
    """The first line says how many are worse; the side panel names the year actually compared."""
    text = texts(rereferrals)
    assert (
        "**Re-referrals within 12 months** (year to 31 Mar 2025), England 22.6%: "
        "**▼ 2 worse** than England (2 beyond 99.8%), ▲ 1 better, ● 150 similar." in text
    )
    assert ("Year to 31 Mar 2025: the latest figures published by the end of 2026-27 Q2 (Jul-Sep 2026) (published "
            "1 December 2025)") in text
    assert "Lower is better" in text
    assert "DfE Children in need statistics, table C1" in text


def test_funnel_limits_equal_the_funnel_curve(rereferrals, comparison):
    """The limits drawn are the engine's funnel curve; each area's limits are its own."""
    drawn = table(rereferrals, "limits")
    curve = comparison.funnel_curve("rereferral_rate")
    assert len(drawn) == len(curve) > 50
    pairs = (("95% limit, lower", "lower_95"), ("99.8% limit, upper", "upper_99_8"), ("Denominator", "denominator"))
    for shown, column in pairs:
        assert np.allclose(drawn[shown], curve[column])
    assert set(drawn["Adjustment for overdispersion"]) == {"random_effects"}
    points = table(rereferrals, "funnel").set_index("Partnership")
    expected = comparison.area_results.query("indicator_id == 'rereferral_rate'").set_index("partnership_name")
    assert np.allclose(points.loc["Hounslow", "99.8% limit, upper"], expected.loc["Hounslow", "upper_99_8"])
    assert "**Limits widened for overdispersion.** The 153 partnerships" in texts(rereferrals)


def test_funnel_figure_draws_both_limits(rereferrals):
    """The funnel figure has the 95% and 99.8% limits, England and points by verdict and level: the 2 worse
    beyond 99.8% solid, the 1 better beyond 95% only hollow."""
    traces = figure(rereferrals, "funnel")["data"]
    names = [trace["name"] for trace in traces]
    assert {"95% limits", "99.8% limits", "England 22.6%", "Similar"} <= set(names)
    symbols = {trace["name"]: trace["marker"]["symbol"] for trace in traces if trace["name"] in (
        "Worse (99.8%)", "Worse (95%)", "Better (95%)")}
    assert symbols == {"Worse (99.8%)": "triangle-down", "Better (95%)": "triangle-up-open"}
    assert "Better (99.8%)" not in names
    counts = {trace["name"]: len(trace["customdata"]) for trace in traces if trace["name"] in symbols}
    assert counts == {"Worse (99.8%)": 2, "Better (95%)": 1}


def test_switching_indicator_changes_the_view(rereferrals, comparison):
    """Choosing caseload shows its ranking and the robust z explanation, and the URL follows."""
    rereferrals.selectbox(key="indicator").select("caseload").run()
    assert not rereferrals.exception
    assert rereferrals.query_params["indicator"] == "caseload"
    shown = table(rereferrals, "ranked")
    assert shown.iloc[0][["Partnership", "Value"]].tolist() == ["Isles of Scilly", 6.0]
    text = texts(rereferrals)
    assert "There is no funnel for Caseload: it is not a proportion or a rate" in text
    robust = table(rereferrals, "robust")
    expected = comparison.area_results.query("indicator_id == 'caseload' and robust_z == robust_z")
    assert len(robust) == len(expected) == 151
    assert np.isclose(robust.iloc[0]["Robust z"], -4.773319, atol=1e-6)
    with pytest.raises(KeyError):
        table(rereferrals, "limits")


def test_grade_says_why_there_is_no_funnel(demo_db_path, monkeypatch):
    """43 concerns: Somerset's inspection of April 2026, with no overall grade, counts by its sub-judgements
    (Requires improvement) rather than by the Good of 2022."""
    app = open_explorer(demo_db_path, monkeypatch, indicator="ilacs_grade", period=PERIOD)
    text = texts(app)
    assert "There is no funnel for ILACS grade: a grade is Ofsted's own judgement" in text
    assert "**▼ 43 Inadequate or Requires improvement** (Ofsted's judgement, a concern), ▲ 46 Outstanding" in text


def test_demo_indicator_literal_and_notice(demo_db_path, monkeypatch, comparison):
    """An invented local indicator: its first-ranked partnership, and the demo notice."""
    app = open_explorer(demo_db_path, monkeypatch, indicator="training_places_filled", period=PERIOD)
    shown = table(app, "ranked")
    assert shown.iloc[0][["Rank", "Partnership", "Value"]].tolist() == [1.0, "Bromley", 88.1]
    assert shown["Verdict"].str.startswith("!").sum() == 15  # did not report, listed last
    assert shown["Rank"].iloc[-15:].isna().all()
    assert any("Demonstration data" in w.value for w in app.warning)
    # Every figure is marked invented: in the table, in each point's hover text and in the legend.
    assert set(shown["Figure"]) == {"invented"}
    points = [trace for trace in figure(app, "ranked")["data"] if trace.get("customdata")]
    assert points and all(trace["name"].endswith(" (invented)") for trace in points)
    assert all("(invented)" in text for trace in points for text in trace["hovertext"])
    assert set(table(app, "funnel")["Figure"]) == {"invented"}


def test_published_indicator_is_real_in_table_and_legend(rereferrals):
    assert set(table(rereferrals, "ranked")["Figure"]) == {"real"}
    assert not any("(invented)" in trace["name"] for trace in figure(rereferrals, "funnel")["data"])


def test_highlighted_partnership(demo_db_path, monkeypatch, comparison):
    """A partnership in the URL gets its sentence, its region line and a link to its profile."""
    app = open_explorer(demo_db_path, monkeypatch, indicator="caseload", period=PERIOD, partnership="E06000001")
    row = comparison.area_results.query("indicator_id == 'caseload' and partnership_id == 'E06000001'").iloc[0]
    assert app.info[0].value == f"Hartlepool: {row['sentence']}"
    assert app.page_link[0].value == "Open the profile of Hartlepool"
    names = [trace["name"] for trace in figure(app, "ranked")["data"]]
    assert "North East 16.5" in names and "Chosen: Hartlepool" in names
    trend = table(app, "trend")
    history = comparison.history.query("indicator_id == 'caseload' and partnership_id == 'E06000001'")
    assert trend["Hartlepool"].iloc[-1] == history.loc[history["period_id"] == "Sep 2025", "value"].iloc[0] == 13.9


def test_no_figures_as_at_an_early_period(demo_db_path, monkeypatch):
    app = open_explorer(demo_db_path, monkeypatch, indicator="attendance_police", period="2015-16")
    assert "No figures for Police attendance at partnership meetings as at 2015-16" in app.info[0].value


# -- the chart module's pure helpers ---------------------------------------------------------


def test_ranked_table_puts_unranked_last(comparison):
    results = comparison.area_results[comparison.area_results["indicator_id"] == "assessment_timeliness"]
    table = ranked_table(results)
    assert table["Rank"].notna().sum() == results["rank"].notna().sum()
    assert table["Rank"].iloc[: table["Rank"].notna().sum()].is_monotonic_increasing
    assert table["Rank"].iloc[table["Rank"].notna().sum():].isna().all()


def test_overdispersion_sentence_in_plain_words():
    widened = pd.Series({"areas": 137, "p_value": 1e-9, "adjustment": "random_effects", "tau": 6.23})
    assert "percentage points" in overdispersion_sentence(widened, "percent")
    assert "p < 0.001" in overdispersion_sentence(widened, "percent")
    plain = pd.Series({"areas": 33, "p_value": 0.274, "adjustment": "none", "tau": 0.0})
    assert overdispersion_sentence(plain, "percent").startswith("**Plain limits, not widened.**")
    assert "p = 0.274" in overdispersion_sentence(plain, "percent")


def test_headline_for_context(comparison):
    results = comparison.area_results[comparison.area_results["indicator_id"] == "referral_rate"]
    text = headline(results, name="Referral rate", compared="year to 31 Mar 2025", benchmark="England",
                    benchmark_value="519.4 per 10,000")
    assert text == (
        "**Referral rate** (year to 31 Mar 2025) is context: shown for information, never judged. "
        "England 519.4 per 10,000."
    )


def test_over_time_frame_stops_at_the_comparison(comparison, demo_store):
    periods = demo_store.read("compare_periods")
    frame = over_time_frame(
        comparison.benchmarks, comparison.history, periods, indicator_id="attendance_police",
        as_at=comparison.as_at, region_code="E12000001", partnership_id="E06000001",
    )
    assert frame["period"].tolist()[0] == "2024-25 Q3" and frame["period"].tolist()[-1] == PERIOD
    assert len(frame) == 8
    assert frame["region"].notna().all()
    england = comparison.benchmarks.query(
        "indicator_id == 'attendance_police' and geography_code == 'E92000001' and period_id == @PERIOD"
    )
    assert np.isclose(frame["england"].iloc[-1], england["value"].iloc[0])


def test_trend_table_names_the_benchmark_it_shows():
    """Where England has no figure its line is the median of partnerships, named so, once."""
    from boards.charts.explorer import trend_table

    over_time = pd.DataFrame({"period": ["2025-26 Q4", "2026-27 Q1"], "england": [4.0, 5.0], "lower_quartile": [2.0, 3.0],
                              "median": [4.0, 5.0], "upper_quartile": [6.0, 7.0]})
    assert trend_table(over_time).columns.tolist() == [
        "Period", "England", "Lower quartile of partnerships", "Median of partnerships", "Upper quartile of partnerships"]
    median = trend_table(over_time, england_label="Median of partnerships")
    assert median.columns.tolist() == [
        "Period", "Median of partnerships", "Lower quartile of partnerships", "Upper quartile of partnerships"]
    assert median["Median of partnerships"].tolist() == [4.0, 5.0]
