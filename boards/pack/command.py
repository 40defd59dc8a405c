"""``boards pack``: registered with the command line without importing the engine or the PDF library."""

from __future__ import annotations

import argparse
from pathlib import Path

from boards.pack import PackError


def add_pack_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``boards pack (--partnership ID | --region CODE | --all) [--period P] [--out FILE.pdf] [--db PATH]``."""
    pack = commands.add_parser(
        "pack", parents=[common],
        help="write a board pack (A4 PDF): one partnership's, a region's or England's (latest quarter by default)",
    )
    which = pack.add_mutually_exclusive_group(required=True)
    which.add_argument("--partnership", metavar="ID", help="a partnership id from data/partnerships.csv")
    which.add_argument("--region", metavar="CODE", help="a region code, e.g. E12000004 (East Midlands)")
    which.add_argument("--all", action="store_true", help="every partnership in England")
    pack.add_argument("--period", metavar="P", help="period id, e.g. '2026-27 Q2' (default: the latest quarter)")
    pack.add_argument("--out", metavar="FILE.pdf", help="where to write it (default: board_pack_<which>_<period>.pdf)")
    pack.set_defaults(run=_pack)


def _pack(args: argparse.Namespace, db: Path) -> str:
    from boards.pack.images import ChartExportUnavailable
    from boards.pack.partnership import comparisons_for
    from boards.store import Store

    if not db.exists():
        raise PackError(f"{db} does not exist; create it with 'boards init' or 'boards demo'")
    store = Store.open(db)
    try:
        comparisons = comparisons_for(store, args.period)
        period_id = comparisons.current.period_id
        if args.partnership:
            from boards.pack.partnership import partnership_pack

            which = args.partnership
            pdf = partnership_pack(store, args.partnership, comparisons=comparisons)
        else:
            from boards.pack.national import national_pack

            which = args.region or "england"
            pdf = national_pack(store, comparisons.current, comparisons.previous, region_code=args.region)
    except (ChartExportUnavailable, LookupError) as exc:
        raise PackError(str(exc).strip("'\"")) from exc
    out = Path(args.out or f"board_pack_{which}_{period_id}.pdf".replace(" ", "_"))
    out.write_bytes(pdf)
    return f"Wrote the board pack ({len(pdf):,} bytes) to {out}"
