"""The store: every DuckDB access of the application goes through :class:`Store`.

One connection per process and database file (DuckDB allows one read-write process per file);
each call takes its own cursor, so Streamlit's threads can read at once, and writes are
serialised by a lock and run in one transaction each. Upserts are ``MERGE INTO`` statements so
they also run on DuckLake, which has no primary keys.

Durability: DuckDB writes each commit to its write-ahead log and syncs it before the commit returns;
the store then checkpoints, so the database file itself holds every committed write and the log is
empty again. A process killed at any moment leaves the file as it was after its last commit, and
nothing has to be replayed from a log (DuckDB 1.5.5 fails to replay some logs, see migration 006).
Schema migrations and the first-run demo build are made on a copy beside the file and swapped in
whole, so a kill during either leaves the file as it was.
"""

from __future__ import annotations

import atexit
import functools
import logging
import math
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

if TYPE_CHECKING:
    from boards.periods import Period
    from boards.reference import Reference

_log = logging.getLogger(__name__)

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "boards.duckdb"
OBSERVATION_KEY = ("area_code", "indicator_id", "period_id")
OBSERVATION_COLUMNS = (*OBSERVATION_KEY, "value", "numerator", "denominator", "status", "note")
BENCHMARK_KEY = ("geography_code", "indicator_id", "period_id")
BENCHMARK_COLUMNS = (*BENCHMARK_KEY, "value", "numerator", "denominator", "status")
STATUSES = ("reported", "c", "x", "z", "low", "u", "missing")
SOURCES = ("published", "local", "demo")


class StoreError(RuntimeError):
    """The database cannot be used; the message says why in words a user can act on."""


class DatabaseInUseError(StoreError):
    """Another process holds the database file (DuckDB allows one read-write process per file)."""


class StoreClosedError(StoreError):
    """The store was closed (the server is stopping) while a page was still reading from it."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of this application."""


class PartnershipInUseError(StoreError):
    """A change would end partnerships that users still upload for (by partnership id, their usernames)."""

    def __init__(self, usernames: dict[str, str]) -> None:
        self.usernames = usernames
        super().__init__("; ".join(f"{pid}: {names}" for pid, names in usernames.items()))


class AlreadyLoadedError(StoreError):
    """A committed load already holds a file with the same content hash."""

    def __init__(self, load_id: int) -> None:
        self.load_id = load_id
        super().__init__(f"this file was already imported as load {load_id}")


