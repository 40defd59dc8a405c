"""The store: every DuckDB access of the application goes through :class:`Store`.

``Store`` is the one object callers hold (``Store.open(location)``); its methods are written in one module per
subject, each a part that ``Store`` is composed of:

========================  =========================================================================
``location.py``           where the store lives: a file, or a shared PostgreSQL database (``postgres:``)
``connection.py``         the connection, cursors, transactions (the lock row first) and the checkpoint
                          after each commit (``_settle``), whole-file rebuilds and copies, schema migrations
``loads.py``              loads written, previewed and rolled back; the columns of a load
``accounts.py``           users, settings and the audit trail
``partnerships.py``       the partnerships in force, their history and changes to them
``reference.py``          reference tables, the indicator catalogue and periods
``register.py``           the case review register's snapshots
``reads.py``              the named read queries of ``boards/sql/``, the summary, whole tables
``records.py``            the values passed in and out (AuditEntry, LoadResult, RollbackResult...)
``errors.py``             what the store raises
========================  =========================================================================

Why parts of one class, not objects of their own: callers keep one object and one set of method names
(``store.commit_load``, ``store.user``...), and a part's methods read like the rest of the class, since
each part is a subclass of ``Connection`` that reaches the database only through its cursor and
transaction methods; parts do not call one another's methods (what two parts share, such as writing
periods, is a function of the module that owns it). A newcomer looking for a method opens the module
named for its subject.

SQL: a statement longer than a line is a file. The named read queries that callers run with
``store.read(name)`` are ``boards/sql/<name>.sql``; the statements the store runs itself, most of them
writes, are ``boards/sql/store/<name>.sql``, which ``read`` cannot reach. Both take ``$name`` parameters.
Upserts are ``MERGE INTO`` statements so they also run on DuckLake, which has no primary keys.
"""

from __future__ import annotations

import atexit

from boards.store.accounts import Accounts
from boards.store.connection import MIGRATIONS, SCHEMA_VERSION, SHARED_MIGRATIONS
from boards.store.errors import (
    AlreadyLoadedError,
    DatabaseInUseError,
    PartnershipInUseError,
    SchemaTooNewError,
    SharedStoreUnavailableError,
    StoreClosedError,
    StoreError,
)
from boards.store.loads import (
    BENCHMARK_COLUMNS,
    BENCHMARK_KEY,
    OBSERVATION_COLUMNS,
    OBSERVATION_KEY,
    SOURCES,
    STATUSES,
    Loads,
    repeated_keys,
)
from boards.store.location import DEFAULT_DB_PATH, Location, SharedLocation, parse_location, resolve_location
from boards.store.partnerships import Partnerships
from boards.store.reads import Reads
from boards.store.records import AuditEntry, LoadResult, LoadScope, RollbackResult, utc_now
from boards.store.reference import ReferenceData
from boards.store.register import ReviewRegister

__all__ = [
    "BENCHMARK_COLUMNS", "BENCHMARK_KEY", "DEFAULT_DB_PATH", "MIGRATIONS", "OBSERVATION_COLUMNS", "OBSERVATION_KEY",
    "SCHEMA_VERSION", "SHARED_MIGRATIONS", "SOURCES", "STATUSES", "AlreadyLoadedError", "AuditEntry",
    "DatabaseInUseError", "LoadResult", "LoadScope", "Location", "PartnershipInUseError", "RollbackResult",
    "SchemaTooNewError", "SharedLocation", "SharedStoreUnavailableError", "Store", "StoreClosedError", "StoreError",
    "parse_location", "repeated_keys", "resolve_location", "utc_now",
]


class Store(Loads, Accounts, Partnerships, ReferenceData, ReviewRegister, Reads):
    """Owns the DuckDB connection of one database, a file or a shared PostgreSQL database
    (``connection.Connection``), and every read and write of it, by subject in the parts above."""


# A process that exits normally (Ctrl+C, SIGTERM through the server's shutdown, a command that ends) closes its
# stores; one killed outright loses nothing either, since every commit is already checkpointed.
atexit.register(Store.close_all)
