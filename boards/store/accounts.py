"""Accounts, settings and the audit trail: users and their partnerships, sign-in counters, key-value
settings, and the append-only log of who did what (a change writes its audit row in its own transaction,
with ``Connection._write_audit``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd

from boards.store.connection import Connection, statement
from boards.store.records import AuditEntry, utc_now


class Accounts(Connection):
    """Users, settings and the audit trail."""

    _USER_FIELDS = ("display_name", "password_hash", "role", "active", "failed_attempts", "locked_until", "email")

    # -- the audit trail --------------------------------------------------------------------

    def append_audit(self, entry: AuditEntry) -> None:
        with self._transaction() as cur:
            self._write_audit(cur, entry)

    def audit_log(self) -> pd.DataFrame:
        return self._frame(
            "SELECT audit_id, occurred_at, actor, action, target, detail FROM audit_log ORDER BY audit_id"
        )

    # -- users ------------------------------------------------------------------------------

    def user(self, username: str) -> dict[str, Any] | None:
        frame = self._frame("SELECT * FROM users WHERE username = ?", [username])
        if frame.empty:
            return None
        row = frame.iloc[0].to_dict()
        locked = row["locked_until"]
        row["locked_until"] = None if pd.isna(locked) else pd.Timestamp(locked).to_pydatetime()
        row["password_hash"] = None if pd.isna(row["password_hash"]) else row["password_hash"]
        return row

    def username_for_email(self, email: str) -> str | None:
        """The active account whose email matches (case-insensitively), for single sign-on."""
        return self._scalar(
            "SELECT username FROM users WHERE lower(email) = lower(?) AND active ORDER BY username LIMIT 1", [email]
        )

    def users(self) -> pd.DataFrame:
        """Every account without its password hash, with its partnerships."""
        return self._frame(statement("users_list"))

    def count_admins(self) -> int:
        return int(self._scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active"))

    def add_user(self, user: dict[str, Any], partnership_ids: list[str], audit: AuditEntry) -> None:
        with self._transaction() as cur:
            cur.execute(statement("users_add"), {
                "username": user["username"], "display_name": user["display_name"],
                "password_hash": user["password_hash"], "role": user["role"], "email": user["email"],
                "created_at": utc_now(),
            })
            for partnership_id in partnership_ids:
                cur.execute("INSERT INTO user_partnerships VALUES (?, ?)", [user["username"], partnership_id])
            self._write_audit(cur, audit)

    def update_user(self, username: str, changes: dict[str, Any], audit: AuditEntry) -> None:
        unknown = set(changes) - set(self._USER_FIELDS)
        if unknown:
            raise ValueError(f"not user fields: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with self._transaction() as cur:
            cur.execute(f"UPDATE users SET {assignments} WHERE username = ?", [*changes.values(), username])
            self._write_audit(cur, audit)

    def count_failed_sign_in(
        self, username: str, *, lockout_attempts: int, lock_until: datetime,
        audit: Callable[[int], AuditEntry],
    ) -> tuple[int, datetime | None]:
        """One more wrong password for ``username``: (wrong passwords in a row, locked until). The database
        counts in one statement, so simultaneous attempts each count; the count reaching ``lockout_attempts``
        locks the account until ``lock_until``. ``audit`` makes the audit row from the count."""
        with self._transaction() as cur:
            cur.execute(
                statement("users_count_failed_sign_in"),
                {"username": username, "lockout_attempts": lockout_attempts, "lock_until": lock_until},
            )
            failures, locked_until = cur.execute(
                "SELECT failed_attempts, locked_until FROM users WHERE username = ?", [username]
            ).fetchone()
            self._write_audit(cur, audit(failures))
        return failures, locked_until

    def record_sign_in(
        self, username: str, *, now: datetime, password_hash: str | None, audit: AuditEntry
    ) -> datetime | None:
        """A right password for ``username``: clear the count of wrong ones (and store ``password_hash`` when
        given), unless the account is locked at ``now``, checked in the same statement so that a lock made by
        simultaneous wrong passwords is never cleared by a sign-in that read the account before it. None
        when the sign-in was recorded (with its audit row), else the time the account is locked until."""
        with self._transaction() as cur:
            (updated,) = cur.execute(
                statement("users_record_sign_in"), {"username": username, "now": now, "password_hash": password_hash}
            ).fetchone()
            if not updated:
                return cur.execute("SELECT locked_until FROM users WHERE username = ?", [username]).fetchone()[0]
            self._write_audit(cur, audit)
        return None

    def set_user_partnerships(self, username: str, partnership_ids: list[str], audit: AuditEntry) -> None:
        with self._transaction() as cur:
            cur.execute("DELETE FROM user_partnerships WHERE username = ?", [username])
            for partnership_id in partnership_ids:
                cur.execute("INSERT INTO user_partnerships VALUES (?, ?)", [username, partnership_id])
            self._write_audit(cur, audit)

    def user_partnerships(self, username: str) -> list[str]:
        frame = self._frame(
            "SELECT partnership_id FROM user_partnerships WHERE username = ? ORDER BY partnership_id", [username]
        )
        return frame["partnership_id"].tolist()

    # -- settings ---------------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        frame = self._frame("SELECT key, value FROM settings")
        return dict(zip(frame["key"], frame["value"]))

    def setting_or_first(self, key: str, value: str) -> str:
        """The stored value of ``key``; when there is none, ``value`` is stored and returned. One statement
        under the write lock, so that simultaneous first calls agree on one value."""
        with self._transaction() as cur:
            cur.execute(statement("settings_first"), {"key": key, "value": value})
            return cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()[0]

    def set_setting(self, key: str, value: str, audit: AuditEntry) -> None:
        with self._transaction() as cur:
            cur.execute(statement("settings_set"), {"key": key, "value": value})
            self._write_audit(cur, audit)
