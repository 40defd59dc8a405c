"""The frame every page shares: the database, who is signed in, failures shown as a page, the demo notice."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from boards.access import Actor, PermissionDenied
from boards.accounts import (
    AccountError,
    SignInError,
    actor_for,
    session_expired,
    settings,
    sign_in_with_identity,
    sign_out,
    utc_now,
)
from boards.compare.engine import Comparison, compare, default_period_id
from boards.compare.errors import ComparisonError
from boards.database import prepare_database
from boards.pages.plain import plain
from boards.provenance import demo_notice_text
from boards.sessions import COOKIE_NAME, SESSIONS
from boards.store import Location, Store, StoreError, resolve_location


@dataclass
class _ProcessStore:
    store: Store
    prepared: bool  # migrated and mirrored, or built: once per process


@st.cache_resource(show_spinner=False)
def _process_store(path: str, _location: Location | None = None) -> _ProcessStore:
    # Nothing is drawn in here: a later session's cache hit would replay it into a page that is gone. Keyed by
    # ``path`` alone (Streamlit leaves out a parameter named with a leading underscore), so a shared store's
    # password stays out of the key: ``_location``, which may hold it, opens the store on first use.
    return _ProcessStore(Store.open(_location or path), prepared=False)


def open_store(cli_db: str | None = None) -> Store:
    """The process's store, built on first run with a progress bar; a clear page if it cannot open."""
    location = resolve_location(cli_db)
    path = str(location)  # a shared store's without its password
    try:
        opened = _process_store(path, location)
        if not opened.prepared:
            bar = st.empty()
            prepare_database(opened.store, progress=lambda fraction, message: bar.progress(
                fraction, text=f"First run: building the demo database. {message}…"))
            opened.prepared = True
            bar.empty()
    except StoreError as exc:
        # The file by its name: where the server keeps it is the operator's business, not every visitor's; for
        # a shared store, whose message names its host, that is in the server's log alone.
        if isinstance(location, Path):
            message = str(exc).replace(f"{location.parent}{os.sep}", "")
        else:
            logging.getLogger(__name__).error("%s", exc)
            message = "Its shared database cannot be used just now; the server's log says why. Try again in a moment."
        st.error(f"**The dashboard cannot open its database.** {message}", icon=":material/error:")
        st.stop()
    st.session_state["store"] = opened.store
    return opened.store


def current_store() -> Store:
    """The store opened by ``dashboard.py`` for this run."""
    return st.session_state["store"]


class DataKey(NamedTuple):
    """Which data a cached result was made from: the database file and its data version (``Store.data_version``),
    which changes with every load, rollback or partnership edit, by this process or another. Every cached function
    of the pages takes one as its first parameter, so that its parameters are its whole key."""

    path: str
    version: tuple[int, int, int]

    @property
    def store(self) -> Store:
        return _process_store(self.path).store


def data_key() -> DataKey:
    """The key of the data this page run reads."""
    store = current_store()
    return DataKey(store.path, store.data_version())


@st.cache_resource(show_spinner="Comparing every partnership with England, its region and its neighbours…", max_entries=12)
def cached_comparison(data: DataKey, period_id: str, published_only: bool = False) -> Comparison:
    """Every partnership compared as at ``period_id``, made once per data version and shared by every session.

    Pages must treat the frames as read-only: one object serves every session (no copies, so ten
    sessions cost the memory of one)."""
    return compare(data.store, period_id, published_only=published_only)


def comparison(period_id: str | None = None, *, published_only: bool = False) -> Comparison:
    """Every partnership compared as at ``period_id`` (the latest by default; on published figures alone with
    ``published_only``), or a page saying there is nothing to compare."""
    # Named, so that a page asking for the default shares the cache entry of pages naming that period.
    period_id = period_id or latest_period_id()
    try:
        return cached_comparison(data_key(), period_id, published_only)
    except ComparisonError as exc:
        st.error(f"**Nothing to compare.** {exc}", icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=128)
def cached_read(data: DataKey, query_name: str, params: tuple[tuple[str, object], ...] = ()) -> pd.DataFrame:
    """``Store.read`` of ``query_name`` with ``params`` (name, value pairs), shared by every session and rerun.
    Pages must not change the frame."""
    return data.store.read(query_name, **dict(params))


def shared_read(query_name: str, **params: object) -> pd.DataFrame:
    """``cached_read`` on this run's data."""
    return cached_read(data_key(), query_name, tuple(sorted(params.items())))


@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_summary(data: DataKey) -> dict:
    return data.store.summary()


def database_summary() -> dict:
    """``Store.summary``, shared by every session until the data changes."""
    return _cached_summary(data_key())


def comparable_periods() -> pd.DataFrame:
    """Periods holding data, newest first: period_id, granularity, start_date, end_date, label."""
    return periods_of(data_key())


def latest_period_id() -> str | None:
    """The period compared by default, chosen as ``compare`` chooses it."""
    return default_period_id(comparable_periods())


def periods_of(data: DataKey) -> pd.DataFrame:
    """Periods of ``data`` holding data, newest first: period_id, granularity, start_date, end_date, label."""
    return cached_read(data, "compare_periods").iloc[::-1].reset_index(drop=True)


