"""Partnerships: the footprint in force (which local authorities each partnership has), its history, and
an administrator's change of it."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from boards.store.connection import Connection, statement
from boards.store.errors import PartnershipInUseError, StoreError
from boards.store.records import AuditEntry

_FOOTPRINT = ["partnership_id", "name", "area_code"]


def mirror_partnerships(cur: duckdb.DuckDBPyConnection, shipped: pd.DataFrame) -> None:
    """The partnerships of data/partnerships.csv, unless an administrator has edited them: their edits are
    kept (``boards init`` must not undo them) and only an area in no partnership gets the file's one."""
    edited = cur.execute("SELECT count(*) FROM partnership_history WHERE valid_from IS NOT NULL").fetchone()[0]
    cur.register("shipped", shipped)
    if not edited:
        cur.execute("DELETE FROM partnerships")
        cur.execute("DELETE FROM partnership_history")
    cur.execute(statement("partnerships_ship"))
    cur.execute(statement("partnerships_ship_history"))
    cur.unregister("shipped")


class Partnerships(Connection):
    """The partnerships in force, their history, and changes to them."""

    def partnership_names(self) -> dict[str, str]:
        frame = self._frame("SELECT DISTINCT partnership_id, name FROM partnerships ORDER BY partnership_id")
        return dict(zip(frame["partnership_id"], frame["name"]))

    def partnership_area_codes(self, partnership_ids: list[str]) -> list[str]:
        if not partnership_ids:
            return []
        frame = self._frame(
            "SELECT DISTINCT area_code FROM partnerships WHERE list_contains(?, partnership_id) ORDER BY area_code",
            [partnership_ids],
        )
        return frame["area_code"].tolist()

    def partnership_members(self) -> pd.DataFrame:
        """The footprint in force: partnership_id, name, area_code, area_name, one row per member LA."""
        return self._frame(statement("partnerships_members"))

    def partnership_history(self) -> pd.DataFrame:
        """Every membership there has been: partnership_id, name, area_code, area_name, valid_from, valid_to
        (NULL from: as shipped; NULL to: in force), opened_by, closed_by; newest change first."""
        return self._frame(statement("partnerships_history"))

    def replace_partnership_footprint(
        self, before: pd.DataFrame, after: pd.DataFrame, *, at: datetime, audit: AuditEntry
    ) -> None:
        """Make ``after`` (partnership_id, name, area_code) the footprint in force, in one transaction with
        its history and audit rows. ``before`` is the footprint the change was worked out from: if another
        change came first, or a user still uploads for a partnership that ``after`` ends, nothing is written."""
        with self._transaction() as cur:
            current = cur.execute("SELECT partnership_id, name, area_code FROM partnerships ORDER BY ALL").df()
            if not current.equals(before[_FOOTPRINT].sort_values(_FOOTPRINT).reset_index(drop=True)):
                raise StoreError("The partnerships were changed by someone else meanwhile, so nothing was changed. "
                                 "Look at them again and repeat your change.")
            cur.register("after", after[_FOOTPRINT])
            stranded = cur.execute(statement("partnerships_stranded_users")).fetchall()
            if stranded:
                raise PartnershipInUseError(dict(stranded))
            cur.execute(statement("partnerships_close_history"), {"at": at, "actor": audit.actor})
            cur.execute(statement("partnerships_open_history"), {"at": at, "actor": audit.actor})
            cur.execute("DELETE FROM partnerships")
            cur.execute("INSERT INTO partnerships (partnership_id, name, area_code) SELECT * FROM after")
            cur.unregister("after")
            self._write_audit(cur, audit)
