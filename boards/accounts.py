"""Users, passwords, sign-in with lockout, and settings; every change leaves an audit row.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's recommended profile) and
never logged or stored in the clear. After ``lockout_attempts`` wrong passwords in a row an
account locks for ``lockout_minutes``; the count lives in the database, so a restart does not
reset it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from boards.access import ANONYMOUS, SYSTEM_PREFIX, Actor, PermissionDenied, check_role, require_admin, system_actor
from boards.store import AuditEntry, Store, utc_now

MIN_PASSWORD_LENGTH = 12  # NCSC password guidance: length over complexity rules
# zxcvbn's scores run 0 to 4; 3 is "safely unguessable" (about 10^8 guesses), its own advice for accounts.
MIN_PASSWORD_SCORE = 3
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses to estimate longer passwords; their first 72 characters are judged
SETTINGS_DEFAULTS: dict[str, Any] = {
    "lockout_attempts": 5,
    "lockout_minutes": 15,
    "session_timeout_minutes": 30,
    "read_without_sign_in": True,
}
SETTING_HELP = {
    "lockout_attempts": "wrong passwords in a row before an account locks",
    "lockout_minutes": "how long a locked account stays locked",
    "session_timeout_minutes": "minutes of inactivity before a signed-in session ends",
    "read_without_sign_in": "whether the dashboard can be read without signing in (uploads always need it)",
}

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path
_hasher = PasswordHasher()
# What a failed sign-in's audit row keeps of the username typed, as typed: the shape of a username or an email.
_PLAIN_ATTEMPT = re.compile(r"[A-Za-z0-9._@+-]{1,64}")


@functools.cache
def _unknown_user_hash() -> str:
    """Verified against when the username is unknown, so both failures take the same time. Made by the
    process's first sign-in, whoever signs in (every sign-in asks for it first), not on import: an argon2id
    hash is slow by design, and every page's first run imports this module."""
    return _hasher.hash(secrets.token_urlsafe(16))


class SignInError(Exception):
    """Sign-in refused; the message is safe to show (it never says whether a username exists)."""


class AccountError(ValueError):
    """A user change that cannot be made as asked."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password() -> str:
    """A random 20-character password for a new account, shown once."""
    return secrets.token_urlsafe(15)


def check_password_strength(username: str, password: str) -> None:
    """Refuse a short password, the username, and a password zxcvbn guesses easily: one of the common
    passwords in its bundled lists, or close to one (password1234, Summer2025!)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if password.casefold() == username.casefold():
        raise AccountError("The password must not be the username.")
    estimate = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[username])
    if estimate["score"] < MIN_PASSWORD_SCORE:
        warning = estimate["feedback"]["warning"]
        raise AccountError(
            "The password is too easy to guess" + (f": {warning.rstrip('.')}." if warning else ".")
            + " Choose another, such as three or four random words."
        )


# -- settings --------------------------------------------------------------------------------


def settings(store: Store) -> dict[str, Any]:
    """Every setting, stored values over the defaults, typed like the defaults."""
    stored = store.settings()
    values = dict(SETTINGS_DEFAULTS)
    for key, text in stored.items():
        if key in SETTINGS_DEFAULTS:
            values[key] = _parse_setting(key, text)
    return values


def _parse_setting(key: str, text: str) -> Any:
    default = SETTINGS_DEFAULTS[key]
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise AccountError(f"{key} must be true or false, not {text!r}")
        return lowered == "true"
    try:
        number = int(text)
    except ValueError:
        raise AccountError(f"{key} must be a whole number, not {text!r}") from None
    if number < 1:
        raise AccountError(f"{key} must be at least 1, not {number}")
    return number


def change_setting(store: Store, actor: Actor, key: str, text: str) -> None:
    require_admin(actor, "change settings")
    if key not in SETTINGS_DEFAULTS:
        raise AccountError(f"unknown setting {key!r}: expected one of {', '.join(SETTINGS_DEFAULTS)}")
    value = _parse_setting(key, text)
    before = settings(store)[key]
    store.set_setting(key, str(value).lower(), _audit(actor, "setting_changed", key, f"{before} -> {value}"))


# -- users -----------------------------------------------------------------------------------


def _audit(actor: Actor | str, action: str, target: str | None = None, detail: str | None = None) -> AuditEntry:
    who = actor if isinstance(actor, str) else actor.username
    return AuditEntry(occurred_at=utc_now(), actor=who, action=action, target=target, detail=detail)


def _known_partnerships(store: Store, partnership_ids: list[str]) -> list[str]:
    known = store.partnership_names()
    unknown = [p for p in partnership_ids if p not in known]
    if unknown:
        raise AccountError(f"unknown partnership {', '.join(unknown)}: use the partnership ids 'boards partnerships list' shows")
    return sorted(set(partnership_ids))


