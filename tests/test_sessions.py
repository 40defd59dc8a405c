"""Sessions that outlive a page load: signed cookies, one-time tokens, idle expiry, signing out."""

from datetime import datetime, timedelta

import pytest

from boards.sessions import SIGNING_KEY_SETTING, Sessions
from boards.store import Store
from tests.postgres_server import on_both_back_ends

T0 = datetime(2026, 11, 22, 9, 0, 0)
IDLE = timedelta(minutes=30)


@pytest.fixture
def store(store_location):
    opened = Store.open(store_location)
    yield opened
    opened.close()


def cookie_of(sessions, store, username="ana", now=T0):
    session_id, token = sessions.start(store, username, now=now)
    return session_id, sessions.redeem(token, now=now)


def test_a_signed_cookie_names_its_user_until_idle_too_long(store):
    """The cookie is the session id and its signature; used within the timeout it names Ana, and each use
    starts the timeout again; 31 idle minutes end it."""
    sessions = Sessions()
    session_id, cookie = cookie_of(sessions, store)
    assert cookie.partition(".")[0] == session_id
    assert sessions.from_cookie(store, cookie, timeout=IDLE, now=T0 + timedelta(minutes=29)) == (session_id, "ana")
    assert sessions.from_cookie(store, cookie, timeout=IDLE, now=T0 + timedelta(minutes=58)) == (session_id, "ana")
    assert sessions.from_cookie(store, cookie, timeout=IDLE, now=T0 + timedelta(minutes=89)) is None
    assert sessions.from_cookie(store, cookie, timeout=IDLE, now=T0 + timedelta(minutes=90)) is None


def test_a_cookie_with_a_wrong_signature_or_an_ended_session_names_nobody(store):
    sessions = Sessions()
    session_id, cookie = cookie_of(sessions, store)
    signature = cookie.partition(".")[2]
    for forged in (f"{session_id}.{signature[::-1]}", session_id, "", None, f"{session_id}.{signature}x"):
        assert sessions.from_cookie(store, forged, timeout=IDLE, now=T0) is None
    sessions.end(session_id)
    assert sessions.from_cookie(store, cookie, timeout=IDLE, now=T0) is None


@on_both_back_ends
def test_a_one_time_token_works_once_and_for_a_minute(store):
    sessions = Sessions()
    _, token = sessions.start(store, "ana", now=T0)
    assert sessions.redeem(token, now=T0 + timedelta(seconds=30)) is not None
    assert sessions.redeem(token, now=T0 + timedelta(seconds=31)) is None
    _, late = sessions.start(store, "ana", now=T0)
    assert sessions.redeem(late, now=T0 + timedelta(seconds=61)) is None
    assert sessions.redeem("made-up", now=T0) is None


@on_both_back_ends
def test_the_signing_key_is_made_once_and_kept_in_the_database(store):
    """A restarted server (a new Sessions) with the same database signs alike: a cookie of another database's
    key names nobody."""
    _, cookie = cookie_of(Sessions(), store)
    key = store.settings()[SIGNING_KEY_SETTING]
    assert len(key) == 44  # 32 random bytes, base64
    restarted = Sessions()
    session_id, again = cookie_of(restarted, store)
    assert store.settings()[SIGNING_KEY_SETTING] == key
    other = Store(":memory:")
    other.migrate()
    assert restarted.from_cookie(other, again, timeout=IDLE, now=T0) is None
    assert restarted.from_cookie(store, again, timeout=IDLE, now=T0) == (session_id, "ana")
