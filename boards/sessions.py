"""Signed-in sessions that outlive a page load: a signed cookie naming a session the server keeps.

Streamlit starts a new session on every page load, so without this a reload or a second tab is
signed out. After a password sign-in the page sends the browser once to ``/session/start?token=...``
(``boards.web``), which swaps that one-time token (valid for a minute) for the HttpOnly,
SameSite=Strict cookie ``boards_session``: a random session id and its HMAC-SHA256 under a key made
on first use and kept in the database's settings, never in the code. Every page run checks the
signature, then the session's record: known, not signed out, and used within
``session_timeout_minutes``. The records live in the server's memory: signing out ends the session in
every tab at once, and a restart of the server signs everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from boards.store import Store

COOKIE_NAME = "boards_session"
SIGNING_KEY_SETTING = "session_signing_key"
ONE_TIME_TOKEN_LIFETIME = timedelta(minutes=1)


@dataclass
class _Session:
    username: str
    last_seen: datetime


@dataclass(frozen=True)
class _OneTimeToken:
    cookie: str
    issued_at: datetime


def _signing_key(store: Store) -> bytes:
    return base64.urlsafe_b64decode(
        store.setting_or_first(SIGNING_KEY_SETTING, base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    )


def _signature(store: Store, session_id: str) -> str:
    digest = hmac.new(_signing_key(store), session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Sessions:
    """The server's signed-in sessions and the one-time tokens that set their cookies."""

    def __init__(self) -> None:
        # Whether this server answers /session/start and /session/end (server.py's st.App does;
        # `streamlit run dashboard.py` does not, and its sessions end with the page).
        self.cookie_routes_served = False
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}
        self._tokens: dict[str, _OneTimeToken] = {}

    def start(self, store: Store, username: str, *, now: datetime) -> tuple[str, str]:
        """A new session of ``username``: (its id, the one-time token that ``redeem`` swaps for its cookie)."""
        session_id = secrets.token_urlsafe(32)
        token = secrets.token_urlsafe(32)
        cookie = f"{session_id}.{_signature(store, session_id)}"
        with self._lock:
            self._sessions[session_id] = _Session(username, now)
            self._tokens[token] = _OneTimeToken(cookie, now)
        return session_id, token

    def redeem(self, token: str, *, now: datetime) -> str | None:
        """The cookie of a one-time token, once, within ONE_TIME_TOKEN_LIFETIME of its issue; else None."""
        with self._lock:
            issued = self._tokens.pop(token, None)
            for stale in [t for t, other in self._tokens.items() if now - other.issued_at > ONE_TIME_TOKEN_LIFETIME]:
                del self._tokens[stale]
        if issued is None or now - issued.issued_at > ONE_TIME_TOKEN_LIFETIME:
            return None
        return issued.cookie

    def from_cookie(self, store: Store, cookie: str | None, *, timeout: timedelta,
                    now: datetime) -> tuple[str, str] | None:
        """(session id, username) of a cookie whose signature is right and whose session is current; else None."""
        session_id, _, signature = (cookie or "").partition(".")
        if not session_id or not hmac.compare_digest(signature.encode(), _signature(store, session_id).encode()):
            return None
        username = self.touch(session_id, timeout=timeout, now=now)
        return None if username is None else (session_id, username)

    def touch(self, session_id: str, *, timeout: timedelta, now: datetime) -> str | None:
        """The username of a current session, now used again; None (and forgotten) when it was idle too long,
        or is unknown or ended."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.last_seen > timeout:
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session.username

    def end(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)


# One per server process: the page runs and the cookie routes of boards.web share it.
SESSIONS = Sessions()
