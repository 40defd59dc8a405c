"""The Administration page's Partnerships tab, run with AppTest on a copy of the demo database: an administrator
forms a two-LA partnership, the refusal for an uploader's partnership, and the cached comparison refreshed."""

import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.access import system_actor
from boards.accounts import add_user
from boards.pages.plain import plain
from boards.store import Store

OPERATOR = system_actor("tester")
FORMED = (
    "Cambridgeshire and Peterborough (P-CAMBS-PBORO) covers Cambridgeshire, Peterborough. Cambridgeshire moved "
    "from Cambridgeshire (E10000003) to Cambridgeshire and Peterborough (P-CAMBS-PBORO). Peterborough moved from "
    "Peterborough (E06000031) to Cambridgeshire and Peterborough (P-CAMBS-PBORO). Peterborough (E06000031) "
    "ended. Cambridgeshire (E10000003) ended."
)


@pytest.fixture
def db_path(demo_db_path, tmp_path):
    path = tmp_path / "admin.duckdb"
    shutil.copy(demo_db_path, path)
    store = Store.open(path)
    add_user(store, OPERATOR, username="ada", display_name="Ada Admin", role="admin", password="ada admin password")
    add_user(store, OPERATOR, username="bea", display_name="Bea Barnsley", role="uploader",
             password="bea uploads barnsley", partnership_ids=["E08000038"])
    store.close()
    return path


@pytest.fixture
def app(db_path, monkeypatch):
    monkeypatch.setenv("BOARDS_DB", str(db_path))
    st.cache_resource.clear()
    yield AppTest.from_file("../dashboard.py", default_timeout=120)
    st.cache_resource.clear()


def as_admin(app):
    app.run()
    app.switch_page("boards/pages/sign_in.py").run()
    app.text_input[0].input("ada")
    app.text_input[1].input("ada admin password")
    app.button[0].click().run()
    app.switch_page("boards/pages/admin.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def widget(widgets, label):
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, label
    return found[0]


def test_an_administrator_forms_a_partnership_and_the_dashboard_compares_it_at_once(app):
    """Ada forms Cambridgeshire and Peterborough: the page says what moved and ended, shows it first in the
    table and in the history, the audit trail has it, and the Partnership page (whose comparison was cached
    before the change) shows the new partnership covering both LAs."""
    app.run()
    app.switch_page("boards/pages/profile.py").run()  # caches the comparison of the footprint before the change
    as_admin(app)
    assert [t.label for t in app.tabs] == ["Users", "Partnerships", "Settings", "Audit trail"]
    assert "No partnership has been changed" in app.caption[0].value
    widget(app.text_input, "Id (one word, such as P-CAMBS-PBORO)").input("P-CAMBS-PBORO")
    widget(app.text_input, "Partnership name").input("Cambridgeshire and Peterborough")
    widget(app.multiselect, "Its local authorities (each moves from the partnership it is in now)").select(
        "E10000003").select("E06000031")
    widget(app.button, "Create partnership").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [s.value for s in app.success] == [plain(FORMED)]
    table = next(d.value for d in app.dataframe if "members" in d.value.columns)
    assert table.iloc[0][["partnership_id", "name", "member_count", "members"]].tolist() == [
        "P-CAMBS-PBORO", "Cambridgeshire and Peterborough", 2, "Cambridgeshire, Peterborough"]
    assert len(table) == 152
    history = next(d.value for d in app.dataframe if "From" in d.value.columns)
    assert history.columns.tolist() == ["Local authority", "Partnership", "From", "To", "Begun by", "Ended by"]
    rows = sorted(zip(history["Local authority"], history["Partnership"], history["From"] == "as shipped",
                      history["To"] == "in force", history["Begun by"], history["Ended by"]))
    assert rows == [
        ("Cambridgeshire", "Cambridgeshire (E10000003)", True, False, "data/partnerships.csv", "ada"),
        ("Cambridgeshire", "Cambridgeshire and Peterborough (P-CAMBS-PBORO)", False, True, "ada", ""),
        ("Peterborough", "Cambridgeshire and Peterborough (P-CAMBS-PBORO)", False, True, "ada", ""),
        ("Peterborough", "Peterborough (E06000031)", True, False, "data/partnerships.csv", "ada"),
    ]
    assert history["To"].iloc[0].endswith(" UTC")
    # The form starts empty again, so the partnership just made is not offered a second time.
    assert widget(app.text_input, "Id (one word, such as P-CAMBS-PBORO)").value == ""
    assert widget(app.multiselect, "Its local authorities (each moves from the partnership it is in now)").value == []
    audit = Store.open(app.session_state["store"].path).audit_log()
    assert audit.iloc[-1][["actor", "action", "target"]].tolist() == ["ada", "partnership_created", "P-CAMBS-PBORO"]

    app.query_params["partnership"] = "P-CAMBS-PBORO"
    app.switch_page("boards/pages/profile.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Cambridgeshire and Peterborough"
    assert app.text[0].value.startswith(
        "Region: East of England. Covers: Cambridgeshire (E10000003), Peterborough (E06000031). Compared as at ")


def test_moving_an_uploaders_only_la_away_is_refused_on_the_page(app):
    """Barnsley is all Bea uploads for: moving it into Doncaster's partnership would end hers, so the page refuses,
    naming her, and nothing changes."""
    as_admin(app)
    widget(app.selectbox, "Partnership to change").set_value("E08000017").run()
    widget(app.multiselect, "Local authorities to move into it").select("E08000038")
    widget(app.button, "Move them in").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [e.value for e in app.error] == [plain(
        "Nothing was changed: this would end a partnership someone uploads for (Barnsley (E08000038) is what bea "
        "uploads for). A change of partnerships never widens or empties what an uploader may send, so first give "
        "them what they should upload for now (Administration, Users, 'Uploads for', or 'boards users set-areas'), "
        "then repeat this change."
    )]
    store = Store.open(app.session_state["store"].path)
    assert store.partnership_names()["E08000038"] == "Barnsley"
    assert store.audit_log()["action"].tolist()[-1] == "sign_in"
