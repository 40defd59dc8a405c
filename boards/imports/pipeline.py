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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from boards.access import ANONYMOUS, Actor, PermissionDenied, require_rollback, require_upload
from boards.catalogue import UNITS, Indicator, catalogue_frame, load_catalogue
from boards.imports.areas import AreaIndex, area_names
from boards.imports.cells import BLANK, CELL_STATUSES, INVALID, REPORTED, not_a_number_reason
from boards.imports.ees import ees_entries, fill_population
from boards.imports.layouts import (
    EXAMPLE_ROW_REASON,
    ROLES,
    Entries,
    header_names,
    indicator_keys,
    is_example_note,
    long_entries,
    same_text,
    wide_entries,
)
from boards.imports.lait import OTHER_MEASURES, is_lait, lait_as_ees, lait_measures
from boards.imports.mappings import Mapping, is_ees, recognise
from boards.imports.period_forms import PeriodFormError, read_period
from boards.imports.problems import Problem, UnusableFile, problems_frame
from boards.imports.limits import MAX_UPLOAD_BYTES, NAMES_SHOWN, listed
from boards.imports.reading import Table, is_workbook, read_table, workbook_sheet_names
from boards.imports.releases import older_release, release_of
from boards.imports.register import PARTS, PartnershipIndex, RegisterCheck, check_register, register_part
from boards.imports.unjudged import percentages_without_counts
from boards.imports.validation import broken_rules
from boards.periods import Period
from boards.reviews.derive import derive_observations, derived_quarters
from boards.reviews.register import current_register
from boards.store import (
    BENCHMARK_COLUMNS,
    OBSERVATION_COLUMNS,
    AlreadyLoadedError,
    AuditEntry,
    STATUSES,
    RollbackResult,
    Store,
    StoreError,
    repeated_keys,
)


LAYOUT_NAMES = {"long": "long layout", "wide": "wide layout", "ees": "DfE EES file", "register": "case review register"}


@dataclass(frozen=True)
class ImportSummary:
    rows_read: int  # data rows in the file (blank rows not counted)
    rows_rejected: int  # rows with at least one problem
    rows_to_add: int  # figures new to the database
    rows_to_change: int  # figures that replace a different current value
    rows_unchanged: int  # figures the database already holds
    benchmarks: int  # National and Regional figures of a DfE file
    skipped: dict[str, int] = field(default_factory=dict)  # rows left out on purpose, by reason


@dataclass(frozen=True)
class ImportPlan:
    """A validated upload, compared with the database, ready to commit (or to show as a dry run)."""

    file_name: str
    file_hash: str
    actor: Actor
    source: str  # local (the quarterly template) or published (DfE EES files)
    layout: str | None  # long, wide or ees; None when the file was already imported
    mapping_title: str | None
    observations: pd.DataFrame  # the valid figures, in the store's OBSERVATION_COLUMNS
    benchmarks: pd.DataFrame  # the valid National and Regional figures, BENCHMARK_COLUMNS
    periods: tuple[Period, ...]
    problems: tuple[Problem, ...]
    summary: ImportSummary
    already_loaded: dict[str, Any] | None = None  # the committed load of this very file
    # A case review register: its rows, which replace the register parts of its partnerships; the
    # observations are then the indicators derived from the register (boards.reviews.derive).
    register: RegisterCheck | None = None
    # Figures that will be stored but not judged, one sentence per indicator (boards.imports.unjudged); the
    # dry run shows them, and they refuse nothing.
    warnings: tuple[str, ...] = ()
    # Published figures: the release they came from (boards.imports.releases), and why it may not be imported
    # as it stands when an older release than the one in force for some of the same figures (None when not).
    release: str | None = None
    older_release: str | None = None

    @property
    def problem_report(self) -> pd.DataFrame:
        return problems_frame(list(self.problems))


@dataclass(frozen=True)
class ImportResult:
    load_id: int | None  # None when nothing was written
    rows_added: int
    rows_changed: int
    rows_unchanged: int
    rows_rejected: int
    already_loaded_as: int | None = None


class ImportRejected(ValueError):
    """Validation found problems and the caller did not accept only the valid rows: nothing was written."""

    def __init__(self, plan: ImportPlan, reason: str) -> None:
        self.plan = plan
        super().__init__(reason)


