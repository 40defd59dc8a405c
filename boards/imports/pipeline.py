"""The import of one uploaded file: read, resolve, validate, compare with the database, commit.

``inspect_upload`` does everything but write: its ImportPlan lists every problem (line, column,
value, reason) and what committing would add, change or leave unchanged (the dry run).
``commit_plan`` writes it in one transaction, all or nothing unless the caller explicitly
accepts only the valid rows. Re-uploading an identical file is a no-op; ``rollback`` undoes a
load exactly. The upload page and the ``boards import`` command both call exactly these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping as MappingType
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from boards.access import ANONYMOUS, Actor, PermissionDenied, require_rollback, require_upload
from boards.catalogue import Indicator
from boards.imports.areas import AreaIndex, area_names
from boards.imports.cells import REPORTED
from boards.imports.checks import CheckedFigures, check_figures
from boards.imports.context import UploadContext, read_upload_context
from boards.imports.ees import ees_entries
from boards.imports.lait import OTHER_MEASURES, is_lait, lait_as_ees, lait_measures
from boards.imports.layouts import Entries, header_names, indicator_keys, long_entries, wide_entries
from boards.imports.limits import MAX_UPLOAD_BYTES
from boards.imports.mappings import Mapping, is_ees, recognise
from boards.imports.plan import (
    LAYOUT_NAMES,
    ImportPlan,
    ImportRejected,
    ImportResult,
    ImportSummary,
    count_text,
    utc_now,
)
from boards.imports.problems import UnusableFile
from boards.imports.reading import Table, read_table
from boards.imports.register import register_part
from boards.imports.register_upload import commit_register, register_plan, register_workbook_tables
from boards.imports.releases import older_release, release_of
from boards.imports.unjudged import percentages_without_counts
from boards.store import (
    BENCHMARK_COLUMNS,
    OBSERVATION_COLUMNS,
    AlreadyLoadedError,
    AuditEntry,
    RollbackResult,
    Store,
    StoreError,
)

__all__ = ["ImportPlan", "ImportRejected", "ImportResult", "ImportSummary", "LAYOUT_NAMES", "audit_refused_upload",
           "check_rollback", "commit_plan", "content_hash", "inspect_upload", "rollback"]


def content_hash(data: bytes, mapping: Mapping | None = None, sheet: str | None = None) -> str:
    """SHA-256 of the file, and of the mapping and sheet when they choose what the file means."""
    digest = hashlib.sha256(data)
    if mapping is not None:
        digest.update(b"\0mapping\0" + mapping.text)
    if sheet is not None:
        digest.update(b"\0sheet\0" + sheet.encode("utf-8"))
    return digest.hexdigest()


def inspect_upload(
    store: Store,
    file_name: str,
    data: bytes,
    *,
    actor: Actor,
    mapping: Mapping | None = None,
    sheet: str | None = None,
    today: date | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> ImportPlan:
    """Read and validate an upload against the catalogue, the reference data and the database.

    Raises UnusableFile when the file cannot be read as a return at all, and PermissionDenied
    when the actor may not upload it; otherwise every problem is in the plan. Writes nothing but
    the audit row of a refusal: an unusable file, a permission refused, or problems (a file with
    problems is refused whole unless only its valid rows are accepted later).
    """
    try:
        plan = _inspect_upload(store, file_name, data, actor=actor, mapping=mapping, sheet=sheet, today=today,
                               max_bytes=max_bytes)
    except (UnusableFile, PermissionDenied) as refused:
        audit_refused_upload(store, actor, file_name, str(refused))
        raise
    if plan.problems:
        audit_refused_upload(
            store, actor, file_name,
            f"{count_text(len(plan.problems), 'problem')} in {count_text(plan.summary.rows_rejected, 'row')}",
        )
    return plan


def audit_refused_upload(store: Store, actor: Actor | None, file_name: str, reason: str) -> None:
    store.append_audit(AuditEntry(utc_now(), _who(actor), "upload_refused", _bounded(file_name), _bounded(reason)))


def _who(actor: Actor | None) -> str:
    return ANONYMOUS if actor is None else actor.username


def _bounded(text: str, limit: int = 200) -> str:
    """Text from a file or a refusal, on one line and at most ``limit`` characters, for the audit trail."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _inspect_upload(
    store: Store,
    file_name: str,
    data: bytes,
    *,
    actor: Actor,
    mapping: Mapping | None,
    sheet: str | None,
    today: date | None,
    max_bytes: int,
) -> ImportPlan:
    # What the checks need from the database, read once; the checks below read nothing else.
    file_hash = content_hash(data, mapping, sheet)
    context = read_upload_context(store, file_hash, today or date.today())
    if context.already_loaded is not None:
        return _already_loaded_plan(file_name, file_hash, actor, context.already_loaded)

    # The file: a case review register (a workbook of both parts, or one part by its header), or figures.
    register_tables = register_workbook_tables(file_name, data, sheet, max_bytes)
    if register_tables:
        return register_plan(store, context, file_name, file_hash, register_tables, actor=actor)
    table = read_table(file_name, data, sheet=sheet, max_bytes=max_bytes)
    if table.cells.empty and not table.problems:
        raise UnusableFile(f"{file_name} has a header but no rows of figures.")
    part = register_part(header_names(table))
    if part is not None:
        return register_plan(store, context, file_name, file_hash, {part: (table, sheet)}, actor=actor)
    entries = _entries(table, context.indicators, context.areas, mapping)
    if entries.frame.empty and not (table.problems or entries.problems or entries.skipped):
        raise UnusableFile(f"{file_name} holds no figures: every indicator cell is blank.")

    # The checks, pure; then the valid figures are compared with the ones in the database.
    checked = check_figures(entries, table.problems, table.line_label, context)
    return _figures_plan(store, context, file_name, file_hash, actor, table, entries, checked)


