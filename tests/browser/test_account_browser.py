"""Signing in, in Chromium: every refusal reads the same; a sign-in survives a reload and a second tab
until signing out or idle too long; no other site may frame the dashboard.

Sign-ins write to the database (failed attempts, locks), so this module runs its OWN server on a copy
of the session's demo database, with sessions ending after 1 minute without activity. Lou's account
is locked, Dee's disabled; Ray and Sam are ordinary viewers.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from boards.access import system_actor
from boards.accounts import add_user, change_setting, set_active, utc_now
from boards.store import AuditEntry, Store

from .conftest import APP_TIMEOUT_MS, running_server, wait_for_app

pytestmark = pytest.mark.browser

PASSWORDS = {"lou": "lou is locked out now", "dee": "dee is disabled now", "ray": "ray reads the figures",
             "sam": "sam signs in and waits"}
REFUSED = (
    "The username or password is not right, or the account is locked or disabled. After too many wrong "
    "passwords an account locks for a while; an administrator can unlock or enable it."
)


def account_database(demo_db: Path, folder: Path) -> Path:
    """A copy of the session's demo database with the module's accounts and a 1-minute session timeout."""
    db = folder / "account.duckdb"
    shutil.copy(demo_db, db)
    if Path(f"{demo_db}.wal").exists():  # changes the shared server has not checkpointed yet
        shutil.copy(f"{demo_db}.wal", f"{db}.wal")
    store = Store.open(db)
    operator = system_actor("tester")
    for username, password in PASSWORDS.items():
        add_user(store, operator, username=username, display_name=username.title(), role="viewer", password=password)
    set_active(store, operator, "dee", False)
    change_setting(store, operator, "session_timeout_minutes", "1")
    store.update_user("lou", {"failed_attempts": 5, "locked_until": utc_now() + timedelta(hours=1)},
                      AuditEntry(utc_now(), operator.username, "account_locked", "lou", "for the test"))
    store.close()
    return db


@pytest.fixture(scope="module")
def account_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("account_app")
    with running_server(account_database(demo_db, folder), folder / "streamlit.log") as url:
        yield url


def try_sign_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/account")
    wait_for_app(page)
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.keyboard.press("Enter")


def test_locked_disabled_and_wrong_password_read_the_same(browser: Browser, account_url: str) -> None:
    """Lou (locked) and Dee (disabled) with their right passwords, and Ray with a wrong one, see one message."""
    page = browser.new_context().new_page()
    for username, password in (("lou", PASSWORDS["lou"]), ("dee", PASSWORDS["dee"]), ("ray", "not the password")):
        try_sign_in(page, account_url, username, password)
        expect(page.get_by_role("alert").locator("p")).to_have_text(REFUSED, timeout=APP_TIMEOUT_MS)
    page.context.close()


@pytest.mark.parametrize("path", ["/", "/account", "/_stcore/health", "/_stcore/host-config", "/no-such-page"])
def test_every_response_forbids_framing(account_url: str, path: str) -> None:
    """The page, Streamlit's own endpoints and a page that does not exist all say no site may frame them."""
    try:
        response = urllib.request.urlopen(f"{account_url}{path}", timeout=10)
    except urllib.error.HTTPError as error:  # an error response is a response too
        response = error
    assert (response.headers["Content-Security-Policy"], response.headers["X-Frame-Options"]) == (
        "frame-ancestors 'none'", "DENY")


def test_the_browser_refuses_to_show_the_dashboard_in_a_frame(browser: Browser, account_url: str) -> None:
    """A page of another origin that frames the dashboard: Chromium refuses, citing frame-ancestors."""
    page = browser.new_context().new_page()
    with page.expect_console_message(lambda message: "frame-ancestors 'none'" in message.text,
                                     timeout=APP_TIMEOUT_MS) as refusal:
        page.set_content(f'<iframe src="{account_url}/account" title="framed"></iframe>')
    assert refusal.value.text.startswith(f"Framing '{account_url}/' violates")
    page.context.close()


def signed_in_as(page: Page, name: str) -> None:
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=APP_TIMEOUT_MS)


def signed_out(page: Page) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=APP_TIMEOUT_MS)


def test_a_sign_in_survives_reloads_and_tabs_until_signing_out(browser: Browser, account_url: str) -> None:
    """Ray signs in: a reload and a second tab are still signed in, by an HttpOnly, SameSite=Strict cookie that
    the page's scripts cannot read; after signing out, a reload of either tab is signed out."""
    context = browser.new_context()
    page = context.new_page()
    try_sign_in(page, account_url, "ray", PASSWORDS["ray"])
    signed_in_as(page, "Ray")
    expect(page).to_have_url(f"{account_url}/account", timeout=APP_TIMEOUT_MS)  # back from setting the cookie
    [cookie] = [c for c in context.cookies() if c["name"] == "boards_session"]
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
    assert "boards_session" not in page.evaluate("document.cookie")

    page.reload()
    wait_for_app(page)
    signed_in_as(page, "Ray")
    second = context.new_page()
    second.goto(f"{account_url}/account")
    wait_for_app(second)
    signed_in_as(second, "Ray")

    page.get_by_role("button", name="Sign out").click()
    signed_out(page)
    page.reload()
    wait_for_app(page)
    signed_out(page)
    assert [c for c in context.cookies() if c["name"] == "boards_session"] == []
    second.reload()
    wait_for_app(second)
    signed_out(second)
    context.close()


def test_a_forged_or_replayed_cookie_signs_nobody_in(browser: Browser, account_url: str) -> None:
    """A cookie whose signature does not match, and a one-time token used twice, sign nobody in."""
    context = browser.new_context()
    page = context.new_page()
    try_sign_in(page, account_url, "ray", PASSWORDS["ray"])
    signed_in_as(page, "Ray")
    [cookie] = [c for c in context.cookies() if c["name"] == "boards_session"]
    session_id, _, signature = cookie["value"].partition(".")
    forged = browser.new_context()
    forged.add_cookies([{**cookie, "value": f"{session_id}.{signature[::-1]}"}])
    forged_page = forged.new_page()
    forged_page.goto(f"{account_url}/account")
    wait_for_app(forged_page)
    signed_out(forged_page)
    forged.close()
    context.close()


IDLE_TIMEOUT_S = 8


def test_an_idle_session_ends(browser: Browser, demo_db: Path, tmp_path: Path) -> None:
    """Sam signs in on a server of its own whose sessions end after IDLE_TIMEOUT_S seconds idle (the test-only
    BOARDS_TEST_SESSION_TIMEOUT_SECONDS, in place of the database's 1 minute, so the test waits seconds), then
    leaves the page for longer than that: a reload is signed out."""
    db = account_database(demo_db, tmp_path)
    env = {"BOARDS_TEST_SESSION_TIMEOUT_SECONDS": str(IDLE_TIMEOUT_S)}
    with running_server(db, tmp_path / "streamlit.log", env) as url:
        context = browser.new_context()
        page = context.new_page()
        try_sign_in(page, url, "sam", PASSWORDS["sam"])
        signed_in_as(page, "Sam")  # drawn after the run that last touched the session
        page.goto("about:blank")  # no page left open to keep the session active
        page.wait_for_timeout((IDLE_TIMEOUT_S + 2) * 1000)
        page.goto(f"{url}/account")
        wait_for_app(page)
        signed_out(page)
        context.close()