def content_hash(data: bytes, mapping: Mapping | None = None, sheet: str | None = None) -> str:
    """SHA-256 of the file, and of the mapping and sheet when they choose what the file means."""
    digest = hashlib.sha256(data)
    if mapping is not None:
        digest.update(b"\0mapping\0" + mapping.text)
    if sheet is not None:
        digest.update(b"\0sheet\0" + sheet.encode("utf-8"))
    return digest.hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
            f"{_count(len(plan.problems), 'problem')} in {_count(plan.summary.rows_rejected, 'row')}",
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
    file_hash = content_hash(data, mapping, sheet)
    previous = store.committed_load_with_hash(file_hash)
    if previous is not None:
        return _already_loaded_plan(file_name, file_hash, actor, previous)
    register_tables = _register_tables(file_name, data, sheet, max_bytes)
    if register_tables:
        return inspect_register(store, file_name, file_hash, register_tables, actor=actor, today=today or date.today())
    table = read_table(file_name, data, sheet=sheet, max_bytes=max_bytes)
    if table.cells.empty and not table.problems:
        raise UnusableFile(f"{file_name} has a header but no rows of figures.")
    part = register_part(header_names(table))
    if part is not None:
        return inspect_register(store, file_name, file_hash, {part: (table, sheet)}, actor=actor,
                                today=today or date.today())
    indicators = load_catalogue()
    areas = AreaIndex.from_store(store)
    entries = _entries(table, indicators, areas, mapping)
    if entries.frame.empty and not (table.problems or entries.problems or entries.skipped):
        raise UnusableFile(f"{file_name} holds no figures: every indicator cell is blank.")
    checked = _Checked(entries, table.line_label, indicators, areas, today or date.today())
    checked.problems += table.problems
    frame = checked.resolve(store)

    rejected_lines = {p.line for p in checked.problems if p.line is not None}
    valid = _where(frame, ~frame["line"].isin(rejected_lines))
    observations = _observations(_where(valid, valid["scope"] == "local"))
    benchmarks = _benchmarks(_where(valid, valid["scope"] == "benchmark"))
    require_upload(
        actor, observations["area_code"].unique(), published=entries.source == "published", area_names=areas.names
    )
    added, changed, unchanged = store.preview_load(observations, source=entries.source)
    used = set(valid["period_id"].unique())  # the distinct categories: not a million Python strings
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
        warnings=percentages_without_counts(observations, indicators),
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
        return _commit_register(store, plan)
    if plan.problems and not accept_valid_rows:
        raise ImportRejected(plan, f"{_count(len(plan.problems), 'problem')} found; nothing was written.")
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


def _register_tables(file_name: str, data: bytes, sheet: str | None, max_bytes: int) -> dict[str, tuple[Table, str]]:
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
    """Validate a case review register upload (boards.imports.register) and, when it has no problem, derive
    its partnerships' indicators for ``quarters`` (by default boards.reviews.derive.derived_quarters)."""
    partnerships = PartnershipIndex.from_store(store)
    current = current_register(store)
    check = check_register(tables, current=current, partnerships=partnerships, today=today)
    members = [code for pid in check.partnership_ids for code in partnerships.members.get(pid, (pid,))]
    require_upload(actor, members, published=False, area_names=partnerships.areas.names)
    observations = pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
    chosen: list[Period] = []
    if not check.problems:
        ids = check.partnership_ids
        after = check.merged_with(current)
        dates = pd.concat([after.only(ids).dates, current.only(ids).dates], ignore_index=True)
        chosen = quarters if quarters is not None else derived_quarters(dates, today)
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


def _commit_register(store: Store, plan: ImportPlan) -> ImportResult:
    """The register snapshot and its derived figures, which become current when the load commits."""
    if plan.problems:
        raise ImportRejected(
            plan, f"{_count(len(plan.problems), 'problem')} found; a register is a complete list, so it is imported "
                  "only without problems. Nothing was written.")
    check = plan.register
    partnerships = PartnershipIndex.from_store(store)
    members = [code for pid in check.partnership_ids for code in partnerships.members.get(pid, (pid,))]
    require_upload(plan.actor, members, published=False, area_names=partnerships.areas.names)
    store.stage_register(plan.file_hash, check.store_tables())
    reviews, recommendations = len(check.register.reviews), len(check.register.recommendations)
    note = (f"{LAYOUT_NAMES['register']}: {_count(reviews, 'review')} and {_count(recommendations, 'recommendation')} "
            f"for {_partnerships_text(check.partnership_ids)}; figures derived for {_count(len(plan.periods), 'quarter')}")
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


