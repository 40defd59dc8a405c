"""``boards flags``: registered with the command line without importing the engine, so other
commands do not pay for loading it."""

from __future__ import annotations

import argparse
from pathlib import Path

from boards.compare.errors import ComparisonError

FORMATS = ("table", "csv", "json")


def add_flags_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``boards flags [--period P] [--format table|csv|json] [--db PATH]``."""
    flags = commands.add_parser(
        "flags", parents=[common],
        help="partnerships ranked by concern score, with their flags explained (latest quarter by default)",
    )
    flags.add_argument("--period", metavar="P", help="period id, e.g. '2026-27 Q2' (default: the latest quarter)")
    flags.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    flags.set_defaults(run=_flags)


def _flags(args: argparse.Namespace, db: Path) -> str:
    from boards.compare.engine import compare
    from boards.compare.report import flags_report
    from boards.store import Store

    if not db.exists():
        raise ComparisonError(f"{db} does not exist; create it with 'boards init' or 'boards demo'")
    return flags_report(compare(Store.open(db), args.period), args.format)