def _figures_plan(store: Store, context: UploadContext, file_name: str, file_hash: str, actor: Actor, table: Table,
                  entries: Entries, checked: CheckedFigures) -> ImportPlan:
    """The valid figures of a checked file, with what committing them would add, change or leave unchanged
    (the store's own comparison, which its commit makes) and the published release they may go back on."""
    rejected_lines = {p.line for p in checked.problems if p.line is not None}
    valid = checked.frame[~checked.frame["line"].isin(rejected_lines)]
    observations = _observations(valid[valid["scope"] == "local"])
    benchmarks = _benchmarks(valid[valid["scope"] == "benchmark"])
    require_upload(
        actor, observations["area_code"].unique(), published=entries.source == "published",
        area_names=context.areas.names,
    )
    added, changed, unchanged = store.preview_load(observations, source=entries.source)
    used = set(valid["period_id"].unique())
    periods = tuple(sorted(p for p in checked.periods.values() if p.period_id in used))
    release = release_of(periods) if entries.source == "published" else None
    in_force = store.releases_in_force(observations, benchmarks) if release else None
    return ImportPlan(
        file_name=file_name,
        file_hash=file_hash,
        actor=actor,
        source=entries.source,
        layout=entries.layout,
        mapping_title=entries.mapping.title if entries.mapping else None,
        observations=observations,
        benchmarks=benchmarks,
        periods=periods,
        problems=tuple(sorted(checked.problems, key=lambda p: (p.line or 0, p.column or ""))),
        summary=ImportSummary(
            rows_read=len(table.cells) + len(table.problems),
            rows_rejected=len(rejected_lines),
            rows_to_add=added,
            rows_to_change=changed,
            rows_unchanged=unchanged,
            benchmarks=len(benchmarks),
            skipped=entries.skipped,
        ),
        warnings=percentages_without_counts(observations, context.indicators),
        release=release,
        older_release=older_release(file_name, release, in_force) if release else None,
    )


