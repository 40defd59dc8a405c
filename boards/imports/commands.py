"""The ``boards`` subcommands of the import: import, loads, rollback, template and dictionary.

``boards import`` validates every file first and writes only if all are acceptable; its exit
status is 0 when imported (or nothing to do), 1 when validation rejected a file (nothing was
written) or the report cannot be written (nothing was imported), and 2 when a file or the mapping is
unusable. A file is refused from its size on disk before it is read.
"""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path

import pandas as pd

from boards.access import Actor, system_actor
from boards.accounts import actor_for
from boards.catalogue import load_catalogue
from boards.exports import to_csv_bytes
from boards.imports.limits import MAX_UPLOAD_BYTES, MEGABYTE, size_text
from boards.imports.mappings import mapping_from_path
from boards.imports.pipeline import ImportPlan, audit_refused_upload, commit_plan, inspect_upload, rollback
from boards.imports.preview import planned_figures
from boards.imports.problems import UnusableFile
from boards.imports.reading import check_upload_size
from boards.imports.releases import release_words
from boards.imports.templates import (
    data_dictionary,
    long_template,
    register_dictionary,
    register_template,
    wide_template,
)
from boards.store import Store

EXIT_ERROR, EXIT_REJECTED, EXIT_UNUSABLE = 1, 1, 2  # 1 is also the status of any other error
PROBLEMS_SHOWN = 50
CHANGES_SHOWN = 50
LOADS_COLUMNS = ["load_id", "loaded_at", "loaded_by", "source", "file_name", "release", "rows_added",
                 "rows_changed", "rows_unchanged", "rows_rejected", "status"]
ALLOW_OLDER = "If you mean to go back to that release, import it again with --allow-older."


