"""The case review register as an upload: its files recognised, checked (boards.imports.register) against
the upload context, its partnerships' indicators derived (boards.reviews.derive), and committed whole."""

from __future__ import annotations

from datetime import date

import pandas as pd

from boards.access import Actor, require_upload
from boards.imports.context import UploadContext, read_upload_context
from boards.imports.plan import LAYOUT_NAMES, ImportPlan, ImportRejected, ImportResult, ImportSummary, count_text, utc_now
from boards.imports.reading import Table, is_workbook, read_table, workbook_sheet_names
from boards.imports.register import PARTS, PartnershipIndex, check_register
from boards.periods import Period
from boards.reviews.derive import derive_observations, derived_quarters
from boards.store import BENCHMARK_COLUMNS, OBSERVATION_COLUMNS, AlreadyLoadedError, AuditEntry, Store


def register_workbook_tables(file_name: str, data: bytes, sheet: str | None,
                             max_bytes: int) -> dict[str, tuple[Table, str]]:
    """Both parts of a register workbook (sheets named reviews and recommendations), read whole; else {}."""
    if sheet is not None or not is_workbook(data) or len(data) > max_bytes:
        return {}
    sheets = {name.strip().lower(): name for name in workbook_sheet_names(file_name, data)}
    if not all(part in sheets for part in PARTS):
        return {}
    return {part: (read_table(file_name, data, sheet=sheets[part], max_bytes=max_bytes), sheets[part])
            for part in PARTS}


def inspect_register(
    store: Store,
    file_name: str,
    file_hash: str,
    tables: dict[str, tuple[Table, str | None]],
    *,
    actor: Actor,
    today: date,
    source: str = "local",
    quarters: list[Period] | None = None,
) -> ImportPlan:
    """``register_plan`` with the upload context read from ``store``."""
    context = read_upload_context(store, file_hash, today)
    return register_plan(store, context, file_name, file_hash, tables, actor=actor, source=source, quarters=quarters)


def register_plan(
    store: Store,
    context: UploadContext,
    file_name: str,
    file_hash: str,
    tables: dict[str, tuple[Table, str | None]],
    *,
    actor: Actor,
    source: str = "local",
    quarters: list[Period] | None = None,
) -> ImportPlan:
    """Validate a case review register upload (boards.imports.register) and, when it has no problem, derive
    its partnerships' indicators for ``quarters`` (by default boards.reviews.derive.derived_quarters); the
    store is read only to count what committing them would add, change or leave unchanged."""
    partnerships, current = context.partnerships, context.register
    check = check_register(tables, current=current, partnerships=partnerships, today=context.today)
    require_upload(actor, _members(partnerships, check.partnership_ids), published=False,
                   area_names=partnerships.areas.names)
    observations = pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
    chosen: list[Period] = []
    if not check.problems:
        ids = check.partnership_ids
        after = check.merged_with(current)
        dates = pd.concat([after.only(ids).dates, current.only(ids).dates], ignore_index=True)
        chosen = quarters if quarters is not None else derived_quarters(dates, context.today)
        observations = derive_observations(after, ids, chosen)
    added, changed, unchanged = store.preview_load(observations, source=source)
    order = {label: n for n, label in enumerate(dict.fromkeys(p.line_label for p in check.problems))}
    return ImportPlan(
        file_name=file_name,
        file_hash=file_hash,
        actor=actor,
        source=source,
        layout="register",
        mapping_title=None,
        observations=observations,
        benchmarks=pd.DataFrame(columns=list(BENCHMARK_COLUMNS)),
        periods=tuple(chosen),
        problems=tuple(sorted(check.problems, key=lambda p: (order[p.line_label], p.line or 0))),
        summary=ImportSummary(
            rows_read=check.rows_read,
            rows_rejected=check.rejected_rows,
            rows_to_add=added,
            rows_to_change=changed,
            rows_unchanged=unchanged,
            benchmarks=0,
        ),
        register=check,
    )


def commit_register(store: Store, plan: ImportPlan) -> ImportResult:
    """The register snapshot and its derived figures, which become current when the load commits."""
    if plan.problems:
        raise ImportRejected(
            plan, f"{count_text(len(plan.problems), 'problem')} found; a register is a complete list, so it is "
                  "imported only without problems. Nothing was written.")
    check = plan.register
    partnerships = PartnershipIndex.from_store(store)
    require_upload(plan.actor, _members(partnerships, check.partnership_ids), published=False,
                   area_names=partnerships.areas.names)
    store.stage_register(plan.file_hash, check.store_tables())
    reviews, recommendations = len(check.register.reviews), len(check.register.recommendations)
    note = (f"{LAYOUT_NAMES['register']}: {count_text(reviews, 'review')} and "
            f"{count_text(recommendations, 'recommendation')} for {_partnerships_text(check.partnership_ids)}; "
            f"figures derived for {count_text(len(plan.periods), 'quarter')}")
    try:
        result = store.commit_load(
            plan.observations,
            periods=list(plan.periods),
            source=plan.source,
            loaded_by=plan.actor.username,
            file_name=plan.file_name,
            file_hash=plan.file_hash,
            note=note,
            audit=AuditEntry(utc_now(), plan.actor.username, "data_imported", None,
                             f"{plan.file_name} ({LAYOUT_NAMES['register']})"),
        )
    except AlreadyLoadedError as exc:
        return ImportResult(None, 0, 0, 0, 0, already_loaded_as=exc.load_id)
    return ImportResult(result.load_id, result.rows_added, result.rows_changed, result.rows_unchanged, 0)


def _members(partnerships: PartnershipIndex, ids: tuple[str, ...]) -> list[str]:
    """The member LAs of partnerships: an upload is allowed by the areas it touches."""
    return [code for pid in ids for code in partnerships.members.get(pid, (pid,))]


def _partnerships_text(ids: tuple[str, ...]) -> str:
    return ", ".join(ids) if len(ids) <= 3 else count_text(len(ids), "partnership")