def commit_plan(
    store: Store, plan: ImportPlan, *, accept_valid_rows: bool = False, allow_older: bool = False
) -> ImportResult:
    """Write a plan in one transaction; with problems, only if ``accept_valid_rows`` (the rest is recorded); an
    older release than the one in force for some of its figures, only if ``allow_older``."""
    if plan.already_loaded is not None:
        return ImportResult(None, 0, 0, 0, 0, already_loaded_as=int(plan.already_loaded["load_id"]))
    if plan.register is not None:
        return commit_register(store, plan)
    if plan.problems and not accept_valid_rows:
        raise ImportRejected(plan, f"{count_text(len(plan.problems), 'problem')} found; nothing was written.")
    if plan.observations.empty and plan.benchmarks.empty:
        raise ImportRejected(plan, "No row of the file is valid; nothing was written.")
    if plan.older_release and not allow_older:
        audit_refused_upload(store, plan.actor, plan.file_name, plan.older_release)
        raise ImportRejected(plan, f"{plan.older_release} Nothing was written.")
    try:
        require_upload(
            plan.actor, plan.observations["area_code"].unique(), published=plan.source == "published",
            area_names=area_names(store),
        )
    except PermissionDenied as refused:
        audit_refused_upload(store, plan.actor, plan.file_name, str(refused))
        raise
    layout = LAYOUT_NAMES[plan.layout] + (f" (mapping: {plan.mapping_title})" if plan.mapping_title else "")
    skipped = "; ".join(f"{count} {reason}" for reason, count in plan.summary.skipped.items())
    report = plan.problem_report.rename(columns={"column": "column_name"})
    try:
        result = store.commit_load(
            plan.observations,
            benchmarks=plan.benchmarks,
            periods=list(plan.periods),
            source=plan.source,
            loaded_by=plan.actor.username,
            file_name=plan.file_name,
            file_hash=plan.file_hash,
            rows_rejected=plan.summary.rows_rejected,
            note=layout + (f"; left out: {skipped}" if skipped else ""),
            problems=report[["line", "column_name", "value", "reason"]],
            audit=AuditEntry(utc_now(), plan.actor.username, "data_imported", None, f"{plan.file_name} ({layout})"),
            release=plan.release,
        )
    except AlreadyLoadedError as exc:
        return ImportResult(None, 0, 0, 0, 0, already_loaded_as=exc.load_id)
    return ImportResult(
        result.load_id, result.rows_added, result.rows_changed, result.rows_unchanged, plan.summary.rows_rejected
    )


def rollback(store: Store, load_id: int, *, actor: Actor | None) -> RollbackResult:
    """Undo a load exactly, if the actor may (see boards.access); a refusal is audited with its reason."""
    try:
        return _rollback(store, load_id, actor=actor)
    except (PermissionDenied, StoreError) as refused:
        store.append_audit(
            AuditEntry(utc_now(), _who(actor), "rollback_refused", f"load {load_id}", _bounded(str(refused)))
        )
        raise


def _rollback(store: Store, load_id: int, *, actor: Actor | None) -> RollbackResult:
    record = store.load_record(load_id)
    if record is None:
        raise StoreError(f"There is no load {load_id}; 'boards loads' lists them.")
    check_rollback(store, actor, load_id=load_id, loaded_by=record["loaded_by"])
    later = store.read("review_register_later_loads", load_id=load_id)
    if record["status"] == "committed" and not later.empty:
        latest = later.iloc[-1]
        raise StoreError(
            f"Load {load_id} ({record['file_name']}) cannot be rolled back: load {latest['load_id']} "
            f"({latest['file_name']}) has since loaded the case review register of the same partnership. "
            f"Roll back load {latest['load_id']} first."
        )
    audit = AuditEntry(utc_now(), actor.username, "load_rolled_back", None, str(record["file_name"]))
    return store.rollback_load(load_id, audit=audit)


def check_rollback(store: Store, actor: Actor | None, *, load_id: int, loaded_by: str) -> None:
    """Refuse (PermissionDenied) a rollback the actor may not make, judged by every row the load wrote or
    replaced (boards.access.require_rollback). A register's figures are filed under a partnership, which
    stands for its member LAs."""
    scope = store.load_scope(load_id)
    members = store.table("partnerships").groupby("partnership_id")["area_code"].agg(list).to_dict()
    area_codes = {code for area in scope.area_codes for code in members.get(area, [area])}
    require_rollback(actor, load_by=loaded_by, area_codes=area_codes, benchmark_codes=scope.benchmark_codes,
                     load_id=load_id)


def _already_loaded_plan(file_name: str, file_hash: str, actor: Actor, previous: dict[str, Any]) -> ImportPlan:
    return ImportPlan(
        file_name=file_name,
        file_hash=file_hash,
        actor=actor,
        source=str(previous["source"]),
        layout=None,
        mapping_title=None,
        observations=pd.DataFrame(columns=list(OBSERVATION_COLUMNS)),
        benchmarks=pd.DataFrame(columns=list(BENCHMARK_COLUMNS)),
        periods=(),
        problems=(),
        summary=ImportSummary(0, 0, 0, 0, 0, 0),
        already_loaded=previous,
    )


