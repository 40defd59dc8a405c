"""The connection to one database (a file, or a shared PostgreSQL database: ``location.py``), its transactions
and its schema migrations.

One connection per process and database (DuckDB allows one read-write process per file); each call takes its
own cursor, so Streamlit's threads can read at once, and writes are serialised by a lock and run in one
transaction each. Every write transaction updates the one row of ``store_lock`` first (migration 010): on a
shared store that makes writers in different processes take turns (``_begin_locked``).

Durability: DuckDB writes each commit to its write-ahead log and syncs it before the commit returns; the
store then checkpoints (``_settle``), so the database file itself holds every committed write and the log
is empty again. A process killed at any moment leaves the file as it was after its last commit, and nothing
has to be replayed from a log (DuckDB 1.5.5 fails to replay some logs, see migration 006). Schema
migrations and the first-run demo build are made on a copy beside the file and swapped in whole
(``rebuild``), so a kill during either leaves the file as it was. A shared store is PostgreSQL's to keep
durable: each migration runs in its own transaction there, and file copies are refused with the way to do
the same with PostgreSQL's tools.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from boards.store.errors import (
    DatabaseInUseError,
    SchemaTooNewError,
    SharedStoreUnavailableError,
    StoreClosedError,
    StoreError,
)
from boards.store.location import SHARED_PREFIX, Location, SharedLocation, parse_location, shared_config
from boards.store.records import AuditEntry

if TYPE_CHECKING:
    from boards.store import Store

_log = logging.getLogger(__name__)

# How long a write waits for other processes' writes on a shared store before it gives up.
WRITE_WAIT_SECONDS = 30
# What libpq says when the server cannot be reached or went away (DuckDB passes it on as plain text).
_UNREACHABLE = re.compile(
    r"server closed the connection|could not connect|Unable to connect to Postgres|connection to server .* failed"
    r"|terminating connection|no connection to the server|could not send data|could not receive data"
    r"|SSL connection has been closed|connection pointer is NULL|Connection refused|failed to get connection",
    re.IGNORECASE,
)


# PostgreSQL refusing a row: "null value in column ... violates not-null constraint", "duplicate key value
# violates unique constraint", a check constraint.
_PG_CONSTRAINT = re.compile(r"violates [\w-]+ constraint")


def _libpq_words(line: str) -> str:
    """What libpq said of a lost connection, without the statement DuckDB was running."""
    found = _UNREACHABLE.search(line)
    return line[found.start():] if found else line


def _migrations(back_end: str) -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration ``boards/migrations/NNN_name.sql``, in order, for ``back_end``
    ("file" or "postgres"): a file ``NNN_name.postgres.sql`` replaces ``NNN_name.sql`` on PostgreSQL."""
    base, variants = {}, {}
    for entry in resources.files("boards.migrations").iterdir():
        if not entry.name.endswith(".sql"):
            continue
        stem = entry.name.removesuffix(".sql")
        stem, dot, variant = stem.partition(".")
        number, _, name = stem.partition("_")
        (variants.setdefault(variant, {}) if dot else base)[(int(number), name)] = entry.read_text(encoding="utf-8")
    for variant, files in variants.items():
        orphans = sorted(set(files) - set(base))
        if variant != "postgres" or orphans:
            raise RuntimeError(f"migration variants must be NNN_name.postgres.sql beside NNN_name.sql, found {variant} {orphans}")
    found = sorted((number, name, variants.get(back_end, {}).get((number, name), sql)) for (number, name), sql in base.items())
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3... without gaps or repeats, found {versions}")
    return found


MIGRATIONS = _migrations("file")
SHARED_MIGRATIONS = _migrations("postgres")
SCHEMA_VERSION = MIGRATIONS[-1][0]
LOCK_ROW_VERSION = 10  # the migration that made store_lock


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


