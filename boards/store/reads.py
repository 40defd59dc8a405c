"""Reads: the named read-only queries of ``boards/sql/`` that callers run by name, what the database holds,
whole tables for exports, and the data version that keys cached comparisons."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from boards.store.connection import Connection, named_sql, statement
from boards.store.errors import StoreError


class Reads(Connection):
    """What callers read."""

    def data_version(self) -> tuple[int, int, int]:
        """Changes whenever a load is committed or rolled back, or a partnership is edited (each edit adds
        history rows): the key of cached comparisons."""
        # Asked several times a page run (every shared cache is keyed by it): a tuple, not a DataFrame.
        with self._cursor() as cur:
            loads, rollbacks, footprints = cur.execute(statement("data_version")).fetchone()
        return int(loads), int(rollbacks), int(footprints)

    def has_observations(self) -> bool:
        return bool(self._scalar("SELECT EXISTS (SELECT 1 FROM observations)"))

    def summary(self) -> dict[str, Any]:
        """What the database holds: counts, sources, the latest period and the last load."""
        counts = self._frame(statement("summary_counts")).iloc[0]
        by_source = self._frame("SELECT source, count(*) AS n FROM observations GROUP BY source ORDER BY source")
        latest = self._frame(statement("summary_latest_periods"))
        last_load = counts["last_load_at"]
        return {
            "schema_version": self.schema_version(),
            "areas": int(counts["areas"]),
            "partnerships": int(counts["partnerships"]),
            "indicators": int(counts["indicators"]),
            "periods": int(counts["periods"]),
            "observations": int(counts["observations"]),
            "observations_by_source": dict(zip(by_source["source"], by_source["n"].astype(int))),
            "latest_period": {row.granularity: row.period_id for row in latest.itertuples()},
            "latest_period_label": {row.granularity: row.label for row in latest.itertuples()},
            "last_load_at": None if pd.isna(last_load) else pd.Timestamp(last_load).to_pydatetime(),
        }

    def read(self, query_name: str, **params: Any) -> pd.DataFrame:
        """Run the named read-only query ``boards/sql/<query_name>.sql`` with ``$name`` parameters."""
        with self._cursor() as cur:
            return cur.execute(named_sql(query_name), params).df()

    def read_through_arrow(self, query_name: str, **params: Any) -> pd.DataFrame:
        """``read`` by way of an Arrow table, with text as categoricals: for tens of thousands of rows of
        a few distinct texts, each text becomes a Python string once (dates come back as ``datetime.date``,
        not timestamps, so it is not for queries with dates)."""
        with self._cursor() as cur:
            table = cur.execute(named_sql(query_name), params).to_arrow_table()
        columns = [
            column.dictionary_encode() if pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
            else column
            for column in table.columns
        ]
        return pa.table(columns, names=table.column_names).to_pandas()

    def loads(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM loads ORDER BY load_id")

    def table(self, name: str) -> pd.DataFrame:
        """A whole table in a stable order, for exports and reproducibility checks."""
        known = set(self._frame(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        )["table_name"])
        if name not in known:
            raise StoreError(f"no table named {name!r}")
        return self._frame(f"SELECT * FROM {name} ORDER BY ALL")