def _partnerships_text(ids: tuple[str, ...]) -> str:
    return ", ".join(ids) if len(ids) <= 3 else _count(len(ids), "partnership")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


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


class _Checked:
    """Entries taken through area and period resolution, derived values and the rules."""

    def __init__(
        self, entries: Entries, line_label: str, indicators: MappingType[str, Indicator], areas: AreaIndex,
        today: date,
    ) -> None:
        self.entries = entries
        self.line_label = line_label
        self.indicators = indicators
        self.catalogue = catalogue_frame(indicators).set_index("indicator_id")
        self.areas = areas
        self.today = today
        self.problems: list[Problem] = list(entries.problems)
        self.periods: dict[str, Period] = {}

    def add_problems(self, rows: pd.DataFrame, column: str, value: str, reasons: Any) -> None:
        """One problem per row of ``rows``, naming the cell by the entry fields ``column`` and ``value``."""
        self.problems += [
            Problem(int(line), written, text, reason, self.line_label)
            for line, written, text, reason in zip(rows["line"], rows[column], rows[value], reasons)
        ]

    def per_indicator(self, frame: pd.DataFrame, field: str) -> np.ndarray:
        """A numeric catalogue field for every entry, as floats taken through the indicator codes (converted
        once per indicator, not once per row)."""
        categories = frame["indicator_id"].cat.categories
        by_indicator = self.catalogue[field].reindex(categories).to_numpy(dtype=float, na_value=np.nan)
        return by_indicator[frame["indicator_id"].cat.codes.to_numpy()]

    def units(self, frame: pd.DataFrame) -> pd.Categorical:
        """Every entry's unit as a categorical: the rules compare units row by row, faster by code than by text."""
        categories = frame["indicator_id"].cat.categories
        codes = pd.Categorical(self.catalogue["unit"].reindex(categories), categories=UNITS).codes
        return pd.Categorical.from_codes(codes[frame["indicator_id"].cat.codes.to_numpy()], categories=UNITS)

    def resolve(self, store: Store) -> pd.DataFrame:
        frame = self.entries.frame.astype({"indicator_id": "category"})
        self._example_rows(frame)
        if self.entries.layout != "ees":
            frame = self._areas(frame.assign(scope=same_text("local", len(frame)), denominator_is_population=False))
        frame = self._periods(frame)
        if frame["denominator_is_population"].any():
            frame = fill_population(frame, store.table("area_population"))
        frame = self._statuses(frame)
        for role in ROLES:
            invalid = _where(frame, frame[f"{role}_status"] == INVALID)
            reasons = [not_a_number_reason(text) for text in invalid[f"{role}_text"]]
            self.add_problems(invalid, f"{role}_column", f"{role}_text", reasons)
        self._rules(frame)
        self._duplicates(frame)
        self.problems = list(dict.fromkeys(self.problems))
        return frame

    def _example_rows(self, frame: pd.DataFrame) -> None:
        """The template's example row is refused, whoever uploads it: it is not the example area's figure."""
        examples = _where(frame, is_example_note(frame["note"]))
        self.problems += [
            Problem(int(line), "note", note, EXAMPLE_ROW_REASON, self.line_label)
            for line, note in zip(examples["line"], examples["note"])
        ]

    def _areas(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Area codes for the area cells; a joint return's row is repeated for each of its LAs."""
        codes, texts = pd.factorize(frame["area_text"])
        found = [self.areas.resolve(text) for text in texts]
        failed = np.array([f.error is not None for f in found], dtype=bool)[codes]
        self.add_problems(_where(frame, failed), "area_column", "area_text", [found[c].error for c in codes[failed]])
        targets = [f.area_codes or ("",) for f in found]
        widths = np.array([len(t) for t in targets], dtype=np.int64)
        first = np.cumsum(widths) - widths  # where each resolution's codes start in ``flat``
        names, flat = np.unique(np.array([code for t in targets for code in t], dtype=object), return_inverse=True)
        if (widths == 1).all():  # no joint return: each row keeps its place, each text its one code
            expanded, area_codes = frame, flat[first][codes]
        else:
            repeat = widths[codes]
            rows = np.repeat(np.arange(len(frame)), repeat)
            within = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
            expanded, area_codes = frame.iloc[rows].reset_index(drop=True), flat[first[codes[rows]] + within]
            codes = codes[rows]
        expanded["area_code"] = pd.Categorical.from_codes(area_codes, categories=names)
        auto_notes = np.array([f.note or "" for f in found], dtype=object)
        if (auto_notes != "").any():
            own = expanded["note"].astype(str)
            auto = pd.Series(auto_notes[codes], dtype="str")
            expanded["note"] = auto.where(own == "", auto + "; " + own).where(auto != "", own)
        expanded["joint"] = np.array([f.joint for f in found], dtype=bool)[codes]
        return expanded

    def _periods(self, frame: pd.DataFrame) -> pd.DataFrame:
        period_texts = frame["period_text"].astype("category")  # an upload's cells already are
        text_codes, texts = period_texts.cat.codes.to_numpy().astype(np.int64), period_texts.cat.categories
        indicator_codes = frame["indicator_id"].cat.codes.to_numpy().astype(np.int64)
        indicator_ids = frame["indicator_id"].cat.categories
        codes, pairs = pd.factorize(text_codes * len(indicator_ids) + indicator_codes)
        period_ids, ends, reasons = [], [], []
        texts, indicator_ids = texts.tolist(), indicator_ids.tolist()
        # A text names the same period for every indicator of a period type; only a refusal names the indicator.
        read: dict[tuple[str, str], Period] = {}
        for pair in pairs.tolist():
            text = texts[pair // len(indicator_ids)]
            indicator = self.indicators[indicator_ids[pair % len(indicator_ids)]]
            try:
                period = read.get((text, indicator.period_type)) or read_period(
                    text, indicator.period_type, indicator.name, self.today
                )
                read[(text, indicator.period_type)] = period
            except PeriodFormError as exc:
                period_ids.append(None)
                ends.append(np.datetime64("NaT"))
                reasons.append(str(exc))
                continue
            self.periods[period.period_id] = period
            period_ids.append(period.period_id)
            ends.append(np.datetime64(period.end))
            reasons.append(None)
        failed = np.array([r is not None for r in reasons], dtype=bool)[codes]
        self.add_problems(_where(frame, failed), "period_column", "period_text", [reasons[c] for c in codes[failed]])
        known = sorted({p for p in period_ids if p is not None})
        position = {period_id: n for n, period_id in enumerate(known)}
        recoded = np.array([position.get(p, -1) for p in period_ids], dtype=np.int32)
        return frame.assign(
            period_id=pd.Categorical.from_codes(recoded[codes], categories=known),
            period_end=np.array(ends, dtype="datetime64[D]")[codes],
        )

    def _statuses(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The stored status and value. A blank value is derived from both counts when they are given
        (always, for a DfE file mapped without a value column); a DfE blank is stored as missing."""
        status_code = CELL_STATUSES.index
        multiplier = self.per_indicator(frame, "multiplier")
        numerator, denominator = frame["numerator"].to_numpy(), frame["denominator"].to_numpy()
        value_status = frame["value_status"].cat.codes.to_numpy()
        numerator_status = frame["numerator_status"].cat.codes.to_numpy()
        counts_status = np.where(
            numerator_status != status_code(REPORTED), numerator_status, frame["denominator_status"].cat.codes
        )
        blank = value_status == status_code(BLANK)
        ees = self.entries.layout == "ees"
        computed = frame["value_computed"].to_numpy(dtype=bool) if ees else np.zeros(len(frame), dtype=bool)
        derivable = (computed | (blank & (not ees))) & (counts_status == status_code(REPORTED))
        zero = derivable & (denominator == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(derivable & ~zero, numerator / denominator * multiplier, frame["value"].to_numpy())
        status = np.where(computed, counts_status, value_status)
        status = np.where(zero, status_code("z"), np.where(derivable, status_code(REPORTED), status))
        if ees:
            # DfE leaves a cell blank where the figure was never collected.
            status = np.where(status == status_code(BLANK), status_code("missing"), status)
        else:
            missing = _where(frame, blank & ~derivable)
            reasons = [
                f'no value for "{self.indicators[i].name}": write the figure (or the numerator and denominator it '
                "comes from), or a symbol such as x (not available)"
                for i in missing["indicator_id"]
            ]
            self.add_problems(missing, "value_column", "value_text", reasons)
        reported = status == status_code(REPORTED)
        return frame.assign(
            status=pd.Categorical.from_codes(status.astype(np.int8), categories=CELL_STATUSES),
            value=np.where(reported, value, np.nan),
            value_derived=derivable,
            multiplier=multiplier,
        )

    def _rules(self, frame: pd.DataFrame) -> None:
        status = frame["status"]
        figures = pd.DataFrame(
            {
                # Cells that are blank or not a number have their problem already; their row is rejected.
                "status": status.where(status.isin(STATUSES), "missing"),
                "value": frame["value"],
                "numerator": frame["numerator"].where(frame["numerator_status"] == REPORTED),
                "denominator": frame["denominator"].where(frame["denominator_status"] == REPORTED),
                "value_derived": frame["value_derived"],
                "multiplier": frame["multiplier"],
                "value_half": frame["value_half"],
                "numerator_half": frame["numerator_half"],
                "denominator_half": frame["denominator_half"],
                "value_percent_sign": frame["value_percent_sign"].astype(bool),
                "counts_exact": self.entries.source == "local",
                "unit": self.units(frame),
                "min_value": self.per_indicator(frame, "min_value"),
                "max_value": self.per_indicator(frame, "max_value"),
            },
            copy=False,  # a block per column: stacking the float columns copied 70 MB for a million rows
        )
        broken = broken_rules(figures)
        if not broken:
            return
        rows = [row for row, _ in broken]
        context = frame.iloc[rows].reset_index(drop=True)
        details = figures.iloc[rows].reset_index(drop=True).assign(
            name=[self.indicators[i].name for i in context["indicator_id"]],
            value_text=context["value_text"], numerator_text=context["numerator_text"],
            denominator_text=context["denominator_text"],
        )
        for (_, rule), entry, detail in zip(broken, context.to_dict("records"), details.to_dict("records")):
            self.problems.append(
                Problem(int(entry["line"]), entry[f"{rule.column}_column"], entry[f"{rule.column}_text"],
                        rule.reason(detail), self.line_label)
            )

    def _duplicates(self, frame: pd.DataFrame) -> None:
        """Two figures for one area, indicator and period: both are refused, an exact copy only once."""
        resolved = _where(frame, frame["period_id"].notna() & (frame["area_code"] != ""))
        key = ["scope", "area_code", "indicator_id", "period_id"]
        clashing = _where(resolved, repeated_keys(resolved, key))
        same = ["value_text", "numerator_text", "denominator_text", "note"]
        for _, group in clashing.groupby(key, sort=False, observed=True):
            first = group.iloc[0]
            what = f"{self.areas.label(first['area_code'])}, {first['indicator_id']}, {first['period_id']}"
            lines = sorted(set(group["line"]))
            if len(lines) == 1:
                self.problems.append(
                    Problem(int(lines[0]), None, None, f"this row gives {what} twice", self.line_label)
                )
            elif len(group.drop_duplicates(same)) == 1:
                self.problems += [
                    Problem(int(line), None, None, f"this row repeats line {lines[0]} ({what}); delete one of them",
                            self.line_label)
                    for line in lines[1:]
                ]
            else:
                both = "both" if len(lines) == 2 else "all"
                if len(lines) > NAMES_SHOWN:
                    which = listed(lines, str)
                else:
                    which = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
                reason = f"lines {which} {both} give a figure for {what}: keep the right one"
                self.problems += [Problem(int(line), None, None, reason, self.line_label) for line in lines]


def _where(frame: pd.DataFrame, mask: Any) -> pd.DataFrame:
    """``frame[mask]``, at no cost when no row or every row is chosen, as is usual: selecting from a
    million rows copies every column (50-80 ms for a few, 0.3 s for the whole entry frame)."""
    mask = np.asarray(mask, dtype=bool)
    if mask.all():
        return frame
    return frame[mask] if mask.any() else frame.iloc[:0]


def _categories(column: pd.Series) -> pd.Categorical:
    """A key or status column as the categories it uses, blank as missing: DuckDB scans the codes, and repeated
    keys are found on them (a million rows committed 0.2 s sooner than as Python strings). The categories in
    use are counted by code (remove_unused_categories sorts a million codes: 15 ms a column)."""
    values = column.astype("category").array
    codes = values.codes.astype(np.int64)
    kept = (np.bincount(codes + 1, minlength=len(values.categories) + 1)[1:] > 0) & (values.categories != "")
    recoded = np.where(kept, np.cumsum(kept) - 1, -1)
    return pd.Categorical.from_codes(np.append(recoded, -1)[codes], categories=values.categories[kept])


def _text(column: pd.Series) -> pd.Series:
    """Free text (the note) as plain Python strings, None for blank, each distinct note made a string once:
    DuckDB scans these far faster than Arrow-backed text or categories of mostly distinct notes."""
    notes = _categories(column)
    return pd.Series(np.append(notes.categories.to_numpy(dtype=object), None)[notes.codes], dtype=object)


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
