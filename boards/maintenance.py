"""Keeping a database whole: check it (``boards check``), copy it (``boards backup``) and put a copy
back (``boards restore``)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from boards.store import SCHEMA_VERSION, DatabaseInUseError, Location, SharedLocation, Store, StoreError, utc_now


@dataclass(frozen=True)
class CheckReport:
    """What ``check_database`` found: the schema version, what the database holds and every problem."""

    path: str
    schema_version: int
    counts: dict[str, int]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


COUNTED_TABLES = ("observations", "observation_history", "published_benchmarks", "loads", "users", "audit_log")


def check_database(store: Store) -> CheckReport:
    """Verify that the database is whole: its schema is current, every figure belongs to a committed load
    and adds up to what that load recorded, no key is held twice, the audit trail has no gap and a row
    for every import and rollback, and every LA is in one partnership, as the history says."""
    version = store.schema_version()
    problems = []
    if version != SCHEMA_VERSION:
        problems.append(f"schema version {version}, expected {SCHEMA_VERSION}")
    for row in store.read("check_load_rows").itertuples():
        problems.append(f"load {row.load_id} ({row.status}) should hold {row.expected} figures, holds {row.found}")
    for row in store.read("check_orphan_rows").itertuples():
        if row.found:
            problems.append(f"{row.found} rows of {row.table_name} belong to no committed load")
    repeated = store.read("check_repeated_keys")
    if len(repeated):
        first = repeated.iloc[0]
        problems.append(
            f"{len(repeated)} keys are held by more than one figure, e.g. "
            f"{first['area_code']} / {first['indicator_id']} / {first['period_id']}"
        )
    for row in store.read("check_audit_gaps").itertuples():
        problems.append(f"the audit trail jumps from row {row.previous} to row {row.audit_id}")
    for row in store.read("check_unaudited_loads").itertuples():
        problems.append(f"load {row.load_id} has no '{row.action}' row in the audit trail")
    for row in store.read("check_partnership_history").itertuples():
        problems.append(f"area {row.area_code} {row.problem}")
    counts = {table: len(store.table(table)) for table in COUNTED_TABLES}
    return CheckReport(store.path, version, counts, problems)


def backup_database(store: Store, destination: Path) -> Path:
    """Copy the database, consistent as at one moment, to ``destination`` (a file, or a folder to put a
    dated file in); returns the file written. A file already there is never overwritten."""
    if destination.is_dir():
        destination = destination / f"{Path(store.path).stem}-{utc_now():%Y%m%d-%H%M%S}.duckdb"
    if destination.exists():
        raise StoreError(f"{destination} already exists; choose another name or folder for the backup")
    destination.parent.mkdir(parents=True, exist_ok=True)
    store.copy_file_to(destination)
    return destination


def restore_database(backup: Path, target: Location) -> tuple[CheckReport, Path | None]:
    """Put ``backup`` in place of the database ``target``, after checking it; the database it replaces is
    kept beside it as ``<name>.before-restore-<time>`` (with its log, if it had one). Returns the backup's
    check and where the replaced database was kept. The database must not be in use."""
    if isinstance(target, SharedLocation):
        raise StoreError(
            f"'boards restore' puts a file in place of a database file, not of the shared store {target}: restore "
            "it with PostgreSQL's own tools (pg_restore), or copy a backup file into it with 'boards copy'."
        )
    if not backup.is_file():
        raise StoreError(f"{backup} does not exist")
    staged = target.with_name(f".{target.name}.restoring")
    staged.unlink(missing_ok=True)
    shutil.copyfile(backup, staged)
    try:
        copy = Store.open(staged)
        try:
            report = check_database(copy)
        finally:
            copy.close()
        if not report.ok:
            raise StoreError(f"{backup} is not whole, so it was not restored: " + "; ".join(report.problems))
        kept = _set_aside(target)
        staged.replace(target)
    finally:
        for leftover in (staged, staged.with_name(staged.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return report, kept


def _set_aside(target: Path) -> Path | None:
    """Keep a copy of the database about to be replaced, and move its log away (a log left beside the
    restored file would be replayed into it)."""
    if not target.exists():
        return None
    try:
        Store(target).close()
    except DatabaseInUseError:
        raise
    except StoreError:
        pass  # a database that cannot be opened is what a restore is for
    log = target.with_name(target.name + ".wal")
    kept = target.with_name(f"{target.name}.before-restore-{utc_now():%Y%m%d-%H%M%S}")
    shutil.copyfile(target, kept)
    if log.exists():
        log.replace(kept.with_name(kept.name + ".wal"))
    return kept
