"""``boards flags``: registered with the command line without importing the engine, so other
commands do not pay for loading it."""

from __future__ import annotations

import argparse
from pathlib import Path

from boards.compare.errors import ComparisonError
from boards.compare.formats import FORMATS


def add_flags_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``boards flags [--period P] [--format table|csv|json] [--db PATH]``."""
    flags = commands.add_parser(
        "flags", parents=[common],
        help="partnerships ranked by concern score, with their flags explained (latest quarter by default)",
    )
    flags.add_argument("--period", metavar="P", help="period id, e.g. '2026-27 Q2' (default: the latest quarter)")
    flags.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    flags.add_argument(
        "--sources", choices=("all", "published"), default="all",
        help="all figures, or published DfE and Ofsted figures only, without local returns (default: all)",
    )
    flags.set_defaults(run=_flags)


def _flags(args: argparse.Namespace, db: Path) -> str:
    from boards.compare.engine import compare
    from boards.compare.report import flags_report
    from boards.store import Store

    if not db.exists():
        raise ComparisonError(f"{db} does not exist; create it with 'boards init' or 'boards demo'")
    return flags_report(compare(Store.open(db), args.period, published_only=args.sources == "published"), args.format)


def add_backtest_command(commands: argparse._SubParsersAction) -> None:
    """Register ``boards backtest [--format table|json] [--replicates N]`` (it needs no database)."""
    backtest = commands.add_parser(
        "backtest",
        help="how well the concern score, on published figures only, found the areas Ofsted later judged weak",
    )
    backtest.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    backtest.add_argument(
        "--replicates", type=int, default=2000, metavar="N", help="bootstrap replicates for the intervals (default: 2000)"
    )
    backtest.set_defaults(run=_backtest, db=None)


def _backtest(args: argparse.Namespace, db: Path) -> str:
    from boards.compare.backtest import backtest_report, run_backtest

    if args.replicates < 100:
        raise ComparisonError("--replicates must be at least 100 for a 95% interval")
    return backtest_report(run_backtest(replicates=args.replicates), args.format)