class CommandExit(Exception):
    """A command that ends with a non-zero exit status; the message goes to stderr."""

    def __init__(self, message: str, exit_code: int) -> None:
        self.exit_code = exit_code
        super().__init__(message)


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register the import subcommands on the ``boards`` parser."""
    act_as = {"dest": "as_user", "metavar": "USERNAME",
              "help": "act as this database user, whose role and areas apply (default: the operator)"}
    imports = commands.add_parser(
        "import", parents=[common], help="validate quarterly returns or DfE EES files and import them"
    )
    imports.add_argument("files", nargs="+", metavar="FILE", help="CSV or Excel files")
    imports.add_argument("--dry-run", action="store_true", help="validate and compare with the database; write nothing")
    imports.add_argument("--mapping", metavar="FILE", help="mapping of an EES file's columns (data/mappings/README.md)")
    imports.add_argument("--sheet", metavar="NAME", help="the sheet of an Excel workbook to read (default: the first)")
    imports.add_argument("--report", metavar="OUT.csv",
                         help="write every problem with its line, column, value and reason")
    imports.add_argument("--accept-valid-rows", action="store_true",
                         help="import the valid rows even if others have problems (those are recorded with the load)")
    imports.add_argument("--allow-older", action="store_true",
                         help="import a DfE release older than the one in force for the same figures")
    imports.add_argument("--max-size", type=float, default=MAX_UPLOAD_BYTES / MEGABYTE, metavar="MB",
                         help=f"refuse larger files (default {size_text(MAX_UPLOAD_BYTES)})")
    imports.add_argument("--as", **act_as)
    imports.set_defaults(run=run_import)

    loads = commands.add_parser("loads", parents=[common], help="list every load: who, when, what, counts, status")
    loads.add_argument("--json", action="store_true", help="print JSON instead of a table")
    loads.set_defaults(run=run_loads)

    undo = commands.add_parser("rollback", parents=[common], help="undo a load, restoring the values it replaced")
    undo.add_argument("load_id", type=int, metavar="LOAD_ID")
    undo.add_argument("--as", **act_as)
    undo.set_defaults(run=run_rollback)

    template = commands.add_parser(
        "template", parents=[common], help="write the quarterly return template, or a case review register file (CSV)"
    )
    template.add_argument("out", metavar="OUT.csv")
    layout = template.add_mutually_exclusive_group()
    layout.add_argument("--wide", action="store_true", help="one column per indicator instead of one row per figure")
    layout.add_argument("--reviews", action="store_true", help="the reviews file of the case review register")
    layout.add_argument("--recommendations", action="store_true",
                        help="the recommendations file of the case review register")
    template.set_defaults(run=run_template)
    dictionary = commands.add_parser(
        "dictionary", parents=[common], help="write the data dictionary of the template (CSV)"
    )
    dictionary.add_argument("out", metavar="OUT.csv")
    dictionary.add_argument("--register", action="store_true",
                            help="the dictionary of the case review register: its columns and themes")
    dictionary.set_defaults(run=run_dictionary)


def _actor(store: Store, username: str | None) -> Actor:
    return actor_for(store, username) if username else system_actor(getpass.getuser())


def _existing_store(db: Path) -> Store:
    if not db.exists():
        raise CommandExit(f"{db} does not exist; create it with 'boards init' or 'boards demo'", EXIT_REJECTED)
    return Store.open(db)


def _summary_line(plan: ImportPlan) -> str:
    s = plan.summary
    line = (
        f"{plan.file_name}: {s.rows_read} rows read; {s.rows_to_add} figures to add, {s.rows_to_change} to change, "
        f"{s.rows_unchanged} unchanged; {s.rows_rejected} rows rejected"
    )
    if s.benchmarks:
        line += f"; {s.benchmarks} National and Regional benchmarks"
    if plan.release:
        line += f"; {release_words(plan.release)}"
    return line + "".join(f"; left out: {count} {reason}" for reason, count in s.skipped.items())


def run_import(args: argparse.Namespace, db: Path) -> str:
    store = _existing_store(db)
    actor = _actor(store, args.as_user)
    try:
        mapping = mapping_from_path(Path(args.mapping), load_catalogue()) if args.mapping else None
    except UnusableFile as exc:
        raise CommandExit(str(exc), EXIT_UNUSABLE) from exc
    plans: list[ImportPlan] = []
    unusable: list[tuple[str, str]] = []
    for name in args.files:
        path = Path(name)
        max_bytes = int(args.max_size * MEGABYTE)
        try:
            if not path.is_file():
                raise UnusableFile(f"{name} does not exist.")
            check_upload_size(path.name, path.stat().st_size, max_bytes)
            plans.append(
                inspect_upload(store, path.name, _read(path), actor=actor, mapping=mapping, sheet=args.sheet,
                               max_bytes=max_bytes)
            )
        except UnusableFile as exc:
            unusable.append((path.name, str(exc)))
    if args.report:
        _write_report(Path(args.report), plans, unusable)

    lines = [_summary_line(plan) for plan in plans if plan.already_loaded is None]
    with_problems = [plan for plan in plans if plan.problems]
    # A case review register is a complete list: it is never imported with rows left out.
    refused = [plan for plan in with_problems if not args.accept_valid_rows or plan.register is not None]
    older = [plan for plan in plans if plan.older_release and not args.allow_older]
    if unusable or refused or older:
        messages = [f"{name}: {message}" for name, message in unusable]
        for plan in older:
            if args.dry_run:
                messages += _changes_listed(store, plan)
            else:
                audit_refused_upload(store, plan.actor, plan.file_name, plan.older_release)
            messages.append(f"{plan.older_release} {ALLOW_OLDER}")
        shown = 0
        for plan in with_problems:
            for problem in plan.problems[: max(PROBLEMS_SHOWN - shown, 0)]:
                messages.append(f"{plan.file_name}: {problem.message}")
            shown += len(plan.problems)
        if shown > PROBLEMS_SHOWN:
            where = args.report or "a file given with --report OUT.csv"
            messages.append(f"... and {shown - PROBLEMS_SHOWN} more problems (every one is listed in {where})")
        verdict = "unusable" if unusable else "rejected by validation" if refused else "older than the release in force"
        messages.append(f"{len(unusable) or len(refused) or len(older)} file(s) {verdict}; nothing was written.")
        raise CommandExit("\n".join([*lines, *messages]), EXIT_UNUSABLE if unusable else EXIT_REJECTED)

    output = []
    for plan in plans:
        if plan.already_loaded is not None:
            previous = plan.already_loaded
            output.append(
                f"{plan.file_name}: already imported as load {previous['load_id']} on "
                f"{previous['loaded_at']:%d %b %Y %H:%M} UTC by {previous['loaded_by']}; nothing to do"
            )
            continue
        output.append(_summary_line(plan))
        output += [f"  warning: {warning}" for warning in plan.warnings]
        if args.dry_run:
            output += _changes_listed(store, plan)
            output.append("  dry run: nothing was written")
            continue
        result = commit_plan(store, plan, accept_valid_rows=args.accept_valid_rows, allow_older=args.allow_older)
        if result.already_loaded_as is not None:
            output.append(f"  already imported as load {result.already_loaded_as}; nothing to do")
            continue
        output.append(
            f"  imported as load {result.load_id}: {result.rows_added} added, {result.rows_changed} changed, "
            f"{result.rows_unchanged} unchanged, {result.rows_rejected} rows rejected"
        )
    return "\n".join(output)


def _changes_listed(store: Store, plan: ImportPlan) -> list[str]:
    """The current values the plan replaces, old to new, one a line as the Upload page lists them (at most
    CHANGES_SHOWN, then how many more)."""
    figures = planned_figures(store, plan, load_catalogue())
    changes = figures[figures["action"] == "change"]
    lines = [
        f"  change: {_area_text(row.area_name, row.partnership_name)}, {row.indicator_name}, {row.period_id}: "
        f"{row.current} to {row.new} ({row.what_changes})"
        for row in changes.head(CHANGES_SHOWN).itertuples()
    ]
    if len(changes) > CHANGES_SHOWN:
        lines.append(f"  ... and {len(changes) - CHANGES_SHOWN} more changes")
    return lines


def _area_text(area_name: str, partnership_name: str) -> str:
    """The LA, with its partnership when that is named otherwise (a partnership of several LAs)."""
    return area_name if area_name == partnership_name else f"{area_name} ({partnership_name})"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnusableFile(f"{path.name} cannot be read: {exc.strerror}.") from exc


def _write_report(path: Path, plans: list[ImportPlan], unusable: list[tuple[str, str]]) -> None:
    """Every problem of every file, one row each: file, line, column, value, reason, message; written before
    anything is imported."""
    frames = [plan.problem_report.assign(file=plan.file_name) for plan in plans]
    frames += [pd.DataFrame({"file": [name], "reason": [message], "message": [message]}) for name, message in unusable]
    columns = ["file", "line", "column", "value", "reason", "message"]
    report = pd.concat([f for f in frames if not f.empty] or [pd.DataFrame(columns=columns)], ignore_index=True)
    try:
        path.write_bytes(to_csv_bytes(report.reindex(columns=columns)))
    except OSError as exc:
        raise CommandExit(f"the report {path} cannot be written ({exc.strerror}); nothing was imported.",
                          EXIT_ERROR) from exc


def run_loads(args: argparse.Namespace, db: Path) -> str:
    loads = _existing_store(db).loads()
    # A load without a release (a quarterly return, or made before releases were recorded): null, not NaN.
    release = loads["release"].astype(object).where(loads["release"].notna(), None)
    if args.json:
        return json.dumps(loads.assign(release=release).to_dict("records"), indent=2, default=str)
    if loads.empty:
        return "no loads"
    return loads.assign(release=release.fillna(""))[LOADS_COLUMNS].to_string(index=False)


def run_rollback(args: argparse.Namespace, db: Path) -> str:
    store = _existing_store(db)
    record = store.load_record(args.load_id)
    result = rollback(store, args.load_id, actor=_actor(store, args.as_user))
    return (
        f"Rolled back load {result.load_id} ({record['file_name']}): restored {result.rows_restored} values it "
        f"had replaced and removed {result.rows_removed} it had added"
        + (f"; restored {result.benchmarks_restored} published benchmarks it had replaced and removed "
           f"{result.benchmarks_removed} it had added." if result.benchmarks_restored or result.benchmarks_removed
           else ".")
    )


def run_template(args: argparse.Namespace, db: Path) -> str:
    for part in ("reviews", "recommendations"):
        if getattr(args, part):
            Path(args.out).write_bytes(register_template(part))
            return f"Wrote the {part} file of the case review register to {args.out}"
    indicators = load_catalogue()
    Path(args.out).write_bytes(wide_template(indicators) if args.wide else long_template())
    return f"Wrote the {'wide' if args.wide else 'long'} quarterly template to {args.out}"


def run_dictionary(args: argparse.Namespace, db: Path) -> str:
    if args.register:
        Path(args.out).write_bytes(register_dictionary())
        return f"Wrote the data dictionary of the case review register to {args.out}"
    Path(args.out).write_bytes(data_dictionary(load_catalogue()))
    return f"Wrote the data dictionary to {args.out}"