def add_user(
    store: Store,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str | None,
    partnership_ids: list[str] = (),  # type: ignore[assignment]
    email: str | None = None,
) -> None:
    """Create an account; ``password`` None makes a single-sign-on only account."""
    require_admin(actor, "add users")
    username = username.strip()
    if not username or any(c.isspace() for c in username):
        raise AccountError("A username must be one word without spaces.")
    if username == ANONYMOUS or username.startswith(SYSTEM_PREFIX):
        raise AccountError(f"{username!r} is reserved for the audit trail: choose another username.")
    check_role(role)
    if store.user(username) is not None:
        raise AccountError(f"a user called {username!r} already exists")
    if password is not None:
        check_password_strength(username, password)
    partnerships = _known_partnerships(store, list(partnership_ids))
    if role == "uploader" and not partnerships:
        raise AccountError("An uploader needs at least one partnership to upload for (--areas).")
    store.add_user(
        {
            "username": username,
            "display_name": display_name.strip() or username,
            "password_hash": None if password is None else hash_password(password),
            "role": role,
            "email": email,
        },
        partnerships,
        _audit(actor, "user_added", username, f"role {role}; partnerships {', '.join(partnerships) or 'none'}"),
    )


def _existing(store: Store, username: str) -> dict[str, Any]:
    user = store.user(username)
    if user is None:
        raise AccountError(f"no user called {username!r}")
    return user


def set_active(store: Store, actor: Actor, username: str, active: bool) -> None:
    require_admin(actor, "disable or enable users")
    _existing(store, username)
    if not active and username == actor.username:
        raise AccountError("You cannot disable your own account.")
    changes = {"active": active} if not active else {"active": True, "failed_attempts": 0, "locked_until": None}
    store.update_user(username, changes, _audit(actor, "user_enabled" if active else "user_disabled", username))


def set_role(store: Store, actor: Actor, username: str, role: str) -> None:
    require_admin(actor, "change roles")
    before = _existing(store, username)["role"]
    check_role(role)
    if username == actor.username and role != "admin":
        raise AccountError("You cannot remove your own administrator role.")
    store.update_user(username, {"role": role}, _audit(actor, "role_changed", username, f"{before} -> {role}"))


def set_partnerships(store: Store, actor: Actor, username: str, partnership_ids: list[str]) -> None:
    require_admin(actor, "change which areas a user uploads for")
    _existing(store, username)
    partnerships = _known_partnerships(store, partnership_ids)
    store.set_user_partnerships(
        username, partnerships, _audit(actor, "areas_changed", username, ", ".join(partnerships) or "none")
    )


def reset_password(store: Store, actor: Actor, username: str, password: str) -> None:
    require_admin(actor, "reset passwords")
    _existing(store, username)
    check_password_strength(username, password)
    store.update_user(
        username,
        {"password_hash": hash_password(password), "failed_attempts": 0, "locked_until": None},
        _audit(actor, "password_reset", username),
    )


def actor_for(store: Store, username: str) -> Actor:
    """The Actor of an existing, active user, with the LAs of their partnerships."""
    user = _existing(store, username)
    if not user["active"]:
        raise PermissionDenied(f"The account {username!r} is disabled.")
    partnership_ids = store.user_partnerships(username)
    names = store.partnership_names()
    return Actor(
        username=username,
        display_name=user["display_name"],
        role=user["role"],
        area_codes=frozenset(store.partnership_area_codes(partnership_ids)) | frozenset(partnership_ids),
        partnership_names=tuple(names[p] for p in partnership_ids),
    )


# -- sign-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInOutcome:
    actor: Actor
    signed_in_at: datetime


SIGN_IN_REFUSED = (
    "The username or password is not right, or the account is locked or disabled. After too many wrong "
    "passwords an account locks for a while; an administrator can unlock or enable it."
)


