"""The partnership profile page, run in-process with AppTest on the session's demo database.

Every figure the page shows is checked against the comparison engine or the store for the same
data; the literal values are those of the seeded demo (Peterborough ranks 16th, 15-18, as at 2026-27 Q2).
"""

import shutil

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.catalogue import DOMAINS
from boards.charts.spine import spine_table
from boards.compare.engine import compare
from boards.compare.spine import spine_rows

PETERBOROUGH = "E06000031"
NORFOLK = "E10000020"  # sent none of its local returns for the last three quarters
LATEST = "2026-27 Q2"
FIRST_WORSE = (
    "Strategy discussions with partners 27.0% against England 69.0%: below the 99.8% limit (35.4%); worse for 7 "
    "quarters running."
)


def open_profile(db_path, monkeypatch, **query):
    monkeypatch.setenv("BOARDS_DB", str(db_path))
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=120).run()
    # Set after the first run: the default page has a period selector of its own, bound to the URL.
    for name, value in query.items():
        app.query_params[name] = value
    app.switch_page("boards/pages/profile.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.fixture(scope="module")
def store(demo_store):
    return demo_store


@pytest.fixture(scope="module")
def latest(store):
    return compare(store, LATEST)


@pytest.fixture
def peterborough(demo_db_path, monkeypatch):
    app = open_profile(demo_db_path, monkeypatch, partnership=PETERBOROUGH, period=LATEST)
    yield app
    st.cache_resource.clear()


def table_with(app, column: str) -> pd.DataFrame:
    found = [frame.value for frame in app.dataframe if column in frame.value.columns]
    assert len(found) == 1, column
    return found[0]


def test_without_a_partnership_the_page_only_asks_for_one(demo_db_path, monkeypatch):
    """No choice in the URL: a title, the two selectors and a prompt; no figures."""
    app = open_profile(demo_db_path, monkeypatch)
    assert [t.value for t in app.title] == ["Partnership profile"]
    assert "Choose a partnership" in app.info[0].value
    assert not app.get("plotly_chart") and not app.dataframe and not app.metric
    st.cache_resource.clear()


def test_the_url_opens_the_partnership_and_its_score(peterborough, latest):
    """?partnership=E06000031&period=2026-27 Q2: Peterborough, rank 14 (12-16) of 153, its score 1.44 with its
    interval, the engine's summary naming the figures that drive it."""
    score = latest.scores.set_index("partnership_id").loc[PETERBOROUGH]
    assert [t.value for t in peterborough.title] == ["Peterborough"]
    assert peterborough.selectbox(key="partnership").value == PETERBOROUGH
    metrics = {m.label: m.value for m in peterborough.metric}
    assert metrics == {
        "Concern score": "1.44 (1.24 to 1.50)",
        "Rank by concern": "14 (12-16) of 153",
        "Indicators assessed": str(score["assessed"]),
        "Children income-deprived": "20.8%",
    }
    texts = [t.value for t in peterborough.text]
    header = "Region: East of England. Covers: Peterborough (E06000031). Compared as at 2026-27 Q2 (Jul-Sep 2026)."
    assert header in texts
    assert f"In short: {score['summary']}." in texts
    assert score["summary"].startswith(
        "CP conference attendance +5.3 SD (invented), Supervision on time +4.0 SD (invented), "
        "Strategy discussions with partners +3.9 SD (invented); "
        "10 worse (4 beyond 99.8% or 3 robust SDs), 4 worsening"
    )
    assert "Deprivation: 20.8% of children income-deprived (IDACI 2019, rank 50 of 151; second most deprived fifth)." in texts
    assert any("Demonstration data" in w.value for w in peterborough.warning)


def test_flags_shown_are_the_engines_worse_rows(peterborough, latest):
    """10 worse: the 99.8% ones (▼) first, then the 95% ones (▽), then Ofsted's judgement (▼), each the engine's
    sentence as plain text, marked (invented) where the figure is the demo's invented one."""
    shown = [t.value[2:] for t in peterborough.text if t.value[:2] in ("▼ ", "▽ ")]
    assert [t.value[0] for t in peterborough.text if t.value[:2] in ("▼ ", "▽ ")] == ["▼"] * 4 + ["▽"] * 5 + ["▼"]
    results = latest.area_results[latest.area_results["partnership_id"] == PETERBOROUGH]
    worse = results[results["flag"] == "worse"]
    expected = pd.concat([worse[worse["flag_level"] == "99.8"], worse[worse["flag_level"] == "95"],
                          worse[worse["method"] == "grade"]])
    assert len(shown) == 10
    assert shown == [sentence + (" (invented)" if invented else "")
                     for sentence, invented in zip(expected["sentence"], expected["invented"], strict=True)]
    assert sum(sentence.endswith(" (invented)") for sentence in shown) == 9  # all but the ILACS judgement
    assert shown[0] == FIRST_WORSE + " (invented)"
    headings = [h.value for h in peterborough.subheader]
    assert headings[:4] == [
        "▼ Worse than England, beyond the 99.8% limit or 3 robust SDs (4)",
        "▽ Worse than England, beyond the 95% limit or 2 robust SDs (5)",
        "▼ Ofsted's judgement a concern (Inadequate or Requires improvement) (1)",
        "↘ Getting worse over time (2)",
    ]


def test_spine_table_values_equal_the_comparison(peterborough, latest):
    """One row per indicator; value, England, region, neighbours' median at the indicator's decimals."""
    table = table_with(peterborough, "Verdict").set_index("Indicator")
    results = latest.area_results[latest.area_results["partnership_id"] == PETERBOROUGH]
    assert len(table) == len(results) >= 30
    assert list(dict.fromkeys(table["Domain"])) == list(DOMAINS.values())  # grouped by domain
    table = table.loc[results["short_name"].astype(str)]
    for shown, column in (("Value", "value"), ("England", "england"), ("Region", "region"),
                          ("Neighbours' median", "neighbour_median")):
        expected = [round(v, int(d)) for v, d in zip(results[column], results["decimals"], strict=True)]
        np.testing.assert_allclose(table[shown].to_numpy(dtype=float), expected, equal_nan=True)
    # DfE's figure (LAIT), without counts: judged by its robust z, within the middle of areas.
    assessments = table.loc["Assessments in 45 days"]
    shown = assessments[["Value", "England", "Rank (1 = best, or highest)", "Verdict"]].tolist()
    assert shown == [77.0, 85.7, "124 of 150", "● Similar"]
    discussions = table.loc["Strategy discussions with partners"]
    shown = discussions[["Value", "England", "Verdict"]].tolist()
    assert shown == [27.0, 69.0, "▼ Worse (99.8%)"]
    assert table.loc["Referrals per 10k", "Verdict"] == "· Context, not judged"


def test_two_charts_with_titles(peterborough):
    """The spine chart and the trends, each a Plotly chart with a title naming the partnership."""
    charts = peterborough.get("plotly_chart")
    assert len(charts) == 2
    titles = [chart.proto.spec for chart in charts]
    assert "Peterborough against England, 2026-27 Q2 (Jul-Sep 2026)" in titles[0]
    assert "Peterborough over time" in titles[1]


def test_provenance_lists_every_figure_with_its_source_and_load(peterborough, store, latest):
    """Each figure from one stored row: the 16 DfE and Ofsted figures published, the rest invented."""
    table = table_with(peterborough, "Source")
    figures = (latest.area_results["partnership_id"] == PETERBOROUGH).sum()
    assert len(table) == figures
    counts = table["Source"].value_counts().to_dict()
    assert counts == {"demo": figures - 16, "published": 16}
    loads = store.loads().set_index("load_id")
    for row in table.itertuples():
        assert loads.at[row.Load, "source"] == row.Source
        assert loads.at[row.Load, "file_name"] == row.File
    caseload_load = table.set_index("Indicator").at["Caseload", "Load"]
    assert loads.at[caseload_load, "file_name"] == "csww_indicators_2017_to_2025.csv"
    summary = f"The {figures} figures of Peterborough above: {figures - 16} demo, 16 published."
    assert summary in " ".join(t.value for t in peterborough.text)
    assert any("Every quarterly local return came in" in t.value for t in peterborough.text)


def test_missing_returns_equal_what_the_store_holds(demo_db_path, monkeypatch, store):
    """Norfolk marked every local return missing in the last three quarters: the rows the store holds."""
    app = open_profile(demo_db_path, monkeypatch, partnership=NORFOLK, period=LATEST)
    table = table_with(app, "What the store holds")
    observations = store.table("observations")
    quarters = ["2025-26 Q3", "2025-26 Q4", "2026-27 Q1", "2026-27 Q2"]
    held = observations[
        (observations["area_code"] == NORFOLK) & (observations["status"] == "missing")
        & observations["period_id"].isin(quarters)
    ]
    assert len(table) == len(held) > 0
    assert set(held["period_id"]) == set(quarters[1:])
    shown = set(zip(table["Quarter"].str.slice(0, 10), table["Indicator"]))
    names = store.table("indicators").set_index("indicator_id")["short_name"]
    assert shown == set(zip(held["period_id"], held["indicator_id"].map(names)))
    assert set(table["What the store holds"]) == {"marked missing"}
    texts = [t.value for t in app.text]
    for quarter, label in (("2026-27 Q2", "2026-27 Q2 (Jul-Sep 2026)"), ("2025-26 Q3", "2025-26 Q3 (Oct-Dec 2025)")):
        local = observations[(observations["period_id"] == quarter) & observations["source"].isin(["local", "demo"])]
        due, gone = local["indicator_id"].nunique(), (held["period_id"] == quarter).sum()
        if gone == 0:
            assert f"{label}: all {due} returns came in." in texts
        elif gone == due:
            assert f"{label}: none of the {due} returns came in." in texts
        else:
            assert any(text.startswith(f"{label}: {gone} of {due} returns missing: ") for text in texts)
    st.cache_resource.clear()


def test_an_earlier_period_compares_as_at_its_end(demo_db_path, monkeypatch, store):
    """?period=2025-26 Q2: the spine table is that comparison's, not the latest one's."""
    app = open_profile(demo_db_path, monkeypatch, partnership=PETERBOROUGH, period="2025-26 Q2")
    earlier = compare(store, "2025-26 Q2")
    results = earlier.area_results[earlier.area_results["partnership_id"] == PETERBOROUGH]
    table = table_with(app, "Verdict").set_index("Indicator").loc[results["short_name"].astype(str)]
    expected = [round(v, int(d)) for v, d in zip(results["value"], results["decimals"], strict=True)]
    np.testing.assert_allclose(table["Value"].to_numpy(dtype=float), expected, equal_nan=True)
    assert table.at["Strategy discussions with partners", "Period"] == "2025-26 Q2 (Jul-Sep 2025)"
    assert any("Compared as at 2025-26 Q2 (Jul-Sep 2025)." in t.value for t in app.text)
    st.cache_resource.clear()


def test_charts_are_drawn_again_once_a_load_changes_the_data(demo_db_path, tmp_path, monkeypatch):
    """Figures are cached across reruns and sessions, but keyed on the data's version: after an import,
    the spine chart shows the new figure, not the cached one."""
    from boards.access import system_actor
    from boards.imports.pipeline import commit_plan, inspect_upload
    from boards.store import Store

    path = tmp_path / "changing.duckdb"
    shutil.copy(demo_db_path, path)
    writer = Store.open(path)
    app = open_profile(path, monkeypatch, partnership="E08000038", period="2025-26 Q1")

    def spine_spec() -> str:
        return next(chart.proto.spec for chart in app.get("plotly_chart") if "Barnsley against England" in chart.proto.spec)

    # Each spine row's hover data: indicator, value, England, region, neighbours, verdict.
    assert '["Police attendance","66.7% (invented)"' in spine_spec()
    data = b"area_code,period,indicator,value,numerator,denominator,note\nE08000038,2025-26 Q1,attendance_police,,5,7,\n"
    commit_plan(writer, inspect_upload(writer, "police.csv", data, actor=system_actor("tester")))
    app.run()
    # The uploaded figure is real: no longer marked invented.
    assert '["Police attendance","71.4%",' in spine_spec()
    st.cache_resource.clear()


def test_robust_verdicts_are_named_in_robust_sds(demo_store, latest):
    """A robust z verdict in the spine table reads 'Worse (2 robust SDs)', never 'Worse (95%)'."""
    results = latest.area_results
    flagged = results[(results["method"] == "robust") & (results["flag"] == "worse")].iloc[0]
    rows = spine_rows(results, latest.benchmarks, str(flagged["partnership_id"]))
    table = spine_table(rows).set_index("Indicator")
    words = {"95": "2 robust SDs", "99.8": "3 robust SDs"}[str(flagged["flag_level"])]
    assert table.loc[str(flagged["short_name"]), "Verdict"].endswith(f"Worse ({words})")


def test_published_figures_only(demo_db_path, monkeypatch, store):
    """?figures=published: Peterborough's score and rank on DfE and Ofsted figures alone, with their intervals."""
    app = open_profile(demo_db_path, monkeypatch, partnership=PETERBOROUGH, period=LATEST, figures="published")
    score = compare(store, LATEST, published_only=True).scores.set_index("partnership_id").loc[PETERBOROUGH]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Rank by concern"] == f"{score['rank']} ({score['rank_low']}-{score['rank_high']}) of 153"
    assert metrics["Concern score"].startswith(f"{score['score']:.2f} (")
    assert metrics["Indicators assessed"] == str(score["assessed"])


def test_the_board_pack_is_offered_as_a_pdf(peterborough):
    """Beside the score: a button that makes the partnership's board pack when pressed."""
    pack = [button for button in peterborough.get("download_button") if button.label == "Download board pack (PDF)"]
    assert len(pack) == 1
    assert not any("Board pack unavailable" in i.value for i in peterborough.info)


def test_without_chromium_the_page_says_why_there_is_no_board_pack(demo_db_path, monkeypatch):
    """A server with no Chromium (here: BOARDS_CHROMIUM names none) says so instead of failing."""
    monkeypatch.setenv("BOARDS_CHROMIUM", "no-such-chromium")
    app = open_profile(demo_db_path, monkeypatch, partnership=PETERBOROUGH, period=LATEST)
    assert not [b for b in app.get("download_button") if b.label == "Download board pack (PDF)"]
    notices = [i.value for i in app.info if "Board pack unavailable" in i.value]
    assert len(notices) == 1 and "apt-get install chromium" in notices[0]
    st.cache_resource.clear()
