"""Loads and their rollback: a file's observations (and published benchmarks) written in one transaction,
the values they replace kept in the history, and a committed load undone exactly."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd

from boards.store.connection import Connection, named_sql, statement
from boards.store.errors import AlreadyLoadedError, StoreError
from boards.store.records import AuditEntry, LoadResult, LoadScope, RollbackResult, utc_now
from boards.store.reference import merge_periods

if TYPE_CHECKING:
    from boards.periods import Period

OBSERVATION_KEY = ("area_code", "indicator_id", "period_id")
OBSERVATION_COLUMNS = (*OBSERVATION_KEY, "value", "numerator", "denominator", "status", "note")
BENCHMARK_KEY = ("geography_code", "indicator_id", "period_id")
BENCHMARK_COLUMNS = (*BENCHMARK_KEY, "value", "numerator", "denominator", "status")
STATUSES = ("reported", "c", "x", "z", "low", "u", "missing")
SOURCES = ("published", "local", "demo")


def repeated_keys(frame: pd.DataFrame, key: Sequence[str]) -> np.ndarray:
    """Whether another row of ``frame`` has the same ``key``. A key of categories (an upload's) is folded into
    one integer per row from the codes, which pandas hashes once, where DataFrame.duplicated would factorize
    each column first."""
    columns = [frame[name].array for name in key]
    sizes = [len(column.categories) + 1 for column in columns if isinstance(column, pd.Categorical)]
    if len(sizes) < len(columns) or math.prod(sizes) >= 2**63:
        return frame.duplicated(list(key), keep=False).to_numpy()
    folded = np.zeros(len(frame), dtype=np.int64)
    for column, size in zip(columns, sizes):
        folded = folded * size + column.codes + 1  # a missing key part (code -1) folds as 0
    return pd.Series(folded).duplicated(keep=False).to_numpy()


def refuse_duplicate_keys(frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    """Duplicate keys inside one MERGE batch would pass silently, so refuse them before writing."""
    duplicated = repeated_keys(frame, key)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise ValueError(
            f"{int(duplicated.sum())} rows share a key, e.g. " + " / ".join(str(first[c]) for c in key)
        )


@contextmanager
def _staged(cur: duckdb.DuckDBPyConnection, incoming: pd.DataFrame, source: str) -> Iterator[None]:
    """The temporary table ``staged``: each incoming observation, whether it is new and whether it
    changes the current one; dropped at the end. After a failure it is left to go with its cursor (a failed
    transaction on PostgreSQL accepts no statement but a rollback, which drops it if made inside)."""
    cur.register("incoming", incoming)
    cur.execute(f"CREATE TEMP TABLE staged AS {statement('load_stage_observations')}", {"source": source})
    cur.unregister("incoming")
    yield
    cur.execute("DROP TABLE staged")


def _write_benchmarks(cur: duckdb.DuckDBPyConnection, benchmarks: pd.DataFrame, load_id: int) -> None:
    """New and changed benchmarks only; the replaced ones move to ``benchmark_history``."""
    cur.register("incoming_benchmarks", benchmarks)
    cur.execute(statement("load_stage_benchmarks"))
    cur.unregister("incoming_benchmarks")
    cur.execute(statement("load_benchmarks_to_history"), {"load_id": load_id, "superseded_at": utc_now()})
    cur.execute(statement("load_merge_benchmarks"), {"load_id": load_id})
    cur.execute("DROP TABLE staged_benchmarks")


class Loads(Connection):
    """Loads written, previewed, described and rolled back."""

    def commit_load(
        self,
        observations: pd.DataFrame,
        *,
        source: str,
        loaded_by: str,
        file_name: str,
        file_hash: str | None = None,
        rows_rejected: int = 0,
        note: str | None = None,
        benchmarks: pd.DataFrame | None = None,
        periods: list[Period] | None = None,
        problems: pd.DataFrame | None = None,
        audit: AuditEntry | None = None,
        release: str | None = None,
    ) -> LoadResult:
        """Write one load of observations (and optional published benchmarks) atomically.

        New keys are added; a changed value replaces the current one, which moves to
        ``observation_history`` (``benchmark_history`` for benchmarks) with the load that
        replaced it; identical rows are counted as unchanged and left alone. The load's periods,
        the problems of rows it left out (line, column_name, value, reason) and its audit row
        (its target set to the new load) are written in the same transaction. A file whose hash
        a committed load already has is refused with AlreadyLoadedError. ``release`` is the release
        published figures came from (boards.imports.releases).
        """
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
        incoming = observations.loc[:, list(OBSERVATION_COLUMNS)]
        refuse_duplicate_keys(incoming, OBSERVATION_KEY)
        incoming_benchmarks = None
        if benchmarks is not None and len(benchmarks):
            incoming_benchmarks = benchmarks.loc[:, list(BENCHMARK_COLUMNS)]
            refuse_duplicate_keys(incoming_benchmarks, BENCHMARK_KEY)
        with self._write_lock, self._cursor() as cur:
            steps = [_staged(cur, incoming, source), self._begun(cur)]
            if self.shared:
                # The lock row first, then staged inside the transaction: another process could commit between
                # a staging done before and the writes.
                steps.reverse()
            # On a file, staged before the transaction, under the write lock, so that nothing can change what it
            # compared: a temporary table of its own is scanned in parallel by the writes below, one made inside
            # their transaction is not.
            with ExitStack() as in_order:
                for step in steps:
                    in_order.enter_context(step)
                if file_hash is not None:
                    previous = cur.execute(
                        "SELECT min(load_id) FROM loads WHERE file_hash = ? AND status = 'committed'", [file_hash]
                    ).fetchone()[0]
                    if previous is not None:
                        raise AlreadyLoadedError(int(previous))
                if periods:
                    merge_periods(cur, periods)
                load_id = cur.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
                cur.execute(statement("load_insert"), {
                    "load_id": load_id, "loaded_at": utc_now(), "loaded_by": loaded_by, "file_name": file_name,
                    "file_hash": file_hash, "source": source, "rows_rejected": rows_rejected, "note": note, "release": release,
                })
                added, changed, unchanged = cur.execute(statement("load_counts")).fetchone()
                if changed:  # the replaced values to history, then the changed ones updated by MERGE on the key
                    cur.execute(
                        statement("load_observations_to_history"), {"load_id": load_id, "superseded_at": utc_now()}
                    )
                    cur.execute(statement("load_update_observations"), {"source": source, "load_id": load_id})
                cur.execute(statement("load_add_observations"), {"source": source, "load_id": load_id})
                if incoming_benchmarks is not None:
                    _write_benchmarks(cur, incoming_benchmarks, load_id)
                if problems is not None and len(problems):
                    cur.register("incoming_problems", problems)
                    cur.execute(statement("load_add_problems"), {"load_id": load_id})
                    cur.unregister("incoming_problems")
                cur.execute(
                    "UPDATE loads SET rows_added = ?, rows_changed = ?, rows_unchanged = ? WHERE load_id = ?",
                    [added, changed, unchanged, load_id],
                )
                if audit is not None:
                    self._write_audit(cur, replace(audit, target=f"load {load_id}"))
            self._settle(cur)
        return LoadResult(int(load_id), int(added), int(changed), int(unchanged))

    def preview_load(self, observations: pd.DataFrame, *, source: str) -> tuple[int, int, int]:
        """(added, changed, unchanged) that committing these observations would give; writes nothing."""
        staged_counts = f"WITH staged AS ({statement('load_stage_observations')}) {statement('load_counts')}"
        with self._cursor() as cur:
            cur.register("incoming", observations.loc[:, list(OBSERVATION_COLUMNS)])
            counts = cur.execute(staged_counts, {"source": source}).fetchone()
            cur.unregister("incoming")
        added, changed, unchanged = (int(count) for count in counts)
        return added, changed, unchanged

    def releases_in_force(self, observations: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
        """The published releases whose loads wrote the current figures these would change: load_id, file_name,
        release and figures (how many of them), from ``boards/sql/upload_releases_in_force.sql``."""
        with self._cursor() as cur:
            cur.register("incoming_observations", observations.loc[:, list(OBSERVATION_COLUMNS)])
            cur.register("incoming_benchmarks", benchmarks.loc[:, list(BENCHMARK_COLUMNS)])
            frame = cur.execute(named_sql("upload_releases_in_force")).df()
            cur.unregister("incoming_observations")
            cur.unregister("incoming_benchmarks")
        return frame

    # -- what a load did --------------------------------------------------------------------

    def load_record(self, load_id: int) -> dict[str, Any] | None:
        """The ``loads`` row of one load, or None."""
        frame = self._frame("SELECT * FROM loads WHERE load_id = ?", [load_id])
        return None if frame.empty else frame.iloc[0].to_dict()

    def committed_load_with_hash(self, file_hash: str) -> dict[str, Any] | None:
        """The earliest committed (not rolled back) load of a file with this content hash, or None."""
        frame = self._frame(
            "SELECT * FROM loads WHERE file_hash = ? AND status = 'committed' ORDER BY load_id LIMIT 1", [file_hash]
        )
        return None if frame.empty else frame.iloc[0].to_dict()

    def load_scope(self, load_id: int) -> LoadScope:
        """Every geography whose rows the load wrote or replaced: areas and published benchmarks."""
        frame = self._frame(named_sql("load_scope"), {"load_id": load_id})
        codes = frame.groupby("kind")["code"].agg(tuple).to_dict()
        return LoadScope(area_codes=codes.get("area", ()), benchmark_codes=codes.get("benchmark", ()))

    def load_benchmarks(self, load_id: int) -> tuple[int, int]:
        """(added, replaced): the published benchmarks a load added, and those it replaced, now current."""
        counts = self._frame(named_sql("load_benchmarks"), {"load_id": load_id}).iloc[0]
        return int(counts["current"]) - int(counts["replaced"]), int(counts["replaced"])

    def load_problems(self, load_id: int) -> pd.DataFrame:
        """The rows a load left out, with why (line, column_name, value, reason)."""
        return self._frame(
            "SELECT line, column_name, value, reason FROM load_problems WHERE load_id = ? ORDER BY line NULLS FIRST",
            [load_id],
        )

    # -- rollback ---------------------------------------------------------------------------

    def rollback_load(self, load_id: int, *, audit: AuditEntry) -> RollbackResult:
        """Undo a committed load exactly: restore the values it replaced, remove the ones it added.

        Refused while a later committed load has replaced some of its values (roll that one back
        first), so the history is always undone in reverse order and nothing is lost.
        """
        with self._transaction() as cur:
            found = cur.execute(
                "SELECT file_name, status, rolled_back_by, rolled_back_at FROM loads WHERE load_id = ?", [load_id]
            ).fetchone()
            if found is None:
                raise StoreError(f"There is no load {load_id}; 'boards loads' lists them.")
            file_name, status, rolled_back_by, rolled_back_at = found
            if status == "rolled_back":
                raise StoreError(
                    f"Load {load_id} ({file_name}) was already rolled back by {rolled_back_by} "
                    f"on {rolled_back_at:%d %b %Y %H:%M} UTC."
                )
            later = cur.execute(statement("rollback_later_loads"), {"load_id": load_id}).fetchall()
            if later:
                loads = ", ".join(str(other) for other, _ in later)
                replaced = sum(count for _, count in later)
                raise StoreError(
                    f"Load {load_id} ({file_name}) cannot be rolled back: later load{'s' if len(later) > 1 else ''} "
                    f"{loads} replaced {replaced} of the values it wrote. Roll back load {later[-1][0]} first."
                )
            restored = cur.execute(
                "SELECT count(*) FROM observation_history WHERE superseded_by_load = ?", [load_id]
            ).fetchone()[0]
            cur.execute(statement("rollback_restore_observations"), {"load_id": load_id})
            # What still carries the load's id after the restore is what it added.
            removed = cur.execute("DELETE FROM observations WHERE load_id = ?", [load_id]).fetchone()[0]
            cur.execute("DELETE FROM observation_history WHERE superseded_by_load = ?", [load_id])
            benchmarks_restored = cur.execute(
                "SELECT count(*) FROM benchmark_history WHERE superseded_by_load = ?", [load_id]
            ).fetchone()[0]
            cur.execute(statement("rollback_restore_benchmarks"), {"load_id": load_id})
            benchmarks_removed = cur.execute(
                "DELETE FROM published_benchmarks WHERE load_id = ?", [load_id]
            ).fetchone()[0]
            cur.execute("DELETE FROM benchmark_history WHERE superseded_by_load = ?", [load_id])
            cur.execute(
                "UPDATE loads SET status = 'rolled_back', rolled_back_at = ?, rolled_back_by = ? WHERE load_id = ?",
                [audit.occurred_at, audit.actor, load_id],
            )
            self._write_audit(cur, replace(audit, target=f"load {load_id}"))
        return RollbackResult(
            load_id, int(restored), int(removed), int(benchmarks_restored), int(benchmarks_removed)
        )