def _entries(
    table, indicators: MappingType[str, Indicator], areas: AreaIndex, mapping: Mapping | None
) -> Entries:
    names = header_names(table)
    header = set(names)
    if is_lait(header):
        chosen = mapping or recognise(lait_measures(table, names), indicators, layout="lait")
        if chosen is None or chosen.layout != "lait":
            raise UnusableFile(
                "This is DfE's LAIT benchmarking data set, but "
                + ("the mapping given is not for it (its layout must be \"lait\")" if chosen else
                   "none of the shipped mappings (data/mappings/) matches the measures it holds")
                + ", so no catalogue indicator can be read from it. Write a mapping (format in "
                "data/mappings/README.md) and give it with --mapping FILE."
            )
        converted, converted_names, other_measures = lait_as_ees(table, names, chosen, indicators)
        entries = ees_entries(converted, converted_names, chosen, indicators, areas)
        if other_measures:
            entries.skipped[OTHER_MEASURES] = other_measures
        return entries
    if mapping is not None or is_ees(header):
        chosen = mapping or recognise(header, indicators)
        if chosen is None:
            raise UnusableFile(
                "This is a DfE Explore Education Statistics file, but none of the shipped mappings "
                "(data/mappings/) matches its columns, so no catalogue indicator can be read from it. "
                "Write a mapping (format in data/mappings/README.md) and give it with --mapping FILE, or as your "
                "own mapping on the Upload page."
            )
        return ees_entries(table, names, chosen, indicators, areas)
    if "indicator" in header:
        return long_entries(table, names, indicators)
    keys = indicator_keys(indicators)
    if {"area_code", "period"} <= header or any(name in keys or name.rpartition("_")[0] in keys for name in names):
        return wide_entries(table, names, indicators)
    raise UnusableFile(
        "The first row is not the header of a quarterly return: expected the long layout (area_code, "
        "period, indicator, value, numerator, denominator, note), the wide layout (area_code, period and "
        "one column per indicator id) or a DfE Explore Education Statistics file. "
        "Download the template to start from."
    )


def _categories(column: pd.Series) -> pd.Categorical:
    """A key or status column as the categories it uses, blank as missing: DuckDB scans the codes, and the
    store finds repeated keys on them."""
    values = column.astype("category").cat.remove_unused_categories()
    return values.cat.remove_categories([""] if "" in values.cat.categories else []).array


def _text(column: pd.Series) -> pd.Series:
    """Free text (the note) as Python strings, None for blank: what DuckDB stores as VARCHAR NULL (as object, not
    pandas' str, whose missing value is NaN)."""
    notes = column.astype(object).to_numpy()
    return pd.Series(np.where(pd.isna(notes) | (notes == ""), None, notes), dtype=object)


def _observations(frame: pd.DataFrame) -> pd.DataFrame:
    reported = (frame["status"] == REPORTED).to_numpy()
    counts = reported & ~frame["joint"].to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "area_code": _categories(frame["area_code"]),
            "indicator_id": _categories(frame["indicator_id"]),
            "period_id": _categories(frame["period_id"]),
            "value": np.where(reported, frame["value"], np.nan),
            "numerator": np.where(counts & (frame["numerator_status"] == REPORTED), frame["numerator"], np.nan),
            "denominator": np.where(counts & (frame["denominator_status"] == REPORTED), frame["denominator"], np.nan),
            "status": _categories(frame["status"]),
            "note": _text(frame["note"]),
        },
        copy=False,
    )


def _benchmarks(frame: pd.DataFrame) -> pd.DataFrame:
    reported = (frame["status"] == REPORTED).to_numpy()
    return pd.DataFrame(
        {
            "geography_code": _categories(frame["area_code"]),
            "indicator_id": _categories(frame["indicator_id"]),
            "period_id": _categories(frame["period_id"]),
            "value": np.where(reported, frame["value"], np.nan),
            "numerator": np.where(reported & (frame["numerator_status"] == REPORTED), frame["numerator"], np.nan),
            "denominator": np.where(reported & (frame["denominator_status"] == REPORTED), frame["denominator"], np.nan),
            "status": _categories(frame["status"]),
        },
        copy=False,
    )
