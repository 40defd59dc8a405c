"""The ``boards`` command: set up, fill and describe the database.

Errors are one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from boards.catalogue import CatalogueError, load_catalogue
from boards.demo import build_demo, prepare_reference
from boards.reference import ReferenceDataError, load_reference
from boards.store import Store, StoreError, resolve_db_path


class CommandError(Exception):
    """A problem the user can fix; printed as one line."""


def _parser() -> argparse.ArgumentParser:
    db_help = "database file (default: $BOARDS_DB, else data/boards.duckdb)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help=db_help)
    parser = argparse.ArgumentParser(
        prog="boards", description="Safeguarding board effectiveness dashboard: database commands."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "init", parents=[common], help="create or migrate the database and load the reference data"
    )
    demo = commands.add_parser(
        "demo", parents=[common], help="build the demo database (published figures + invented local returns)"
    )
    demo.add_argument("--replace", action="store_true", help="rebuild a database that already holds data")
    info = commands.add_parser("info", parents=[common], help="what the database holds and how fresh it is")
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _init(db: Path) -> str:
    store = Store.open(db)
    prepare_reference(store, load_reference(), load_catalogue())
    summary = store.summary()
    return (
        f"{db}: schema version {summary['schema_version']}, {summary['areas']} areas, "
        f"{summary['indicators']} indicators, {summary['observations']} observations"
    )


def _demo(db: Path, replace: bool) -> str:
    if db.exists():
        existing = Store.open(db)
        held = existing.summary()["observations"]
        if held and not replace:
            raise CommandError(
                f"{db} already holds {held} observations; use --replace to rebuild it from scratch"
            )
        existing.close()
    # Build beside the target and swap it in whole, so an interrupted build leaves no half file.
    db.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{db.name}.", suffix=".building", dir=db.parent)
    os.close(handle)
    os.unlink(temporary)
    try:
        store = Store.open(temporary)
        build_demo(store)
        summary = store.summary()
        store.close()
        os.replace(temporary, db)
    finally:
        for leftover in (temporary, temporary + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    by_source = ", ".join(f"{n} {s}" for s, n in summary["observations_by_source"].items())
    return f"{db}: demo database built with {summary['observations']} observations ({by_source})"


def _info(db: Path, as_json: bool) -> str:
    if not db.exists():
        raise CommandError(f"{db} does not exist; create it with 'boards init' or 'boards demo'")
    summary = Store.open(db).summary()
    if as_json:
        return json.dumps({"database": str(db), **summary}, indent=2, default=str)
    lines = [
        f"database        {db}",
        f"schema version  {summary['schema_version']}",
        f"areas           {summary['areas']} ({summary['partnerships']} partnerships)",
        f"indicators      {summary['indicators']}",
        f"periods         {summary['periods']}",
        f"observations    {summary['observations']}",
    ]
    lines += [f"  {source:<14}{count}" for source, count in summary["observations_by_source"].items()]
    lines += [f"latest {kind:<9}{period}" for kind, period in summary["latest_period_label"].items()]
    last = summary["last_load_at"]
    lines.append(f"last load       {last:%d %b %Y %H:%M} UTC" if last else "last load       never")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db = resolve_db_path(args.db)
    try:
        if args.command == "init":
            output = _init(db)
        elif args.command == "demo":
            output = _demo(db, args.replace)
        else:
            output = _info(db, args.json)
    except (CommandError, StoreError, ReferenceDataError, CatalogueError) as exc:
        print(f"boards {args.command}: {exc}", file=sys.stderr)
        return 1
    print(output)
    return 0
