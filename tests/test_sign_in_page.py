"""Sign-in, sign-out, session expiry and the administration page, run with AppTest."""

import shutil
from datetime import timedelta

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.access import system_actor
from boards.accounts import add_user, change_setting, set_active, set_partnerships, set_role, utc_now
from boards.pages.plain import plain
from boards.store import Store

OPERATOR = system_actor("tester")


@pytest.fixture(scope="module")
def db_path(demo_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("signin") / "signin.duckdb"
    shutil.copy(demo_db_path, path)
    store = Store.open(path)
    add_user(store, OPERATOR, username="ada", display_name="Ada Admin", role="admin", password="ada admin password")
    add_user(store, OPERATOR, username="bea", display_name="Bea Barnsley", role="uploader",
             password="bea uploads barnsley", partnership_ids=["E08000038"])
    return path


@pytest.fixture
def app(db_path, monkeypatch):
    monkeypatch.setenv("BOARDS_DB", str(db_path))
    st.cache_resource.clear()
    yield AppTest.from_file("../dashboard.py", default_timeout=60)
    st.cache_resource.clear()


def sign_in_as(app, username, password):
    app.run()
    app.switch_page("boards/pages/sign_in.py").run()
    app.text_input[0].input(username)
    app.text_input[1].input(password)
    app.button[0].click().run()
    return app


def test_sign_in_then_out(app):
    """The right password signs Bea in as an uploader for Barnsley; signing out ends the session."""
    sign_in_as(app, "bea", "bea uploads barnsley")
    assert not app.exception
    assert app.session_state["actor"].role == "uploader"
    assert app.title[0].value == "Your account"
    assert "You upload figures for: Barnsley." in [m.value for m in app.markdown]
    app.button[0].click().run()
    assert "actor" not in app.session_state
    actions = Store.open(app.session_state["store"].path).audit_log()["action"].tolist()
    assert actions[-2:] == ["sign_in", "sign_out"]


def test_wrong_password_is_an_error_not_a_sign_in(app):
    """A wrong password shows the neutral message and signs nobody in."""
    sign_in_as(app, "bea", "not her password")
    assert app.error[0].value == (
        "The username or password is not right, or the account is locked or disabled. After too many wrong "
        "passwords an account locks for a while; an administrator can unlock or enable it.")
    assert "actor" not in app.session_state


def test_session_expires_after_inactivity(app):
    """31 minutes idle (default 30) signs the user out with a message saying why."""
    sign_in_as(app, "bea", "bea uploads barnsley")
    app.session_state["last_activity"] = utc_now() - timedelta(minutes=31)
    app.run()
    assert "actor" not in app.session_state
    assert app.info[0].value == "You were signed out after 30 minutes without activity."


def test_changes_to_an_account_apply_to_its_open_session(app, db_path):
    """An administrator's changes reach a user already signed in at their next click: new partnerships
    and role at once; a disabled account is signed out, with the reason in the audit trail."""
    store = Store.open(db_path)
    add_user(store, OPERATOR, username="cal", display_name="Cal Changes", role="uploader",
             password="cal changes often", partnership_ids=["E08000038"])
    sign_in_as(app, "cal", "cal changes often")
    assert app.session_state["actor"].partnership_names == ("Barnsley",)

    set_partnerships(store, OPERATOR, "cal", ["E06000001"])
    set_role(store, OPERATOR, "cal", "viewer")
    app.run()
    assert app.session_state["actor"].partnership_names == ("Hartlepool",)
    assert app.session_state["actor"].role == "viewer"

    set_active(store, OPERATOR, "cal", False)
    app.run()
    assert "actor" not in app.session_state
    assert app.warning[0].value == "Your account is no longer active, so you were signed out."
    last = store.audit_log().iloc[-1]
    assert (last["action"], last["actor"]) == ("sign_out", "cal")
    assert "account disabled or removed" in last["detail"]


def test_admin_page_is_not_offered_to_an_uploader(app):
    """The administration page is not in an uploader's navigation (and the core refuses anyway)."""
    sign_in_as(app, "bea", "bea uploads barnsley")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("boards/pages/admin.py")


def test_admin_adds_a_user_and_sees_the_audit(app):
    """Ada adds a viewer through the form; the account exists and the audit trail shows it."""
    sign_in_as(app, "ada", "ada admin password")
    app.switch_page("boards/pages/admin.py").run()
    assert not app.exception
    inputs = {w.label: w for w in app.text_input}
    inputs["Username (one word)"].input("vic")
    inputs["Name"].input("Vic Viewer")
    next(b for b in app.button if b.label == "Add user").click().run()
    assert app.success[0].value.startswith("Added vic. Their password, shown once: `")
    store = Store.open(app.session_state["store"].path)
    assert store.user("vic")["role"] == "viewer"
    audit = store.audit_log()
    assert audit.iloc[-1][["actor", "action", "target"]].tolist() == ["ada", "user_added", "vic"]


def test_reading_can_require_sign_in(app, db_path):
    """With read_without_sign_in off, a signed-out visitor sees only the sign-in page."""
    store = Store.open(db_path)
    change_setting(store, OPERATOR, "read_without_sign_in", "false")
    try:
        app.run()
        assert app.title[0].value == "Sign in"
        assert all(m.label != "Local authorities" for m in app.metric)
    finally:
        change_setting(store, OPERATOR, "read_without_sign_in", "true")


SSO_SECRETS = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret",
    "client_id": "dashboard",
    "client_secret": "test-only",
    "server_metadata_url": "https://login.microsoftonline.com/example/v2.0/.well-known/openid-configuration",
}


def test_single_sign_on_maps_the_email_to_the_user(app, db_path):
    """With [auth] configured, an identity whose email matches an account signs in with that role."""
    store = Store.open(db_path)
    if store.user("sso.ana") is None:
        add_user(store, OPERATOR, username="sso.ana", display_name="Ana via Entra", role="analyst",
                 password=None, email="Ana.Analyst@council.example")
    app.secrets["auth"] = SSO_SECRETS
    app.user = {"is_logged_in": True, "email": "ana.analyst@council.example", "name": "Ana"}
    app.run()
    assert not app.exception
    assert app.session_state["actor"].username == "sso.ana"
    assert store.audit_log().iloc[-1][["actor", "action", "detail"]].tolist() == ["sso.ana", "sign_in", "single sign-on"]


def test_single_sign_on_without_an_account_is_refused(app):
    """An identity with no matching account is told to ask an administrator, and is not signed in."""
    app.secrets["auth"] = SSO_SECRETS
    app.user = {"is_logged_in": True, "email": "stranger@elsewhere.example"}
    app.run()
    assert "actor" not in app.session_state
    assert app.error[0].value.startswith(plain("You signed in as stranger@elsewhere.example, but no active user"))
    audit = Store.open(app.session_state["store"].path).audit_log().iloc[-1]
    assert audit[["actor", "action", "detail"]].tolist() == [
        "anonymous", "sign_in_failed", "single sign-on: no account for stranger@elsewhere.example"]


def test_sign_in_with_organisation_button_only_when_configured(app):
    """The single sign-on button appears only when [auth] is configured."""
    app.run()
    app.switch_page("boards/pages/sign_in.py").run()
    assert [b.label for b in app.button] == ["Sign in"]
    app.secrets["auth"] = SSO_SECRETS
    app.user = {"is_logged_in": False}
    app.run()
    assert [b.label for b in app.button] == ["Sign in", "Sign in with your organisation account"]
