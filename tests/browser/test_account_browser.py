"""Signing in, in Chromium: every refusal reads the same; no other site may frame the dashboard.

Sign-ins write to the database (failed attempts, locks), so this module runs its OWN server on a copy
of the session's demo database. Lou's account is locked, Dee's disabled, Ray's an ordinary viewer.
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
from boards.accounts import add_user, set_active, utc_now
from boards.store import AuditEntry, Store

from .conftest import APP_TIMEOUT_MS, running_server, wait_for_app

pytestmark = pytest.mark.browser

PASSWORDS = {"lou": "lou is locked out now", "dee": "dee is disabled now", "ray": "ray reads the figures"}
REFUSED = (
    "The username or password is not right, or the account is locked or disabled. After too many wrong "
    "passwords an account locks for a while; an administrator can unlock or enable it."
)


@pytest.fixture(scope="module")
def account_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("account_app")
    db = folder / "account.duckdb"
    shutil.copy(demo_db, db)
    if Path(f"{demo_db}.wal").exists():  # changes the shared server has not checkpointed yet
        shutil.copy(f"{demo_db}.wal", f"{db}.wal")
    store = Store.open(db)
    operator = system_actor("tester")
    for username, password in PASSWORDS.items():
        add_user(store, operator, username=username, display_name=username.title(), role="viewer", password=password)
    set_active(store, operator, "dee", False)
    store.update_user("lou", {"failed_attempts": 5, "locked_until": utc_now() + timedelta(hours=1)},
                      AuditEntry(utc_now(), operator.username, "account_locked", "lou", "for the test"))
    store.close()
    with running_server(db, folder / "streamlit.log") as url:
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