def _connect_shared(location: SharedLocation) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is the shared store, or a one-line StoreError naming where."""
    try:
        return duckdb.connect(SHARED_PREFIX + location.dsn, config=shared_config())
    except duckdb.Error as exc:
        # DuckDB quotes the connection string, password and all: only libpq's own words are kept.
        said = str(exc).replace(location.dsn, location.display)
        reason = re.search(r"(?:failed|error): (.*)", said.splitlines()[0])
        raise SharedStoreUnavailableError(
            f"The shared database ({location.names}) cannot be reached: "
            f"{(reason[1] if reason else first_line(exc)).replace('FATAL:', '').strip()}. "
            f"Check {location.display} and that PostgreSQL is running."
        ) from exc


def _connect(path: str | SharedLocation) -> duckdb.DuckDBPyConnection:
    """A connection to ``path``, or a StoreError that says in plain words what is wrong and what to do."""
    if isinstance(path, SharedLocation):
        return _connect_shared(path)
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


class Connection:
    """Owns the DuckDB connection of one database: cursors, transactions, the checkpoint after each commit,
    whole-file rebuilds and copies, and the schema's migrations. The other parts of
    :class:`boards.store.Store` reach the database only through ``_cursor``, ``_transaction``, ``_frame``
    and ``_scalar``, and write the audit row of a change with ``_write_audit``."""

    _open_stores: dict[str, Store] = {}
    _open_lock = threading.RLock()

    def __init__(self, location: str | os.PathLike[str] | Location = ":memory:") -> None:
        if isinstance(location, str) and isinstance(parse_location(location), SharedLocation):
            location = parse_location(location)
        self.shared = isinstance(location, SharedLocation)
        self._location: str | SharedLocation = location if self.shared else os.fspath(location)
        self.path = str(location)  # a shared store's without its password: for messages and cache keys
        self._con = _connect(self._location)
        self._invalidated = False  # a fatal error stopped the database: open it again before the next use
        self._closed = False
        self._write_lock = threading.RLock()
        self._known_version: int | None = None  # the schema version this process last saw

    @classmethod
    def open(cls, location: str | os.PathLike[str] | Location) -> Store:
        """The process-wide store at ``location`` (a path, a ``postgres:`` string, or what
        ``resolve_location`` gives), created, migrated and cached on first use."""
        location = parse_location(location)
        key = str(location)
        with cls._open_lock:
            store = cls._open_stores.get(key)
            if store is None:
                if isinstance(location, Path):
                    location.parent.mkdir(parents=True, exist_ok=True)
                store = cls(location)
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
            try:
                self._con.close()
            except duckdb.Error:
                if not self.shared:
                    raise  # a shared store whose server is gone has nothing left to close

    def _refuse_on_shared(self, what: str, instead: str) -> None:
        if self.shared:
            raise StoreError(f"{what} works on a database file, not on the shared store {self.path}: {instead}")

    def rebuild(self, build: Callable[[Store], object], *, from_scratch: bool = False) -> None:
        """Run ``build`` on a copy of the database beside its file (or, ``from_scratch``, on a new empty
        database), then swap it in whole.

        For work that must never be seen half done, even by a process killed in the middle: schema
        migrations and the demo build. A kill leaves the file as it was and, at worst, a copy that the
        next rebuild replaces. In memory, ``build`` simply runs on this store; on a shared store too (each
        migration is a transaction of its own there, and the demo is built only into an empty database).
        """
        if self.shared and from_scratch:
            self._refuse_on_shared(
                "Rebuilding from scratch",
                "empty its schema 'main' with PostgreSQL's tools (DROP SCHEMA main CASCADE) and run the command again.",
            )
        if self.path == ":memory:" or self.shared:
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
                self._con = _connect(self._location)
                self._known_version = None

    def copy_file_to(self, destination: Path) -> None:
        """A consistent copy of the database file at ``destination``, written beside it and renamed into
        place: taken after a checkpoint, under the write lock, so no write is half in it."""
        if self.path == ":memory:":
            raise StoreError("An in-memory database has no file to copy.")
        self._refuse_on_shared(
            "A backup by 'boards backup'",
            "back it up with PostgreSQL's own tools (pg_dump --format=custom --schema=main), "
            "or copy it into a file with 'boards copy'.",
        )
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
        disk (or a shared database restarted) does not leave every page failing until the server restarts."""
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
        except duckdb.Error as exc:
            if self.shared and _UNREACHABLE.search(str(exc)):
                self._invalidated = True
                raise self._unreachable_error(exc) from exc
            if self.shared and type(exc) is duckdb.Error and _PG_CONSTRAINT.search(str(exc)):
                # PostgreSQL's refusal arrives as a plain error: raised as the file's would be.
                raise duckdb.ConstraintException(self._redacted(str(exc))) from exc
            if isinstance(exc, duckdb.IOException | duckdb.TransactionException | duckdb.OutOfMemoryException):
                raise StoreError(
                    f"The database {self.path} could not do this ({first_line(exc)}), so nothing was changed. "
                    "If the disk or the memory is full, free some and try again."
                ) from exc
            # A page still reading when the server stops finds its connection closed under it.
            if self._closed:
                raise self._closed_error() from exc
            raise
        finally:
            try:
                cursor.close()
            except duckdb.Error:
                if not self._closed and not self.shared:
                    raise

    def _closed_error(self) -> StoreClosedError:
        return StoreClosedError("The server is stopping, so this page was not finished. Reload it in a moment.")

    def _unreachable_error(self, exc: Exception) -> StoreError:
        return SharedStoreUnavailableError(
            f"The shared database {self.path} is unreachable ({_libpq_words(self._redacted(first_line(exc)))}), "
            "so nothing was changed. It is connected to again for the next request; if this persists, check that "
            "PostgreSQL is running."
        )

    def _redacted(self, text: str) -> str:
        """``text`` with a shared store's connection string (which may hold its password) as displayed."""
        return text.replace(self._location.dsn, self.path) if self.shared else text

    def _reopen(self) -> None:
        with self._write_lock:
            if not self._invalidated:
                return
            try:
                self._con.close()
            except duckdb.Error:
                pass  # an invalidated database may refuse even to close; the new connection replaces it
            self._con = _connect(self._location)
            self._invalidated = False
            self._known_version = None

    def _settle(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Checkpoint after a commit: the database file then holds it and the log is empty. A checkpoint that
        cannot run (other readers) or fails (a full disk) loses nothing, since the commit is already synced to
        the log; after a failure the database is opened again on the next request, replaying the log, and
        checkpoints then. A shared store has no file of its own to settle: PostgreSQL made the commit durable."""
        if self.shared:
            return
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
    def _begun(self, cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """One write transaction on ``cur`` (the caller holds the write lock), the lock row taken first;
        committed at the end, rolled back on any exception."""
        self._begin_locked(cur)
        try:
            yield
        except BaseException:
            self._roll_back(cur)
            raise
        cur.commit()

    def _begin_locked(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Begin, and update the lock row before anything else. On a shared store a writer in another process
        may hold the row: this one waits for it, and when that one commits, PostgreSQL refuses this transaction
        ("could not serialize access"); it is begun again, its snapshot now taken after the other's commit, so
        everything it reads from here on is current. Retried with a random pause for up to
        ``WRITE_WAIT_SECONDS``, then a StoreError that says the store is busy."""
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        locked = self._has_lock_row()  # not before migration 010 has made the row
        while True:
            cur.begin()
            try:
                if locked:
                    cur.execute("UPDATE store_lock SET writes = writes + 1 WHERE id = 1")
                    if self.shared:
                        self._check_schema(cur)
                return
            except BaseException as exc:
                self._roll_back(cur)
                if not (self.shared and "could not serialize access" in str(exc)):
                    raise
                if time.monotonic() > deadline:
                    raise SharedStoreUnavailableError(
                        f"The shared database {self.path} is busy: other servers or commands kept writing for "
                        f"{WRITE_WAIT_SECONDS} seconds, so this change was not made. Try again in a moment."
                    ) from exc
                time.sleep(random.uniform(0, 0.02))

    def _roll_back(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Roll back. On a shared store whose connection broke the rollback itself fails: the server has
        dropped the transaction already, and the connection is opened again before the next use."""
        try:
            cur.rollback()
        except duckdb.Error:
            if not self.shared:
                raise
            _log.warning("rollback on %s failed; connecting again before the next use", self.path)
            self._invalidated = True

    def _has_lock_row(self) -> bool:
        if self._known_version is None:
            self._known_version = self._read_version()
        return self._known_version >= LOCK_ROW_VERSION

    def _check_schema(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Inside a write on a shared store: another process may have migrated the schema since this one last
        looked. DuckDB caches PostgreSQL's catalog, so it is cleared then; a newer schema than this
        application's is refused."""
        version = cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
        if version != self._known_version:
            cur.execute("CALL pg_clear_cache()")
            self._known_version = version
            self._refuse_newer(version)

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction, holding the process's write lock and the lock row; checkpointed
        once committed."""
        with self._write_lock, self._cursor() as cur:
            with self._begun(cur):
                yield cur
            self._settle(cur)

    @staticmethod
    def _write_audit(cur: duckdb.DuckDBPyConnection, entry: AuditEntry) -> None:
        """The audit row of a change, written inside the change's own transaction (``boards/sql/store/
        audit_append.sql`` numbers the rows without gaps)."""
        cur.execute(statement("audit_append"), asdict(entry))

    # -- schema -----------------------------------------------------------------------------

    def _read_version(self) -> int:
        exists = self._scalar(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_name = 'schema_migrations'"
        )
        if not exists:
            return 0
        return int(self._scalar("SELECT coalesce(max(version), 0) FROM schema_migrations"))

    def schema_version(self) -> int:
        """The highest migration applied to this database (0 for a new one). On a shared store, a version
        another process moved clears DuckDB's cache of PostgreSQL's catalog."""
        version = self._read_version()
        if self.shared and self._known_version is not None and version != self._known_version:
            with self._cursor() as cur:
                cur.execute("CALL pg_clear_cache()")
        self._known_version = version
        return version

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
            if self.shared:
                # The store's tables live in PostgreSQL's schema 'main', DuckDB's default (location.py).
                cur.execute("CREATE SCHEMA IF NOT EXISTS main")
            cur.execute(statement("schema_migrations_table"))
        for version, name, sql in SHARED_MIGRATIONS if self.shared else MIGRATIONS:
            if version <= current:
                continue
            with self._transaction() as cur:
                cur.execute(sql)
                cur.execute("INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [version, name])
            if self.shared:
                # DuckDB caches PostgreSQL's catalog, which the migration just changed.
                self._scalar("CALL pg_clear_cache()")
            self._known_version = version
            applied.append(version)
        return applied