def utc_now() -> datetime:
    """The time now in UTC, without a zone (the database stores UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    """A connection to ``path``, or a StoreError that says in plain words what is wrong and what to do."""
    try:
        return duckdb.connect(path)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseInUseError(
                f"The database {path} is in use by another program, most likely the running dashboard (DuckDB "
                "lets one program at a time open a file). Use the dashboard's Upload or Administration page, or "
                "stop the dashboard and try again."
            ) from exc
        raise StoreError(f"The database {path} cannot be opened: {_first_line(exc)}") from exc
    except duckdb.Error as exc:
        if "replaying WAL" in str(exc):
            raise StoreError(
                f"The database {path} cannot be opened: DuckDB {duckdb.__version__} cannot replay its log of "
                f"recent changes ({path}.wal). Nothing has been changed. Restore the latest backup with "
                f"'boards restore BACKUP --db {path}', or move {path}.wal elsewhere to open the database "
                "as it was at its last checkpoint (the changes only the log holds are then lost)."
            ) from exc
        raise StoreError(
            f"{path} is not a database this application can read: {_first_line(exc)}"
        ) from exc


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200]


def _sync(path: Path) -> None:
    """Flush ``path`` (a file, or a folder's entries) to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_database_files(path: Path) -> None:
    """Remove a database file and its write-ahead log, if they exist."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The database path: ``--db`` if given, else ``$BOARDS_DB``, else ``data/boards.duckdb``."""
    chosen = cli_value or os.environ.get("BOARDS_DB") or DEFAULT_DB_PATH
    return Path(chosen).expanduser().resolve()


def _migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every file ``boards/migrations/NNN_name.sql``, in order."""
    found = []
    for entry in resources.files("boards.migrations").iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append((int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3... without gaps or repeats, found {versions}")
    return found


@functools.cache
def _named_sql(name: str) -> str:
    """The text of ``boards/sql/<name>.sql``: read queries kept in named files, run only here."""
    entry = resources.files("boards.sql") / f"{name}.sql"
    if not entry.is_file():
        raise StoreError(f"no query named {name!r}")
    return entry.read_text(encoding="utf-8")


MIGRATIONS = _migrations()
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class AuditEntry:
    """One row of the append-only audit trail: who did what, to what, when (UTC)."""

    occurred_at: datetime
    actor: str
    action: str
    target: str | None
    detail: str | None


@dataclass(frozen=True)
class LoadResult:
    load_id: int
    rows_added: int
    rows_changed: int
    rows_unchanged: int


@dataclass(frozen=True)
class LoadScope:
    """The geographies whose rows a load wrote or replaced: who may roll it back depends on them."""

    area_codes: tuple[str, ...]  # local authorities and partnerships
    benchmark_codes: tuple[str, ...]  # published England and regional figures

    @property
    def is_empty(self) -> bool:
        return not self.area_codes and not self.benchmark_codes


@dataclass(frozen=True)
class RollbackResult:
    load_id: int
    rows_restored: int  # values the load had replaced, current again
    rows_removed: int  # values the load had added, gone again
    benchmarks_restored: int  # published benchmarks the load had replaced, current again
    benchmarks_removed: int  # published benchmarks the load had added, gone again


# Staging of a load against the current observations ($1 = the load's source): a row is changed
# when any stored field differs, including the source it came from.
_STAGE_OBSERVATIONS = (
    "SELECT i.*, o.area_code IS NULL AS is_new, "
    "  o.area_code IS NOT NULL AND ("
    "    o.value IS DISTINCT FROM i.value OR o.numerator IS DISTINCT FROM i.numerator "
    "    OR o.denominator IS DISTINCT FROM i.denominator OR o.status IS DISTINCT FROM i.status "
    "    OR o.note IS DISTINCT FROM i.note OR o.source IS DISTINCT FROM $1) AS is_changed "
    "FROM incoming i LEFT JOIN observations o USING (area_code, indicator_id, period_id)"
)


@contextmanager
def _staged(cur: duckdb.DuckDBPyConnection, incoming: pd.DataFrame, source: str) -> Iterator[None]:
    """The temporary table ``staged``: each incoming observation, whether it is new and whether it
    changes the current one; dropped at the end."""
    cur.register("incoming", incoming)
    cur.execute(f"CREATE TEMP TABLE staged AS {_STAGE_OBSERVATIONS}", [source])
    cur.unregister("incoming")
    try:
        yield
    finally:
        cur.execute("DROP TABLE staged")


@contextmanager
def _begun(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction on ``cur``: committed at the end, rolled back on any exception."""
    cur.begin()
    try:
        yield
    except BaseException:
        cur.rollback()
        raise
    cur.commit()


def repeated_keys(frame: pd.DataFrame, key: Sequence[str]) -> np.ndarray:
    """Whether another row of ``frame`` has the same ``key``. A key of categories (an upload's) is folded into
    one integer per row from the codes, which pandas hashes once (a million rows: about 30 ms, where
    DataFrame.duplicated, factorizing each column first, took 40 to 56)."""
    columns = [frame[name].array for name in key]
    sizes = [len(column.categories) + 1 for column in columns if isinstance(column, pd.Categorical)]
    if len(sizes) < len(columns) or math.prod(sizes) >= 2**63:
        return frame.duplicated(list(key), keep=False).to_numpy()
    folded = np.zeros(len(frame), dtype=np.int64)
    for column, size in zip(columns, sizes):
        folded = folded * size + column.codes + 1  # a missing key part (code -1) folds as 0
    return pd.Series(folded).duplicated(keep=False).to_numpy()


def _refuse_duplicate_keys(frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    """Duplicate keys inside one MERGE batch would pass silently, so refuse them before writing."""
    duplicated = repeated_keys(frame, key)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise ValueError(
            f"{int(duplicated.sum())} rows share a key, e.g. " + " / ".join(str(first[c]) for c in key)
        )


class Store:
    """Owns the DuckDB connection of one database file."""

    _open_stores: dict[Path, Store] = {}
    _open_lock = threading.RLock()

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = str(path)
        self._con = _connect(self.path)
        self._invalidated = False  # a fatal error stopped the database: open it again before the next use
        self._closed = False
        self._write_lock = threading.RLock()

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """The process-wide store of ``path`` (created, migrated and cached on first use)."""
        key = Path(path).resolve()
        with cls._open_lock:
            store = cls._open_stores.get(key)
            if store is None:
                key.parent.mkdir(parents=True, exist_ok=True)
                store = cls(key)
                try:
                    version = store.schema_version()
                    store._refuse_newer(version)
                    if version < SCHEMA_VERSION:
                        store.rebuild(Store.migrate)
                except BaseException:
                    store.close()
                    raise
                cls._open_stores[key] = store
            return store

    @classmethod
    def close_all(cls) -> None:
        """Close every store this process opened (at shutdown: each checkpoints as it closes)."""
        for store in list(cls._open_stores.values()):
            store.close()

    def close(self) -> None:
        with self._open_lock:
            for key, store in list(self._open_stores.items()):
                if store is self:
                    del self._open_stores[key]
        with self._write_lock:
            self._closed = True
            self._con.close()

    def rebuild(self, build: Callable[[Store], object], *, from_scratch: bool = False) -> None:
        """Run ``build`` on a copy of the database beside its file (or, ``from_scratch``, on a new empty
        database), then swap it in whole.

        For work that must never be seen half done, even by a process killed in the middle: schema
        migrations and the demo build. A kill leaves the file as it was and, at worst, a copy that the
        next rebuild replaces. In memory, ``build`` simply runs on this store.
        """
        if self.path == ":memory:":
            build(self)
            return
        target = Path(self.path)
        copy = target.with_name(f".{target.name}.rebuilding")
        with self._write_lock:
            with self._cursor() as cur:
                cur.execute("CHECKPOINT")
            self._con.close()
            try:
                _remove_database_files(copy)
                if not from_scratch:
                    shutil.copyfile(target, copy)
                built = Store(copy)
                try:
                    if from_scratch:
                        built.migrate()
                    build(built)
                finally:
                    built.close()
                _sync(copy)
                os.replace(copy, target)
                _sync(target.parent)
            finally:
                _remove_database_files(copy)
                self._con = _connect(self.path)

    def copy_file_to(self, destination: Path) -> None:
        """A consistent copy of the database file at ``destination``, written beside it and renamed into
        place: taken after a checkpoint, under the write lock, so no write is half in it."""
        if self.path == ":memory:":
            raise StoreError("An in-memory database has no file to copy.")
        partial = destination.with_name(f".{destination.name}.partial")
        with self._write_lock:
            with self._cursor() as cur:
                cur.execute("CHECKPOINT")
            try:
                shutil.copyfile(self.path, partial)
                _sync(partial)
                os.replace(partial, destination)
                _sync(destination.parent)
            finally:
                partial.unlink(missing_ok=True)

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own; a database that a fatal error invalidated is opened again first, so one full
        disk does not leave every page failing until the server restarts."""
        if self._invalidated:
            self._reopen()
        try:
            cursor = self._con.cursor()
        except duckdb.Error as exc:
            raise self._closed_error() if self._closed else exc
        try:
            yield cursor
        except duckdb.FatalException as exc:
            self._invalidated = True
            raise StoreError(
                f"The database {self.path} stopped after a failure it cannot recover from by itself "
                f"({_first_line(exc)}). Nothing half-written was kept; it is opened again for the next "
                "request. If the disk is full, free some space."
            ) from exc
        except (duckdb.IOException, duckdb.TransactionException, duckdb.OutOfMemoryException) as exc:
            raise StoreError(
                f"The database {self.path} could not do this ({_first_line(exc)}), so nothing was changed. "
                "If the disk or the memory is full, free some and try again."
            ) from exc
        except duckdb.Error as exc:
            # A page still reading when the server stops finds its connection closed under it.
            if self._closed:
                raise self._closed_error() from exc
            raise
        finally:
            try:
                cursor.close()
            except duckdb.Error:
                if not self._closed:
                    raise

    def _closed_error(self) -> StoreClosedError:
        return StoreClosedError("The server is stopping, so this page was not finished. Reload it in a moment.")

    def _reopen(self) -> None:
        with self._write_lock:
            if not self._invalidated:
                return
            try:
                self._con.close()
            except duckdb.Error:
                pass  # an invalidated database may refuse even to close; the new connection replaces it
            self._con = _connect(self.path)
            self._invalidated = False

    def _settle(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Checkpoint after a commit: the database file then holds it and the log is empty. A checkpoint that
        cannot run (other readers) or fails (a full disk) loses nothing, since the commit is already synced to
        the log; after a failure the database is opened again on the next request, replaying the log, and
        checkpoints then."""
        try:
            cur.execute("CHECKPOINT")
        except duckdb.TransactionException as exc:
            # Pages reading at the same moment can hold a checkpoint off ("other write transactions active").
            # The commit stands: it is in the log, which holds no DDL outside migrations and so replays, and
            # the next write (or closing the store) checkpoints it.
            _log.info("checkpoint of %s deferred to the next write: %s", self.path, _first_line(exc))
        except duckdb.FatalException as exc:
            self._invalidated = True
            _log.warning("checkpoint of %s failed, to be retried on reopening: %s", self.path, exc)

    def _frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        with self._cursor() as cur:
            return cur.execute(sql, params or []).df()

    def _scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        with self._cursor() as cur:
            row = cur.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction, holding the process's write lock; checkpointed once committed."""
        with self._write_lock, self._cursor() as cur:
            with _begun(cur):
                yield cur
            self._settle(cur)

    # -- schema -----------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The highest migration applied to this database (0 for a new file)."""
        exists = self._scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        )
        if not exists:
            return 0
        return int(self._scalar("SELECT coalesce(max(version), 0) FROM schema_migrations"))

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"The database {self.path} has schema version {version}, newer than this "
                f"application's {SCHEMA_VERSION}. Upgrade the application to open it."
            )

    def migrate(self) -> list[int]:
        """Apply every migration this database lacks, each in its own transaction."""
        current = self.schema_version()
        self._refuse_newer(current)
        applied = []
        with self._transaction() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
        for version, name, sql in MIGRATIONS:
            if version <= current:
                continue
            with self._transaction() as cur:
                cur.execute(sql)
                cur.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [version, name]
                )
            applied.append(version)
        return applied

    # -- reference data and catalogue -------------------------------------------------------

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
                columns = ", ".join(frame.columns)
                cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
                cur.unregister("incoming")
            self._mirror_partnerships(cur, ref.partnerships)

    @staticmethod
    def _mirror_partnerships(cur: duckdb.DuckDBPyConnection, shipped: pd.DataFrame) -> None:
        """The partnerships of data/partnerships.csv, unless an administrator has edited them: their edits are
        kept (``boards init`` must not undo them) and only an area in no partnership gets the file's one."""
        edited = cur.execute("SELECT count(*) FROM partnership_history WHERE valid_from IS NOT NULL").fetchone()[0]
        cur.register("shipped", shipped)
        if not edited:
            cur.execute("DELETE FROM partnerships")
            cur.execute("DELETE FROM partnership_history")
        cur.execute(
            "INSERT INTO partnerships (partnership_id, name, area_code) SELECT partnership_id, name, area_code "
            "FROM shipped WHERE area_code NOT IN (SELECT area_code FROM partnerships)"
        )
        cur.execute(
            "INSERT INTO partnership_history SELECT partnership_id, name, area_code, NULL, NULL, NULL, NULL "
            "FROM shipped WHERE area_code NOT IN (SELECT area_code FROM partnership_history WHERE valid_to IS NULL)"
        )
        cur.unregister("shipped")

    def sync_catalogue(self, catalogue: pd.DataFrame) -> None:
        """Mirror the indicator catalogue file into the ``indicators`` table, keeping its order."""
        catalogue = catalogue.assign(position=range(len(catalogue)))
        columns = list(catalogue.columns)
        updates = ", ".join(f"{c} = incoming.{c}" for c in columns if c != "indicator_id")
        names = ", ".join(columns)
        values = ", ".join(f"incoming.{c}" for c in columns)
        with self._transaction() as cur:
            cur.register("incoming", catalogue)
            cur.execute(
                f"MERGE INTO indicators USING incoming ON indicators.indicator_id = incoming.indicator_id "
                f"WHEN MATCHED THEN UPDATE SET {updates} "
                f"WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({values})"
            )
            cur.unregister("incoming")

    def ensure_periods(self, periods: list[Period]) -> None:
        with self._transaction() as cur:
            self._merge_periods(cur, periods)

    @staticmethod
    def _merge_periods(cur: duckdb.DuckDBPyConnection, periods: list[Period]) -> None:
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
        cur.execute(
            "MERGE INTO periods USING incoming_periods i ON periods.period_id = i.period_id "
            "WHEN NOT MATCHED THEN INSERT (period_id, granularity, start_date, end_date, label) "
            "VALUES (i.period_id, i.granularity, i.start_date, i.end_date, i.label)"
        )
        cur.unregister("incoming_periods")

    # -- loads ------------------------------------------------------------------------------

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
        _refuse_duplicate_keys(incoming, OBSERVATION_KEY)
        incoming_benchmarks = None
        if benchmarks is not None and len(benchmarks):
            incoming_benchmarks = benchmarks.loc[:, list(BENCHMARK_COLUMNS)]
            _refuse_duplicate_keys(incoming_benchmarks, BENCHMARK_KEY)
        # Staged before the transaction, under the write lock, so that nothing can change what it
        # compared: a temporary table of its own is scanned in parallel by the writes below, one made
        # inside their transaction is not (a million rows written in 0.7 s, not 1.4 s).
        with self._write_lock, self._cursor() as cur:
            with _staged(cur, incoming, source), _begun(cur):
                if file_hash is not None:
                    previous = cur.execute(
                        "SELECT min(load_id) FROM loads WHERE file_hash = ? AND status = 'committed'", [file_hash]
                    ).fetchone()[0]
                    if previous is not None:
                        raise AlreadyLoadedError(int(previous))
                if periods:
                    self._merge_periods(cur, periods)
                load_id = cur.execute(
                    "INSERT INTO loads (load_id, loaded_at, loaded_by, file_name, file_hash, source, rows_rejected, "
                    "note, release) SELECT coalesce(max(load_id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM loads "
                    "RETURNING load_id",
                    [utc_now(), loaded_by, file_name, file_hash, source, rows_rejected, note, release],
                ).fetchone()[0]
                added, changed, unchanged = cur.execute(
                    "SELECT count(*) FILTER (is_new), count(*) FILTER (is_changed), "
                    "count(*) FILTER (NOT is_new AND NOT is_changed) FROM staged"
                ).fetchone()
                if changed:  # the replaced values to history, then the changed ones updated by MERGE on the key
                    cur.execute(
                        "INSERT INTO observation_history "
                        "(area_code, indicator_id, period_id, value, numerator, denominator, status, source, "
                        " load_id, note, superseded_by_load, superseded_at) "
                        "SELECT o.area_code, o.indicator_id, o.period_id, o.value, o.numerator, o.denominator, "
                        "o.status, o.source, o.load_id, o.note, ?, ? "
                        "FROM observations o JOIN staged s USING (area_code, indicator_id, period_id) "
                        "WHERE s.is_changed",
                        [load_id, utc_now()],
                    )
                    cur.execute(
                        "MERGE INTO observations o USING (SELECT * FROM staged WHERE is_changed) s "
                        "ON o.area_code = s.area_code AND o.indicator_id = s.indicator_id AND o.period_id = s.period_id "
                        "WHEN MATCHED THEN UPDATE SET value = s.value, numerator = s.numerator, "
                        "denominator = s.denominator, status = s.status, source = ?, load_id = ?, note = s.note",
                        [source, load_id],
                    )
                # New keys are appended: a MERGE of new and changed rows together would join every new row
                # with observations only to find it absent (a million new rows: 1.5 s, appended 0.7 s).
                cur.execute(
                    "INSERT INTO observations (area_code, indicator_id, period_id, value, numerator, denominator, "
                    "status, source, load_id, note) SELECT area_code, indicator_id, period_id, value, numerator, "
                    "denominator, status, ?, ?, note FROM staged WHERE is_new",
                    [source, load_id],
                )
                if incoming_benchmarks is not None:
                    self._write_benchmarks(cur, incoming_benchmarks, load_id)
                if problems is not None and len(problems):
                    cur.register("incoming_problems", problems)
                    cur.execute(
                        "INSERT INTO load_problems (load_id, line, column_name, value, reason) "
                        "SELECT ?, line, column_name, value, reason FROM incoming_problems",
                        [load_id],
                    )
                    cur.unregister("incoming_problems")
                cur.execute(
                    "UPDATE loads SET rows_added = ?, rows_changed = ?, rows_unchanged = ? WHERE load_id = ?",
                    [added, changed, unchanged, load_id],
                )
                if audit is not None:
                    self._write_audit(cur, replace(audit, target=f"load {load_id}"))
            self._settle(cur)
        return LoadResult(int(load_id), int(added), int(changed), int(unchanged))

    @staticmethod
    def _write_benchmarks(cur: duckdb.DuckDBPyConnection, benchmarks: pd.DataFrame, load_id: int) -> None:
        """New and changed benchmarks only; the replaced ones move to ``benchmark_history``."""
        cur.register("incoming_benchmarks", benchmarks)
        cur.execute(
            "CREATE TEMP TABLE staged_benchmarks AS "
            "SELECT i.*, b.geography_code IS NULL AS is_new, b.geography_code IS NOT NULL AND ("
            "  b.value IS DISTINCT FROM i.value OR b.numerator IS DISTINCT FROM i.numerator "
            "  OR b.denominator IS DISTINCT FROM i.denominator OR b.status IS DISTINCT FROM i.status"
            ") AS is_changed "
            "FROM incoming_benchmarks i LEFT JOIN published_benchmarks b "
            "USING (geography_code, indicator_id, period_id)"
        )
        cur.unregister("incoming_benchmarks")
        cur.execute(
            "INSERT INTO benchmark_history (geography_code, indicator_id, period_id, value, numerator, "
            "denominator, status, load_id, superseded_by_load, superseded_at) "
            "SELECT b.geography_code, b.indicator_id, b.period_id, b.value, b.numerator, b.denominator, "
            "b.status, b.load_id, ?, ? FROM published_benchmarks b "
            "JOIN staged_benchmarks s USING (geography_code, indicator_id, period_id) WHERE s.is_changed",
            [load_id, utc_now()],
        )
        cur.execute(
            "MERGE INTO published_benchmarks b "
            "USING (SELECT * FROM staged_benchmarks WHERE is_new OR is_changed) i "
            "ON b.geography_code = i.geography_code AND b.indicator_id = i.indicator_id "
            "AND b.period_id = i.period_id "
            "WHEN MATCHED THEN UPDATE SET value = i.value, numerator = i.numerator, "
            "denominator = i.denominator, status = i.status, load_id = ? "
            "WHEN NOT MATCHED THEN INSERT (geography_code, indicator_id, period_id, value, "
            "numerator, denominator, status, load_id) VALUES (i.geography_code, i.indicator_id, "
            "i.period_id, i.value, i.numerator, i.denominator, i.status, ?)",
            [load_id, load_id],
        )
        cur.execute("DROP TABLE staged_benchmarks")

    # -- imports and rollback ----------------------------------------------------------------

    def preview_load(self, observations: pd.DataFrame, *, source: str) -> tuple[int, int, int]:
        """(added, changed, unchanged) that committing these observations would give; writes nothing."""
        with self._cursor() as cur:
            cur.register("incoming", observations.loc[:, list(OBSERVATION_COLUMNS)])
            counts = cur.execute(
                "SELECT count(*) FILTER (is_new), count(*) FILTER (is_changed), "
                f"count(*) FILTER (NOT is_new AND NOT is_changed) FROM ({_STAGE_OBSERVATIONS})",
                [source],
            ).fetchone()
            cur.unregister("incoming")
        added, changed, unchanged = (int(count) for count in counts)
        return added, changed, unchanged

    def releases_in_force(self, observations: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
        """The published releases whose loads wrote the current figures these would change: load_id, file_name,
        release and figures (how many of them), from ``boards/sql/upload_releases_in_force.sql``."""
        with self._cursor() as cur:
            cur.register("incoming_observations", observations.loc[:, list(OBSERVATION_COLUMNS)])
            cur.register("incoming_benchmarks", benchmarks.loc[:, list(BENCHMARK_COLUMNS)])
            frame = cur.execute(_named_sql("upload_releases_in_force")).df()
            cur.unregister("incoming_observations")
            cur.unregister("incoming_benchmarks")
        return frame

    def load_record(self, load_id: int) -> dict[str, Any] | None:
        """The ``loads`` row of one load, or None."""
        frame = self._frame("SELECT * FROM loads WHERE load_id = ?", [load_id])
        return None if frame.empty else frame.iloc[0].to_dict()

    def committed_load_with_hash(self, file_hash: str) -> dict[str, Any] | None:
        """The earliest committed (not rolled back) load of a file with this content hash, or None."""
        frame = self._frame(
            "SELECT * FROM loads WHERE file_hash = ? AND status = 'committed' ORDER BY load_id LIMIT 1",
            [file_hash],
        )
        return None if frame.empty else frame.iloc[0].to_dict()

    def load_scope(self, load_id: int) -> LoadScope:
        """Every geography whose rows the load wrote or replaced: areas and published benchmarks."""
        frame = self.read("load_scope", load_id=load_id)
        codes = frame.groupby("kind")["code"].agg(tuple).to_dict()
        return LoadScope(area_codes=codes.get("area", ()), benchmark_codes=codes.get("benchmark", ()))

    def load_benchmarks(self, load_id: int) -> tuple[int, int]:
        """(added, replaced): the published benchmarks a load added, and those it replaced, now current."""
        counts = self.read("load_benchmarks", load_id=load_id).iloc[0]
        return int(counts["current"]) - int(counts["replaced"]), int(counts["replaced"])

    def load_problems(self, load_id: int) -> pd.DataFrame:
        """The rows a load left out, with why (line, column_name, value, reason)."""
        return self._frame(
            "SELECT line, column_name, value, reason FROM load_problems WHERE load_id = ? ORDER BY line NULLS FIRST",
            [load_id],
        )

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
            later = cur.execute(
                "SELECT superseded_by_load, count(*) FROM ("
                " SELECT superseded_by_load FROM observation_history WHERE load_id = $1"
                " UNION ALL SELECT superseded_by_load FROM benchmark_history WHERE load_id = $1"
                ") GROUP BY superseded_by_load ORDER BY superseded_by_load",
                [load_id],
            ).fetchall()
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
            cur.execute(
                "MERGE INTO observations o "
                "USING (SELECT * FROM observation_history WHERE superseded_by_load = ?) h "
                "ON o.area_code = h.area_code AND o.indicator_id = h.indicator_id AND o.period_id = h.period_id "
                "WHEN MATCHED THEN UPDATE SET value = h.value, numerator = h.numerator, "
                "denominator = h.denominator, status = h.status, source = h.source, load_id = h.load_id, "
                "note = h.note",
                [load_id],
            )
            # What still carries the load's id after the restore is what it added.
            removed = cur.execute("DELETE FROM observations WHERE load_id = ?", [load_id]).fetchone()[0]
            cur.execute("DELETE FROM observation_history WHERE superseded_by_load = ?", [load_id])
            benchmarks_restored = cur.execute(
                "SELECT count(*) FROM benchmark_history WHERE superseded_by_load = ?", [load_id]
            ).fetchone()[0]
            cur.execute(
                "MERGE INTO published_benchmarks b "
                "USING (SELECT * FROM benchmark_history WHERE superseded_by_load = ?) h "
                "ON b.geography_code = h.geography_code AND b.indicator_id = h.indicator_id "
                "AND b.period_id = h.period_id "
                "WHEN MATCHED THEN UPDATE SET value = h.value, numerator = h.numerator, "
                "denominator = h.denominator, status = h.status, load_id = h.load_id",
                [load_id],
            )
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

    # -- reads ------------------------------------------------------------------------------

    def data_version(self) -> tuple[int, int, int]:
        """Changes whenever a load is committed or rolled back, or a partnership is edited (each edit adds
        history rows): the key of cached comparisons."""
        # Asked several times a page run (every shared cache is keyed by it): a tuple, not a DataFrame.
        with self._cursor() as cur:
            loads, rollbacks, footprints = cur.execute(
                "SELECT count(*), count(rolled_back_at), (SELECT count(*) FROM partnership_history) FROM loads"
            ).fetchone()
        return int(loads), int(rollbacks), int(footprints)

    def has_observations(self) -> bool:
        return bool(self._scalar("SELECT EXISTS (SELECT 1 FROM observations)"))

    def summary(self) -> dict[str, Any]:
        """What the database holds: counts, sources, the latest period and the last load."""
        counts = self._frame(
            "SELECT (SELECT count(*) FROM areas) AS areas, "
            "(SELECT count(DISTINCT partnership_id) FROM partnerships) AS partnerships, "
            "(SELECT count(*) FROM indicators) AS indicators, "
            "(SELECT count(DISTINCT period_id) FROM observations) AS periods, "
            "(SELECT count(*) FROM observations) AS observations, "
            "(SELECT max(loaded_at) FROM loads WHERE status = 'committed') AS last_load_at"
        ).iloc[0]
        by_source = self._frame(
            "SELECT source, count(*) AS n FROM observations GROUP BY source ORDER BY source"
        )
        latest = self._frame(
            "SELECT p.granularity, p.period_id, p.label, p.end_date FROM periods p "
            "WHERE p.period_id IN (SELECT DISTINCT period_id FROM observations) "
            "QUALIFY row_number() OVER (PARTITION BY p.granularity ORDER BY p.end_date DESC) = 1 "
            "ORDER BY p.granularity"
        )
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
            return cur.execute(_named_sql(query_name), params).df()

    def read_through_arrow(self, query_name: str, **params: Any) -> pd.DataFrame:
        """``read`` by way of an Arrow table, with text as categoricals: for tens of thousands of rows of
        a few distinct texts, in about half the time, and each text becomes a Python string once (dates
        come back as ``datetime.date``, not timestamps, so it is not for queries with dates)."""
        with self._cursor() as cur:
            table = cur.execute(_named_sql(query_name), params).to_arrow_table()
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
        known = set(self._frame("SELECT table_name FROM information_schema.tables")["table_name"])
        if name not in known:
            raise StoreError(f"no table named {name!r}")
        return self._frame(f"SELECT * FROM {name} ORDER BY ALL")

    # -- users, settings and the audit trail -------------------------------------------------

    @staticmethod
    def _write_audit(cur: duckdb.DuckDBPyConnection, entry: AuditEntry) -> None:
        # Ids follow on without gaps (an id taken by a transaction that rolled back is taken again), so a
        # missing row shows as a gap that `boards check` reports.
        cur.execute(
            "INSERT INTO audit_log (audit_id, occurred_at, actor, action, target, detail) "
            "SELECT coalesce(max(audit_id), 0) + 1, ?, ?, ?, ?, ? FROM audit_log",
            [entry.occurred_at, entry.actor, entry.action, entry.target, entry.detail],
        )

    def append_audit(self, entry: AuditEntry) -> None:
        with self._transaction() as cur:
            self._write_audit(cur, entry)

    def audit_log(self) -> pd.DataFrame:
        return self._frame("SELECT audit_id, occurred_at, actor, action, target, detail FROM audit_log ORDER BY audit_id")

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
        return self._frame(
            "SELECT u.username, u.display_name, u.role, u.active, u.failed_attempts, u.locked_until, "
            "u.email, u.created_at, string_agg(p.partnership_id, ', ' ORDER BY p.partnership_id) AS partnerships "
            "FROM users u LEFT JOIN user_partnerships p USING (username) "
            "GROUP BY ALL ORDER BY u.username"
        )

    def count_admins(self) -> int:
        return int(self._scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active"))

    def add_user(self, user: dict[str, Any], partnership_ids: list[str], audit: AuditEntry) -> None:
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO users (username, display_name, password_hash, role, email, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [user["username"], user["display_name"], user["password_hash"], user["role"], user["email"],
                 utc_now()],
            )
            for partnership_id in partnership_ids:
                cur.execute("INSERT INTO user_partnerships VALUES (?, ?)", [user["username"], partnership_id])
            self._write_audit(cur, audit)

    _USER_FIELDS = ("display_name", "password_hash", "role", "active", "failed_attempts", "locked_until", "email")

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
            failures, locked_until = cur.execute(
                "UPDATE users SET failed_attempts = failed_attempts + 1, "
                "locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END "
                "WHERE username = ? RETURNING failed_attempts, locked_until",
                [lockout_attempts, lock_until, username],
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
            signed_in = cur.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL, "
                "password_hash = coalesce(?, password_hash) "
                "WHERE username = ? AND (locked_until IS NULL OR locked_until <= ?) RETURNING username",
                [password_hash, username, now],
            ).fetchone()
            if signed_in is None:
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
        return self._frame(
            "SELECT p.partnership_id, p.name, p.area_code, a.name AS area_name FROM partnerships p "
            "LEFT JOIN areas a USING (area_code) ORDER BY p.partnership_id, p.area_code"
        )

    def partnership_history(self) -> pd.DataFrame:
        """Every membership there has been: partnership_id, name, area_code, area_name, valid_from, valid_to
        (NULL from: as shipped; NULL to: in force), opened_by, closed_by; newest change first."""
        return self._frame(
            "SELECT h.partnership_id, h.name, h.area_code, a.name AS area_name, h.valid_from, h.valid_to, h.opened_by, "
            "h.closed_by FROM partnership_history h LEFT JOIN areas a USING (area_code) "
            "ORDER BY greatest(h.valid_from, h.valid_to) DESC NULLS LAST, h.partnership_id, h.area_code, "
            "h.valid_from NULLS FIRST"
        )

    def replace_partnership_footprint(
        self, before: pd.DataFrame, after: pd.DataFrame, *, at: datetime, audit: AuditEntry
    ) -> None:
        """Make ``after`` (partnership_id, name, area_code) the footprint in force, in one transaction with
        its history and audit rows. ``before`` is the footprint the change was worked out from: if another
        change came first, or a user still uploads for a partnership that ``after`` ends, nothing is written."""
        key = ["partnership_id", "name", "area_code"]
        with self._transaction() as cur:
            current = cur.execute(f"SELECT {', '.join(key)} FROM partnerships ORDER BY ALL").df()
            if not current.equals(before[key].sort_values(key).reset_index(drop=True)):
                raise StoreError("The partnerships were changed by someone else meanwhile, so nothing was changed. "
                                 "Look at them again and repeat your change.")
            cur.register("after", after[key])
            stranded = cur.execute(
                "SELECT partnership_id, string_agg(username, ', ' ORDER BY username) AS usernames "
                "FROM user_partnerships WHERE partnership_id NOT IN (SELECT partnership_id FROM after) "
                "GROUP BY partnership_id ORDER BY partnership_id"
            ).fetchall()
            if stranded:
                raise PartnershipInUseError(dict(stranded))
            cur.execute(
                "UPDATE partnership_history h SET valid_to = ?, closed_by = ? WHERE valid_to IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM after a WHERE a.partnership_id = h.partnership_id AND a.name = h.name "
                "AND a.area_code = h.area_code)",
                [at, audit.actor],
            )
            cur.execute(
                "INSERT INTO partnership_history SELECT a.partnership_id, a.name, a.area_code, ?, NULL, ?, NULL "
                "FROM after a WHERE NOT EXISTS (SELECT 1 FROM partnerships p WHERE p.partnership_id = a.partnership_id "
                "AND p.name = a.name AND p.area_code = a.area_code)",
                [at, audit.actor],
            )
            cur.execute("DELETE FROM partnerships")
            cur.execute(f"INSERT INTO partnerships ({', '.join(key)}) SELECT {', '.join(key)} FROM after")
            cur.unregister("after")
            self._write_audit(cur, audit)

    def settings(self) -> dict[str, str]:
        frame = self._frame("SELECT key, value FROM settings")
        return dict(zip(frame["key"], frame["value"]))

    def setting_or_first(self, key: str, value: str) -> str:
        """The stored value of ``key``; when there is none, ``value`` is stored and returned. One statement
        under the write lock, so that simultaneous first calls agree on one value."""
        with self._transaction() as cur:
            cur.execute(
                "MERGE INTO settings s USING (SELECT ? AS key, ? AS value) i ON s.key = i.key "
                "WHEN NOT MATCHED THEN INSERT (key, value) VALUES (i.key, i.value)",
                [key, value],
            )
            return cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()[0]

    def set_setting(self, key: str, value: str, audit: AuditEntry) -> None:
        with self._transaction() as cur:
            cur.execute(
                "MERGE INTO settings s USING (SELECT ? AS key, ? AS value) i ON s.key = i.key "
                "WHEN MATCHED THEN UPDATE SET value = i.value WHEN NOT MATCHED THEN INSERT (key, value) "
                "VALUES (i.key, i.value)",
                [key, value],
            )
            self._write_audit(cur, audit)

    # -- case review register ----------------------------------------------------------------
    # Snapshots keyed by the file's content hash (boards/migrations/004_case_reviews.sql): written
    # before the load that commits them, and read only once a committed load has that hash.

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
                _refuse_duplicate_keys(incoming, key)
                columns = ", ".join(incoming.columns)
                matched = " AND ".join(f"t.{c} = i.{c}" for c in key)
                cur.register("incoming_register", incoming)
                cur.execute(
                    f"MERGE INTO {table} t USING incoming_register i ON {matched} "
                    f"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({', '.join(f'i.{c}' for c in incoming.columns)})"
                )
                cur.unregister("incoming_register")


# A process that exits normally (Ctrl+C, SIGTERM through the server's shutdown, a command that ends) closes its
# stores; one killed outright loses nothing either, since every commit is already checkpointed.
atexit.register(Store.close_all)
