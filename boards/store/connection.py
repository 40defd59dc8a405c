"""The connection to one database file, its transactions and its schema migrations.

One connection per process and database file (DuckDB allows one read-write process per file); each call
takes its own cursor, so Streamlit's threads can read at once, and writes are serialised by a lock and run
in one transaction each.

Durability: DuckDB writes each commit to its write-ahead log and syncs it before the commit returns; the
store then checkpoints (``_settle``), so the database file itself holds every committed write and the log
is empty again. A process killed at any moment leaves the file as it was after its last commit, and nothing
has to be replayed from a log (DuckDB 1.5.5 fails to replay some logs, see migration 006). Schema
migrations and the first-run demo build are made on a copy beside the file and swapped in whole
(``rebuild``), so a kill during either leaves the file as it was.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from boards.store.errors import DatabaseInUseError, SchemaTooNewError, StoreClosedError, StoreError
from boards.store.records import AuditEntry

if TYPE_CHECKING:
    from boards.store import Store

_log = logging.getLogger(__name__)

DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "boards.duckdb"


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


MIGRATIONS = _migrations()
SCHEMA_VERSION = MIGRATIONS[-1][0]


@functools.cache
def named_sql(name: str) -> str:
    """The text of ``boards/sql/<name>.sql``: the read queries callers name in ``Store.read``."""
    entry = resources.files("boards.sql") / f"{name}.sql"
    if not name.isidentifier() or not entry.is_file():
        raise StoreError(f"no query named {name!r}")
    return entry.read_text(encoding="utf-8")


@functools.cache
def statement(name: str) -> str:
    """The text of ``boards/sql/store/<name>.sql``: a statement the store runs itself, most of them writes,
    which is why ``Store.read`` cannot reach them."""
    return (resources.files("boards.sql") / "store" / f"{name}.sql").read_text(encoding="utf-8")


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    """A connection to ``path``, or a StoreError that says in plain words what is wrong and what to do."""
    try:
        return duckdb.connect(path)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            # DuckDB names the holder: 'Conflicting lock is held in /usr/bin/python3 (PID 4242)'.
            holder = re.search(r"\(PID (\d+)\)", str(exc))
            process = f" (process {holder[1]})" if holder else ""
            raise DatabaseInUseError(
                f"The database {path} is in use by another program{process}, most likely the running dashboard "
                "(DuckDB lets one program at a time open a file). Use the dashboard's Upload or Administration "
                "page, or stop the dashboard and try again."
            ) from exc
        raise StoreError(f"The database {path} cannot be opened: {first_line(exc)}") from exc
    except duckdb.Error as exc:
        if "replaying WAL" in str(exc):
            raise StoreError(
                f"The database {path} cannot be opened: DuckDB {duckdb.__version__} cannot replay its log of "
                f"recent changes ({path}.wal). Nothing has been changed. Restore the latest backup with "
                f"'boards restore BACKUP --db {path}', or move {path}.wal elsewhere to open the database "
                "as it was at its last checkpoint (the changes only the log holds are then lost)."
            ) from exc
        raise StoreError(
            f"{path} is not a database this application can read: {first_line(exc)}"
        ) from exc


def first_line(error: Exception) -> str:
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


@contextmanager
def begun(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction on ``cur``: committed at the end, rolled back on any exception."""
    cur.begin()
    try:
        yield
    except BaseException:
        cur.rollback()
        raise
    cur.commit()


class Connection:
    """Owns the DuckDB connection of one database file: cursors, transactions, the checkpoint after each
    commit, whole-file rebuilds and copies, and the schema's migrations. The other parts of
    :class:`boards.store.Store` reach the database only through ``_cursor``, ``_transaction``, ``_frame``
    and ``_scalar``, and write the audit row of a change with ``_write_audit``."""

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
                        store.rebuild(cls.migrate)
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
                built = type(self)(copy)
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

    # -- cursors and transactions -----------------------------------------------------------

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own; a database that a fatal error invalidated is opened again first, so one full
        disk does not leave every page failing until the server restarts."""
        if self._invalidated:
            self._reopen()
        try:
            cursor = self._con.cursor()
        except duckdb.Error as exc:
            if self._closed:
                raise self._closed_error() from exc
            raise
        try:
            yield cursor
        except duckdb.FatalException as exc:
            self._invalidated = True
            raise StoreError(
                f"The database {self.path} stopped after a failure it cannot recover from by itself "
                f"({first_line(exc)}). Nothing half-written was kept; it is opened again for the next "
                "request. If the disk is full, free some space."
            ) from exc
        except (duckdb.IOException, duckdb.TransactionException, duckdb.OutOfMemoryException) as exc:
            raise StoreError(
                f"The database {self.path} could not do this ({first_line(exc)}), so nothing was changed. "
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
            _log.info("checkpoint of %s deferred to the next write: %s", self.path, first_line(exc))
        except duckdb.FatalException as exc:
            self._invalidated = True
            _log.warning("checkpoint of %s failed, to be retried on reopening: %s", self.path, exc)

    def _frame(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        with self._cursor() as cur:
            return cur.execute(sql, params or []).df()

    def _scalar(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> Any:
        with self._cursor() as cur:
            row = cur.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction, holding the process's write lock; checkpointed once committed."""
        with self._write_lock, self._cursor() as cur:
            with begun(cur):
                yield cur
            self._settle(cur)

    @staticmethod
    def _write_audit(cur: duckdb.DuckDBPyConnection, entry: AuditEntry) -> None:
        """The audit row of a change, written inside the change's own transaction (``boards/sql/store/
        audit_append.sql`` numbers the rows without gaps)."""
        cur.execute(statement("audit_append"), asdict(entry))

    # -- schema -----------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The highest migration applied to this database (0 for a new file)."""
        exists = self._scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'")
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
            cur.execute(statement("schema_migrations_table"))
        for version, name, sql in MIGRATIONS:
            if version <= current:
                continue
            with self._transaction() as cur:
                cur.execute(sql)
                cur.execute("INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [version, name])
            applied.append(version)
        return applied
