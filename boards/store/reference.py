"""Reference data and the catalogue: areas, regions, neighbours, inspections and the shipped partnerships
(replaced whole from ``data/``), the indicator catalogue, and the periods figures belong to."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from boards.store.connection import Connection, statement
from boards.store.partnerships import mirror_partnerships

if TYPE_CHECKING:
    from boards.periods import Period
    from boards.reference import Reference


def merge_periods(cur: duckdb.DuckDBPyConnection, periods: list[Period]) -> None:
    """Add the periods the database does not have yet."""
    frame = pd.DataFrame(
        {
            "period_id": [p.period_id for p in periods],
            "granularity": [p.granularity for p in periods],
            "start_date": [p.start for p in periods],
            "end_date": [p.end for p in periods],
            "label": [p.label for p in periods],
        }
    ).drop_duplicates("period_id")
    cur.register("incoming_periods", frame)
    cur.execute(statement("periods_merge"))
    cur.unregister("incoming_periods")


class ReferenceData(Connection):
    """The reference tables, the indicator catalogue and the periods."""

    def replace_reference(self, ref: Reference) -> None:
        """Replace every reference table with the contents of ``ref``, in one transaction."""
        from boards.reference import INSPECTION_COLUMNS  # the table's columns; the sub-judgements stay in ``ref``

        tables = {
            "regions": ref.regions,
            "areas": ref.areas,
            "area_aliases": ref.aliases,
            "area_population": ref.population,
            "statistical_neighbours": ref.neighbours,
            "inspections": ref.inspections.reindex(columns=INSPECTION_COLUMNS),
        }
        with self._transaction() as cur:
            for table, frame in tables.items():
                cur.execute(f"DELETE FROM {table}")
                cur.register("incoming", frame)
                cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
                cur.unregister("incoming")
            mirror_partnerships(cur, ref.partnerships)

    def sync_catalogue(self, catalogue: pd.DataFrame) -> None:
        """Mirror the indicator catalogue file into the ``indicators`` table, keeping its order."""
        with self._transaction() as cur:
            cur.register("incoming", catalogue.assign(position=range(len(catalogue))))
            cur.execute(statement("catalogue_merge"))
            cur.unregister("incoming")

    def ensure_periods(self, periods: list[Period]) -> None:
        with self._transaction() as cur:
            merge_periods(cur, periods)
