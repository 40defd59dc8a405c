"""Copying a whole database into an empty one (``boards copy``): a file into a shared store, and back.

DuckDB does the copying itself: the source is attached read-only beside the destination and each table is
copied with ``INSERT ... BY NAME SELECT``, in one transaction on the destination. Each table's row count and
checksum (the sum of a hash of every row, so row order does not matter) are compared in source and
destination inside that transaction, before it commits: a copy is whole, or absent. A difference, an error
or a process killed midway leaves the destination as empty as it was, and the copy can simply be run again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import duckdb

from boards.store.connection import SCHEMA_VERSION, Connection, first_line, statement, unreachable_error
from boards.store.errors import DatabaseInUseError, DestinationNotEmptyError, StoreError
from boards.store.location import Location, SharedLocation, shared_config
from boards.store.records import AuditEntry, TableCopy

SOURCE = "copy_source"  # the name the source is attached under while it is copied
# Copied in this order: what other tables refer to comes before them. The schema has no foreign keys, so the
# order is for whoever reads the copy's progress, and for any foreign key added later.
COPY_ORDER = (
    "regions", "areas", "area_aliases", "area_population", "statistical_neighbours", "inspections",
    "partnerships", "partnership_history", "indicators", "periods",
    "loads", "load_problems", "observations", "observation_history", "published_benchmarks", "benchmark_history",
    "register_snapshots", "case_reviews", "case_review_themes", "review_recommendations",
    "users", "user_partnerships", "settings", "audit_log",
)
# Each database keeps these for itself: when its own schema was built (source and destination must be at the
# same version, so the versions listed are the same), and a shared store's lock row with its count of writes.
NOT_COPIED = ("schema_migrations", "store_lock")


def _name(database: str, table: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in (database, "main", table))


def _all_tables(cur: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[str]]:
    """Each table of ``database`` with its columns in name order."""
    return dict(cur.execute(statement("copy_tables"), {"database": database}).fetchall())


def _tables(cur: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[str]]:
    """The tables a copy copies, with their columns in name order."""
    return {table: columns for table, columns in _all_tables(cur, database).items() if table not in NOT_COPIED}


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table_sum(cur: duckdb.DuckDBPyConnection, database: str, table: str, columns: list[str]) -> tuple[int, int]:
    """(rows, checksum) of one table: the checksum adds up a hash of each row's values, taken in column name
    order, so two tables holding the same rows in any order have the same sum (a sum, unlike an exclusive or,
    also tells one copy of a row from two)."""
    hashed = ", ".join('"' + column.replace('"', '""') + '"' for column in columns)
    rows, checksum = cur.execute(
        f"SELECT count(*), coalesce(sum(hash({hashed})), 0) FROM {_name(database, table)}"
    ).fetchone()
    return int(rows), int(checksum)


def _occupied(cur: duckdb.DuckDBPyConnection, database: str) -> dict[str, int]:
    counts = {table: cur.execute(f"SELECT count(*) FROM {_name(database, table)}").fetchone()[0]
              for table in _tables(cur, database)}
    return {table: int(count) for table, count in counts.items() if count}


def _in_order(tables: list[str]) -> list[str]:
    unplaced = sorted(set(tables) - set(COPY_ORDER))
    if unplaced:  # a table added by a migration: it needs its place in COPY_ORDER
        raise StoreError(f"boards copy does not know where to copy {', '.join(unplaced)}; nothing was copied")
    return [table for table in COPY_ORDER if table in tables]


def not_empty_error(where: str, occupied: dict[str, int]) -> DestinationNotEmptyError:
    return DestinationNotEmptyError(
        f"{where} already holds data ({sum(occupied.values()):,} rows in {len(occupied)} tables, "
        f"{occupied.get('loads', 0):,} loads, {occupied.get('users', 0):,} users), so nothing was copied: "
        "'boards copy' writes only into an empty database. Give a new file, or an empty PostgreSQL database, as --to."
    )


class Copying(Connection):
    """Copying another database into this one, and the row counts and checksums that show a copy whole."""

    def _database_name(self, cur: duckdb.DuckDBPyConnection) -> str:
        return cur.execute("SELECT current_database()").fetchone()[0]

    def occupied_tables(self) -> dict[str, int]:
        """The tables that hold rows, with their counts (leaving out those each database keeps for itself):
        empty when ``copy_from`` may write here."""
        with self._cursor() as cur:
            return _occupied(cur, self._database_name(cur))

    def table_sums(self) -> dict[str, tuple[int, int]]:
        """(rows, checksum) of every table ``copy_from`` copies, as its checks compute them."""
        with self._cursor() as cur:
            database = self._database_name(cur)
            return {table: _table_sum(cur, database, table, columns)
                    for table, columns in _tables(cur, database).items()}

    def check_copy_source(self, source: Location) -> None:
        """Refuse, before anything is written anywhere, a source that cannot be copied: one that cannot be
        opened, or is not at this application's schema version."""
        with self._attached(source):
            pass

    def copy_from(self, source: Location, audit: AuditEntry,
                  progress: Callable[[TableCopy], object] = lambda copied: None) -> list[TableCopy]:
        """Copy every table of the database ``source`` into this one, which must be empty, in one transaction:
        each table's rows and checksum are compared with the source's before it commits (``progress`` is
        told of each table as it is found equal). ``audit`` is written last, in the same transaction, so it
        is not part of the comparison; its detail is set to what was copied. The source is only read."""
        with self._attached(source) as source_tables, self._transaction() as cur:
            here = self._database_name(cur)
            occupied = _occupied(cur, here)
            if occupied:
                raise not_empty_error(self.path, occupied)
            own_tables = _tables(cur, here)
            if own_tables != source_tables:
                differing = sorted(table for table in {*own_tables, *source_tables}
                                   if own_tables.get(table) != source_tables.get(table))
                raise StoreError(f"{source} and {self.path} differ in the tables or columns of "
                                 f"{', '.join(differing)}, so nothing was copied")
            copied = []
            for table in _in_order(list(source_tables)):
                columns = source_tables[table]
                cur.execute(f"INSERT INTO {_name(here, table)} BY NAME SELECT * FROM {_name(SOURCE, table)}")
                expected = _table_sum(cur, SOURCE, table, columns)
                found = _table_sum(cur, here, table, columns)
                if found != expected:
                    raise StoreError(
                        f"{table} differs after copying ({found[0]:,} rows, checksum {found[1]}, against "
                        f"{expected[0]:,} and {expected[1]} in {source}), so nothing was copied"
                    )
                copied.append(TableCopy(table, *found))
                progress(copied[-1])
            detail = (f"{len(copied)} tables, {sum(c.rows for c in copied):,} rows, each table's row count "
                      "and checksum equal to the source's")
            self._write_audit(cur, replace(audit, detail=detail))
        return copied

    @contextmanager
    def _attached(self, source: Location) -> Iterator[dict[str, list[str]]]:
        """``source`` attached read-only as ``copy_source`` while the block runs, once found at this
        application's schema version; yields its tables and their columns."""
        with self._cursor() as cur:
            self._attach_source(cur, source)
        try:
            with self._cursor() as cur:
                self._refuse_other_version(cur, source)
                tables = _tables(cur, SOURCE)
            yield tables
        finally:
            with self._cursor() as cur:
                cur.execute(f"DETACH {SOURCE}")

    def _attach_source(self, cur: duckdb.DuckDBPyConnection, source: Location) -> None:
        if isinstance(source, SharedLocation):
            # A file's connection has no postgres extension yet: loaded from where the wheel installed it.
            cur.execute(f"SET extension_directory = {_quoted(str(shared_config()['extension_directory']))}")
            cur.execute("LOAD postgres")
            attach = f"ATTACH {_quoted(source.dsn)} AS {SOURCE} (TYPE postgres, READ_ONLY)"
        else:
            attach = f"ATTACH {_quoted(str(source))} AS {SOURCE} (READ_ONLY)"
        try:
            cur.execute(attach)
        except duckdb.Error as exc:
            if isinstance(source, SharedLocation):
                raise unreachable_error(source, exc) from exc
            said = first_line(exc)
            if "lock" in said.lower():
                holder = re.search(r"\(PID (\d+)\)", str(exc))
                process = f" (process {holder[1]})" if holder else ""
                raise DatabaseInUseError(
                    f"The database {source} is in use by another program{process}, most likely the running "
                    "dashboard (DuckDB lets one program at a time open a file). Stop the dashboard and copy again."
                ) from exc
            raise StoreError(f"{source} cannot be copied: {said}") from exc

    def _refuse_other_version(self, cur: duckdb.DuckDBPyConnection, source: Location) -> None:
        if "schema_migrations" not in _all_tables(cur, SOURCE):
            raise StoreError(f"{source} is not a database of this application (it has no schema version)")
        version = cur.execute(f"SELECT max(version) FROM {_name(SOURCE, 'schema_migrations')}").fetchone()[0]
        if version is None or version < SCHEMA_VERSION:
            raise StoreError(
                f"{source} has schema version {version or 0} and this application {SCHEMA_VERSION}: bring it up to "
                f"date first by opening it once with this version ('boards info --db {source}'), then copy it"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{source} has schema version {version}, newer than this application's {SCHEMA_VERSION}: copy it "
                "with the version of the application that wrote it"
            )
