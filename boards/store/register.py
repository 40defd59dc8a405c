"""The case review register: snapshots of uploaded register files, keyed by the file's content hash
(boards/migrations/004_case_reviews.sql). A snapshot is written before the load that commits it, and read
(by the ``review_register_*`` queries) only once a committed load has that hash."""

from __future__ import annotations

import pandas as pd

from boards.store.connection import Connection
from boards.store.loads import refuse_duplicate_keys


class ReviewRegister(Connection):
    """Stores register snapshots."""

    _REGISTER_TABLES = {
        "register_snapshots": ("file_hash", "partnership_id", "part"),
        "case_reviews": ("file_hash", "partnership_id", "review_id"),
        "case_review_themes": ("file_hash", "partnership_id", "review_id", "theme_id"),
        "review_recommendations": ("file_hash", "partnership_id", "review_id", "recommendation_id"),
    }

    def stage_register(self, file_hash: str, tables: dict[str, pd.DataFrame]) -> None:
        """Store the register snapshot of one file (``tables`` by table name, without ``file_hash``), in one
        transaction; a snapshot already stored under this hash (the same file) is left as it is."""
        unknown = set(tables) - set(self._REGISTER_TABLES)
        if unknown:
            raise ValueError(f"not register tables: {sorted(unknown)}")
        with self._transaction() as cur:
            for table, frame in tables.items():
                incoming = frame.assign(file_hash=file_hash)
                key = self._REGISTER_TABLES[table]
                refuse_duplicate_keys(incoming, key)
                columns = ", ".join(key)
                cur.register("incoming", incoming)
                cur.execute(f"MERGE INTO {table} USING incoming USING ({columns}) WHEN NOT MATCHED THEN INSERT BY NAME")
                cur.unregister("incoming")