def sign_in(store: Store, username: str, password: str, *, now: datetime | None = None) -> SignInOutcome:
    """Check a password; count failures, lock after too many, and audit every attempt.

    Every refusal reads the same and costs the same: the password is verified once whatever the account
    (against a hash of nothing when there is no account or no password), so neither the message nor the
    time tells whether a username exists, is locked or is disabled. Why it was refused goes to the audit
    trail only.
    """
    now = now or utc_now()
    unknown_user_hash = _unknown_user_hash()
    policy = settings(store)
    user = store.user(username.strip())
    has_password = user is not None and user["password_hash"] is not None
    password_right = _verify(user["password_hash"] if has_password else unknown_user_hash, password)
    if not has_password:
        store.append_audit(AuditEntry(now, ANONYMOUS, "sign_in_failed", None,
                                      f"unknown user; attempted username: {attempted_username(username)}"))
        raise SignInError(SIGN_IN_REFUSED)
    if not user["active"]:
        store.append_audit(AuditEntry(now, ANONYMOUS, "sign_in_failed", user["username"], "account disabled"))
        raise SignInError(SIGN_IN_REFUSED)
    if not password_right:
        # Every wrong password counts, also while the account is locked.
        store.count_failed_sign_in(
            user["username"], lockout_attempts=policy["lockout_attempts"],
            lock_until=now + timedelta(minutes=policy["lockout_minutes"]),
            audit=lambda failures: _failure_audit(now, user["username"], failures, policy["lockout_attempts"]),
        )
        raise SignInError(SIGN_IN_REFUSED)
    rehashed = hash_password(password) if _hasher.check_needs_rehash(user["password_hash"]) else None
    locked_until = store.record_sign_in(user["username"], now=now, password_hash=rehashed,
                                        audit=AuditEntry(now, user["username"], "sign_in", None, None))
    if locked_until is not None:
        store.append_audit(AuditEntry(now, ANONYMOUS, "sign_in_failed", user["username"],
                                      f"account locked until {locked_until:%H:%M} UTC"))
        raise SignInError(SIGN_IN_REFUSED)
    return SignInOutcome(actor_for(store, user["username"]), now)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def attempted_username(typed: str) -> str:
    """What a signed-out visitor typed as the username, safe for the audit trail. Kept as typed only when it
    has the shape of a username or an email (at most 64 letters, digits and . _ @ + -) and could not be a
    password of this dashboard (shorter than the minimum, or easy to guess); else a short hash, which still
    matches repeated attempts. So a password typed into the wrong box, text posing as the command line
    (system:...) or another user, and a huge paste are never stored."""
    text = typed.strip()
    if not text:
        return "(blank)"
    if _PLAIN_ATTEMPT.fullmatch(text) and not _could_be_a_password(text):
        return text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _could_be_a_password(text: str) -> bool:
    """Whether check_password_strength would accept ``text`` (whoever's password it were)."""
    return len(text) >= MIN_PASSWORD_LENGTH and zxcvbn(text[:ZXCVBN_MAX_LENGTH])["score"] >= MIN_PASSWORD_SCORE


def _failure_audit(now: datetime, username: str, failures: int, lockout_attempts: int) -> AuditEntry:
    """The audit row of a wrong password: the one that locks the account says so."""
    if failures == lockout_attempts:
        return AuditEntry(now, ANONYMOUS, "account_locked", username, f"after {failures} failed attempts")
    return AuditEntry(now, ANONYMOUS, "sign_in_failed", username, f"wrong password ({failures} in a row)")


def sign_in_with_identity(store: Store, email: str | None, *, now: datetime | None = None) -> Actor:
    """The account an identity provider's verified email maps to (single sign-on), audited."""
    now = now or utc_now()
    username = store.username_for_email(email) if email else None
    if username is None:
        # The identity provider verified this email: kept (on one line, bounded) so that an administrator can
        # add its owner.
        verified = " ".join((email or "(no email)").split())[:MAX_EMAIL_LENGTH]
        store.append_audit(AuditEntry(now, ANONYMOUS, "sign_in_failed", None,
                                      f"single sign-on: no account for {verified}"))
        raise SignInError(
            f"You signed in as {email or 'an account without an email'}, but no active user of this dashboard "
            "has that email. Ask an administrator to add you."
        )
    store.append_audit(AuditEntry(now, username, "sign_in", None, "single sign-on"))
    return actor_for(store, username)


def sign_out(store: Store, actor: Actor, *, reason: str = "signed out") -> None:
    store.append_audit(_audit(actor, "sign_out", None, reason))


def session_timeout(store: Store) -> timedelta:
    """How long a signed-in session may stay idle: ``session_timeout_minutes``, unless the test-only knob
    ``BOARDS_TEST_SESSION_TIMEOUT_SECONDS`` is set, so that a browser test of an idle session on a real server
    waits seconds rather than a minute."""
    seconds = os.environ.get("BOARDS_TEST_SESSION_TIMEOUT_SECONDS")
    if seconds:
        return timedelta(seconds=int(seconds))
    return timedelta(minutes=settings(store)["session_timeout_minutes"])


def session_expired(last_activity: datetime, store: Store, *, now: datetime | None = None) -> bool:
    return (now or utc_now()) - last_activity > session_timeout(store)


def ensure_first_admin(store: Store, os_user: str, password: str | None) -> str | None:
    """Create the ``admin`` account if no administrator exists; return the password if generated."""
    if store.count_admins():
        return None
    generated = None
    if password is None:
        generated = password = generate_password()
    add_user(store, system_actor(os_user), username="admin", display_name="Administrator",
             role="admin", password=password)
    return generated
