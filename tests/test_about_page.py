"""The About page, run in-process with AppTest on the session's demo database."""

import json

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.catalogue import DOMAINS, load_catalogue
from boards.compare.backtest import RESULTS_PATH
from boards.compare.score import WEIGHTS_PATH
from boards.provenance import attribution, source_files

OGL = "Contains public sector information licensed under the Open Government Licence v3.0"


@pytest.fixture
def about(demo_db_path, monkeypatch):
    monkeypatch.setenv("BOARDS_DB", str(demo_db_path))
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    app.switch_page("boards/pages/about.py").run()
    assert not app.exception, app.exception
    yield app
    st.cache_resource.clear()


def shown_tables(app: AppTest) -> list[pd.DataFrame]:
    return [table.value for table in app.table]


def text(app: AppTest) -> str:
    """The page's words with line breaks and runs of spaces as single spaces."""
    return " ".join(" ".join(m.value for m in [*app.markdown, *app.warning]).split())


def test_every_indicator_with_its_definition_grouped_by_domain(about):
    """Each domain has a table, and every catalogue indicator appears in its domain's table."""
    catalogue = load_catalogue()
    tables = [t for t in shown_tables(about) if "Definition" in t.columns]
    assert [s.value for s in about.subheader][: len(DOMAINS)] == list(DOMAINS.values())
    assert len(tables) == len(DOMAINS)
    by_domain = dict(zip(DOMAINS, tables, strict=True))
    for indicator in catalogue.values():
        table = by_domain[indicator.domain].set_index("Indicator")
        assert table.loc[indicator.name, "Definition"] == indicator.definition
        assert table.loc[indicator.name, "Source"] == indicator.source
    assert sum(len(t) for t in tables) == len(catalogue)
    rereferrals = by_domain["demand"].set_index("Indicator").loc["Re-referrals within 12 months"]
    assert rereferrals["Polarity"] == "Lower is better"
    referrals = by_domain["demand"].set_index("Indicator").loc["Referral rate"]
    assert referrals["Polarity"] == "Context: shown for information, never judged"


def test_concern_weights_table_equals_the_csv(about):
    weights = pd.read_csv(WEIGHTS_PATH)
    shown = next(t for t in shown_tables(about) if "Weight" in t.columns)
    assert shown.to_numpy().tolist() == weights.to_numpy().tolist()
    assert shown.loc[shown["Applies to"] == "cap", "Weight"].item() == 3.0


def test_methods_name_their_sources_and_the_engine_thresholds(about):
    words = text(about)
    for phrase in (
        "**Wilson** score interval",
        "**exact Poisson** interval below 10 events and **Byar's** approximation",
        "**95%** limits",
        "**99.8%** limits",
        "Spiegelhalter",
        "whenever at least 10 of them report",
        "does not decide",
        "additive random-effects model",
        "(SHMI)",
        "**robust z-score**",
        "last 4 quarters",
        "**relative to England**",
        "score = sum of (weight × capped distance) ÷ sum of the weights of the indicators assessed",
        "**withholding a figure never lowers a score**",
        "redrawn 1,000 times from their sampling error",
        "Goldstein and Spiegelhalter",
        "**as at** the end of a quarter: it uses only what had been published by that day",
        "a year to 31 March from 1 December after it",
        "the year to March 2025, published on 1 December 2025, counts from 2025-26 Q3",
    ):
        assert phrase in words, phrase


def test_backtest_section_shows_the_stored_run(about):
    """The backtest's figures are those of data/backtest_results.json (written by boards backtest --format json):
    the out-of-sample AUC of the score for Requires improvement or worse overall, in a table per judgement."""
    document = json.loads(RESULTS_PATH.read_text())
    row = next(r for r in document["auc"] if (r["window"], r["judgement"], r["outcome"], r["measure"]) == (
        "out of sample (2022 on)", "overall effectiveness", "Requires improvement or worse", "concern score"))
    tables = [t for t in shown_tables(about) if "Measure" in t.columns]
    assert len(tables) == 2
    overall = tables[0].set_index("Measure")
    assert overall.loc["concern score", "Requires improvement or worse, out of sample (2022 on)"] == (
        f"{row['auc']:.3f} ({row['low']:.3f}-{row['high']:.3f})"
    )
    assert "previous ILACS judgement" in overall.index
    words = text(about)
    assert f"{document['inspections']} inspections, {document['in_sample']} before 2022" in words
    assert "**published figures only**" in words and "Hanley and McNeil, 1982" in words


def test_states_both_recurrence_rules(about):
    """The two recurrence rules of the case review register, word for word as the data dictionary has them."""
    words = text(about)
    assert "#### When a case review theme comes back" in words
    assert ("**Came back after sign-off.** A theme of a review came back after sign-off (the learning did not take "
            "hold) when a recommendation of the same partnership that addresses the theme had been signed off as "
            "completed before that review, within 3 years of the sign-off. A recommendation still open when the theme "
            "was found again does not count, nor one signed off more than 3 years before.") in words
    assert "**Seen again.** A theme of a review is seen again when an earlier review of the same partnership" in words


def test_plain_against_widened_example_is_the_engines(about):
    """The re-referral example counts the engine's plain and adjusted verdicts (103 and 2 on the demo)."""
    expected = "plain limits would put **103** of 153 partnerships beyond the 99.8% limits; the widened limits put **2**"
    assert expected in text(about)


def test_open_government_licence_and_sources(about):
    words = text(about)
    assert OGL in words
    assert attribution() == OGL + "."
    assert "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in words
    files = about.dataframe[0].value
    assert files["file"].tolist() == source_files()["file"].tolist()
    assert "dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv" in files["file"].tolist()


def test_says_which_figures_are_invented(about, demo_store):
    """Exactly the indicators the database holds demo rows for are named as invented."""
    words = text(about)
    assert "the local quarterly returns are **invented**" in words
    freshness = demo_store.read("indicator_freshness")
    demo = freshness.loc[freshness["sources"].str.contains("demo", na=False), "name"].tolist()
    assert len(demo) >= 19 and "Multi-agency training places filled" in demo
    assert "Re-referrals within 12 months" not in demo
    assert f"The {len(demo)} indicators whose figures here are invented: {'; '.join(demo)}." in words


def test_accessibility_statement(about):
    words = text(about)
    assert [h.value for h in about.header][-1] == "Accessibility statement"
    assert "**Web Content Accessibility Guidelines (WCAG) 2.2 at level AA**" in words
    assert "#### Reporting a problem" in words
    assert "#### How we test it" in words


def test_source_files_read_from_the_provenance_table(tmp_path):
    """The provenance reader takes the table under '## Files' only, and the attribution line."""
    path = tmp_path / "PROVENANCE.md"
    path.write_text(
        "# P\n\n> Contains public sector information licensed under the Open Government Licence v3.0.\n\n"
        "## Files\n\n| file | licence |\n|---|---|\n| `a.csv` | OGL |\n| b.csv | MIT |\n\n"
        "## Other\n\n| not | this |\n|---|---|\n| x | y |\n"
    )
    assert source_files(path).to_dict("list") == {"file": ["a.csv", "b.csv"], "licence": ["OGL", "MIT"]}
    assert attribution(path) == OGL + "."
