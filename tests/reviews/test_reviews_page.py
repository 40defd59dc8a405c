"""The Case reviews page, run in-process with AppTest on the session's demo database (seeded, so the literal
values below are stable). Every table the page shows equals what the core computes for the same data, and every
chart draws its table."""

import base64
import json
import shutil

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.compare.engine import compare
from boards.demo import DEMO_REGISTER_AS_AT
from boards.imports.pipeline import commit_plan
from boards.reviews.register import current_register
from boards.reviews.summaries import (
    came_back_after_sign_off,
    impact_evidence,
    neighbours_of,
    overdue_by_agency,
    recurrence_timeline,
    review_indicators,
    theme_matrix,
)
from boards.store import Store

from .conftest import inspect

PAGE = "boards/pages/reviews.py"
BIRMINGHAM = "E08000025"
LATEST = "2026-27 Q2"


def open_page(db_path, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("BOARDS_DB", str(db_path))
    st.cache_resource.clear()
    app = AppTest.from_file("../../dashboard.py", default_timeout=120).run()
    for name, value in query.items():
        app.query_params[name] = value
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.fixture(scope="module")
def store(demo_store):
    return demo_store


@pytest.fixture(scope="module")
def register(store):
    return current_register(store)


@pytest.fixture
def birmingham(demo_db_path, monkeypatch):
    app = open_page(demo_db_path, monkeypatch, partnership=BIRMINGHAM, period=LATEST)
    yield app
    st.cache_resource.clear()


# Each chart's table, known by a column only it has.
TABLE_COLUMNS = {"review_indicators": "sentence", "theme_matrix": "recurrences", "theme_timeline": "earlier_review_id",
                 "overdue_by_agency": "not_yet_due"}


def shown(app, key: str) -> pd.DataFrame:
    found = [frame.value for frame in app.dataframe if TABLE_COLUMNS[key] in frame.value.columns]
    assert len(found) == 1, key
    return found[0]


def spec(app, key: str) -> dict:
    return json.loads(app.get_by_key(key).proto.spec)


def numbers(values) -> list:
    """A Plotly array as a list (numbers are base64-encoded typed arrays in the spec)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


def test_labelled_as_invented(birmingham):
    """The demo notice and the explicit synthetic-register label are on the page."""
    assert birmingham.title[0].value == "Case reviews"
    assert any("Demonstration data" in w.value for w in birmingham.warning)
    assert any("Synthetic register, invented." in c.value for c in birmingham.caption)


def test_review_indicators_equal_the_comparison(birmingham, store):
    """The nine case review indicators of Birmingham as at 2026-27 Q2, as the comparison engine has them."""
    expected = review_indicators(compare(store, LATEST).area_results, BIRMINGHAM)
    table = shown(birmingham, "review_indicators")
    assert table["indicator_id"].tolist() == expected["indicator_id"].tolist() == [
        "serious_incident_notifications", "notification_timeliness", "rapid_review_timeliness",
        "review_publication_timeliness", "review_actions_overdue", "review_actions_days_overdue",
        "recurring_review_themes", "review_actions_impact_evidenced", "review_themes_after_sign_off"]
    pd.testing.assert_series_equal(table["value"], expected["value"], check_names=False)
    pd.testing.assert_series_equal(table["england"], expected["england"], check_names=False)
    assert table.set_index("indicator_id").loc["review_actions_overdue", "value"] == pytest.approx(29.4)
    drawn = [numbers(t["x"])[0] for t in spec(birmingham, "review_indicators")["data"] if t["name"] == "This partnership"]
    assert drawn == expected["value"].dropna().tolist()


def test_theme_matrix_equals_the_core(birmingham, store, register):
    """Birmingham and its ten statistical neighbours x 16 themes, counted over the 3 years to 30 Sep 2026."""
    names = pd.Series(store.partnership_names())
    expected = theme_matrix(register.findings(), DEMO_REGISTER_AS_AT,
                            names.reindex(neighbours_of(store.read("compare_neighbours"), BIRMINGHAM)))
    table = shown(birmingham, "theme_matrix")
    assert len(table) == 11 * 16
    assert table["reviews"].tolist() == expected["reviews"].tolist()
    assert table["recurrences"].tolist() == expected["recurrences"].tolist()
    assert table["percent_of_reviews"].tolist() == pytest.approx(expected["percent_of_reviews"].tolist(), nan_ok=True)
    assert numbers(spec(birmingham, "theme_matrix")["data"][0]["marker"]["color"]) == expected[
        "percent_of_reviews"].fillna(0).tolist()
    assert any("(48 of 88 partnership-theme pairs with reviews were seen again)" in c.value for c in birmingham.caption)


def test_neighbours_side_by_side_per_review(birmingham, store, register):
    """Birmingham's 33 reviews in the 3 years found 1.79 themes each, 1.67 seen again; Middlesbrough's 5 found 1.2: per
    review, not raw counts, where partnerships are set side by side."""
    table = next(frame.value for frame in birmingham.dataframe if "themes_per_review" in frame.value.columns)
    assert table.iloc[0][["partnership_name", "reviews", "themes_per_review", "seen_again_per_review"]].tolist() == [
        "Birmingham", 33, 1.79, 1.67]
    assert table.set_index("partnership_name").loc["Middlesbrough", "themes_per_review"] == 1.2


def test_learning_that_did_not_take_hold_is_listed_with_its_recommendation(birmingham, store, register):
    """Among Birmingham and its neighbours, 34 findings of the 3 years to 30 Sep 2026 came back after a recommendation
    addressing the theme was signed off; the latest: Birmingham's R051 found risk assessment on 22 Sep 2026, after
    R044's recommendation 4 (health) was signed off on 9 Aug 2026. The matrix marks 16 partnership-theme pairs ⚑."""
    names = pd.Series(store.partnership_names())
    expected = came_back_after_sign_off(register.findings(), register.recommendations, DEMO_REGISTER_AS_AT,
                                        names.reindex(neighbours_of(store.read("compare_neighbours"), BIRMINGHAM)))
    table = next(frame.value for frame in birmingham.dataframe if "owner_agency" in frame.value.columns)
    assert table["review_id"].tolist() == expected["review_id"].tolist()
    assert len(table) == 34
    assert table.iloc[0][["partnership_name", "review_id", "theme", "signed_off_review_id",
                          "signed_off_recommendation_id", "owner_agency"]].tolist() == [
        "Birmingham", "R051", "Risk assessment", "R044", "4", "Health"]
    assert any("**34 finding(s)** in the 3 years to 30 Sep 2026 came back" in m.value for m in birmingham.markdown)
    assert any("came back after a recommendation addressing it was signed off (16 partnership-theme pairs)" in c.value
               for c in birmingham.caption)
    assert "⚑" in "".join(spec(birmingham, "theme_matrix")["data"][0]["text"])


def test_evidence_of_impact_of_completed_recommendations(birmingham, register):
    """Of Birmingham's 127 recommendations completed by 30 Sep 2026, 53 have (invented) evidence of impact, 58 none
    after 6 months, 16 were completed too recently; the table is the core's."""
    expected = impact_evidence(register, [BIRMINGHAM], DEMO_REGISTER_AS_AT)
    table = next(frame.value for frame in birmingham.dataframe if "impact" in frame.value.columns)
    assert table["impact"].tolist() == expected["impact"].tolist()
    assert table["impact"].value_counts().to_dict() == {"No evidence after 6 months": 58, "Evidence of impact": 53,
                                                        "No evidence yet": 16}
    assert any("Of **127** recommendations completed by 30 Sep 2026, **53** have evidence of impact" in m.value
               for m in birmingham.markdown)
    assert any("**58** have none after 6 months (a concern)" in m.value for m in birmingham.markdown)


def test_timeline_equals_the_core(birmingham, register):
    """Birmingham's findings up to 30 Sep 2026: 72 of 90 repeat a theme found within 3 years."""
    expected = recurrence_timeline(register.findings(), BIRMINGHAM, DEMO_REGISTER_AS_AT)
    table = shown(birmingham, "theme_timeline")
    assert table["review_id"].tolist() == expected["review_id"].tolist()
    assert table["recurs"].tolist() == expected["recurs"].tolist()
    assert (len(table), int(table["recurs"].sum())) == (90, 72)
    assert any(c.value.startswith("72 of 90 findings repeated a theme") for c in birmingham.caption)


def test_overdue_by_agency_equals_the_core(birmingham, register):
    """5 of Birmingham's 17 open recommendations were overdue at 30 Sep 2026; the bars draw the table."""
    expected = overdue_by_agency(register, [BIRMINGHAM], DEMO_REGISTER_AS_AT)
    table = shown(birmingham, "overdue_by_agency")
    columns = ["agency", "open", "overdue"]
    assert table[columns].values.tolist() == expected[columns].values.tolist()
    assert (int(table["open"].sum()), int(table["overdue"].sum())) == (17, 5)
    traces = spec(birmingham, "overdue_by_agency")["data"]
    bars = {trace["name"]: dict(zip(trace["y"], numbers(trace["x"]))) for trace in traces}
    assert bars["Overdue"] == {"Safeguarding partnership": 0, "Youth justice": 1, "Education": 1, "Health": 0, "Police": 1,
                              "Local authority": 2}
    assert any(c.value.startswith("5 of 17 open recommendations were past their due date at 30 Sep 2026")
               for c in birmingham.caption)


def test_region_scope(birmingham, store):
    """Choosing 'Its region' shows Birmingham first, then the other West Midlands partnerships."""
    birmingham.radio(key="review_scope").set_value("Its region").run()
    assert not birmingham.exception
    partnerships = store.read("compare_partnerships")
    region = partnerships.loc[partnerships["partnership_id"] == BIRMINGHAM, "region_code"].iloc[0]
    table = shown(birmingham, "theme_matrix")
    assert table["partnership_name"].iloc[0] == "Birmingham"
    assert table["partnership_name"].nunique() == int((partnerships["region_code"] == region).sum())


def test_england_without_a_partnership(demo_db_path, monkeypatch, register):
    """With no partnership chosen: the 20 partnerships with most recurrences, and England's recommendations."""
    app = open_page(demo_db_path, monkeypatch, period=LATEST)
    assert shown(app, "theme_matrix")["partnership_name"].nunique() == 20
    expected = overdue_by_agency(register, register.reviews["partnership_id"].unique(), DEMO_REGISTER_AS_AT)
    assert shown(app, "overdue_by_agency")["overdue"].tolist() == expected["overdue"].tolist()
    assert len(app.get("plotly_chart")) == 2  # no partnership: no indicators, no timeline
    st.cache_resource.clear()


def test_no_register_yet(store_without_register, monkeypatch):
    """A database with figures but no register says so, and how to upload one."""
    app = open_page(store_without_register, monkeypatch)
    assert "No case review register has been uploaded yet" in app.info[0].value
    assert not app.get("plotly_chart")
    st.cache_resource.clear()


@pytest.fixture
def store_without_register(reference_db, tmp_path):
    """The reference data and one quarterly figure."""
    path = tmp_path / "no_register.duckdb"
    shutil.copy(reference_db, path)
    opened = Store.open(path)
    commit_plan(opened, inspect(opened, "return.csv", b"area_code,period,indicator,value\nE06000001,2025-26 Q1,"
                                                      b"multi_agency_audits,4\n"))
    opened.close()
    return path