def single_sign_on_configured() -> bool:
    """Whether ``[auth]`` is set in .streamlit/secrets.toml (OIDC through st.login)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


SESSION_ID_KEY = "session_id"  # the boards.sessions session of a password sign-in, when the cookie routes are served
BROWSER_TRIP_KEY = "browser_trip"  # (route, its parameters): where to send the browser once, to set or clear the cookie


def start_session(actor: Actor) -> None:
    st.session_state["actor"] = actor
    st.session_state["last_activity"] = utc_now()


def remember_sign_in(store: Store, actor: Actor) -> None:
    """Sign ``actor`` in to this browser session, and, where the server sets session cookies, to the browser:
    a reload or a second tab is then still signed in."""
    start_session(actor)
    if SESSIONS.cookie_routes_served:
        session_id, token = SESSIONS.start(store, actor.username, now=utc_now())
        st.session_state[SESSION_ID_KEY] = session_id
        st.session_state[BROWSER_TRIP_KEY] = ("session/start", {"token": token})


def end_session(store: Store, reason: str) -> None:
    actor = st.session_state.pop("actor", None)
    if actor is not None:
        sign_out(store, actor, reason=reason)
    session_id = st.session_state.pop(SESSION_ID_KEY, None)
    if session_id is not None:
        SESSIONS.end(session_id)
        st.session_state[BROWSER_TRIP_KEY] = ("session/end", {})
    if single_sign_on_configured() and st.user.is_logged_in:
        st.logout()


def _send_browser_once() -> None:
    """Send the browser to a cookie route of boards.web, which brings it back to this page; nothing else is
    drawn meanwhile, so nobody clicks on a page about to go."""
    trip = st.session_state.pop(BROWSER_TRIP_KEY, None)
    if trip is None:
        return
    route, parameters = trip
    st.html(
        "<script>"
        f"const url = new URL({json.dumps(route)}, window.location.href);"
        f"for (const [name, value] of Object.entries({json.dumps(parameters)})) url.searchParams.set(name, value);"
        "url.searchParams.set('next', window.location.pathname + window.location.search);"
        "window.location.replace(url);"
        "</script>",
        unsafe_allow_javascript=True,
    )
    st.caption("One moment…")
    st.stop()


def _session_timeout(store: Store) -> timedelta:
    return timedelta(minutes=settings(store)["session_timeout_minutes"])


def _actor_from_cookie(store: Store) -> Actor | None:
    """The user whose session cookie this browser sent with the page, when it is signed, current and the
    account active."""
    found = SESSIONS.from_cookie(store, st.context.cookies.get(COOKIE_NAME), timeout=_session_timeout(store),
                                 now=utc_now())
    if found is None:
        return None
    session_id, username = found
    try:
        actor = actor_for(store, username)
    except (AccountError, PermissionDenied):
        SESSIONS.end(session_id)
        return None
    start_session(actor)
    st.session_state[SESSION_ID_KEY] = session_id
    return actor


def signed_in_actor(store: Store) -> Actor | None:
    """The signed-in user of this browser session, ending it after too long without activity."""
    _send_browser_once()
    actor: Actor | None = st.session_state.get("actor")
    if actor is None and SESSIONS.cookie_routes_served:
        actor = _actor_from_cookie(store)
    if actor is not None:
        if session_expired(st.session_state["last_activity"], store):
            end_session(store, "session expired after inactivity")
            minutes = settings(store)["session_timeout_minutes"]
            st.info(f"You were signed out after {minutes} minutes without activity.", icon=":material/timer_off:")
            return None
        session_id = st.session_state.get(SESSION_ID_KEY)
        if session_id is not None and SESSIONS.touch(session_id, timeout=_session_timeout(store), now=utc_now()) is None:
            # Signed out in another tab (which wrote the audit row), or idle there too long.
            st.session_state.pop("actor")
            st.session_state.pop(SESSION_ID_KEY)
            st.info("You were signed out.", icon=":material/logout:")
            return None
        # Read the account again on every run: a user disabled, removed, given another role or other
        # partnerships since signing in must get exactly what the account now allows.
        try:
            actor = actor_for(store, actor.username)
        except (AccountError, PermissionDenied):
            end_session(store, "account disabled or removed")
            st.warning("Your account is no longer active, so you were signed out.", icon=":material/person_off:")
            return None
        st.session_state["actor"] = actor
        st.session_state["last_activity"] = utc_now()
        return actor
    if single_sign_on_configured() and st.user.is_logged_in:
        try:
            actor = sign_in_with_identity(store, st.user.get("email"))
        except SignInError as exc:
            st.error(plain(exc), icon=":material/person_off:")
            return None
        start_session(actor)
    return actor


def current_actor() -> Actor | None:
    return st.session_state.get("actor")


def demo_notice(sources: set[str]) -> None:
    """Say plainly, wherever invented figures appear (``sources``: those of the figures the page shows), which
    figures are invented for which partnerships."""
    text = demo_notice_text(shared_read("figure_sources")) if "demo" in sources else None
    if text:
        st.warning(text, icon=":material/science:")
