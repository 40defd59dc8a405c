"""The ``boards`` command: set up, fill and describe the database, and manage users.

Each subcommand is a function ``(args, db) -> str`` registered with ``set_defaults(run=...)``.
Errors are one line on stderr and a non-zero exit, never a traceback. The command line acts as
the machine's operator (``system:<os user>`` in the audit trail): whoever can run it can open
the database file directly anyway.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

import pandas as pd

from boards.access import PermissionDenied, system_actor
from boards.accounts import (
    SETTING_HELP,
    AccountError,
    add_user,
    change_setting,
    ensure_first_admin,
    generate_password,
    reset_password,
    set_active,
    set_partnerships,
    set_role,
    settings,
)
from boards.catalogue import CatalogueError, load_catalogue
from boards.compare.command import add_backtest_command, add_flags_command
from boards.compare.errors import ComparisonError
from boards.demo import build_demo, prepare_reference
from boards.exports import to_csv_bytes
from boards.imports.commands import CommandExit, add_commands
from boards.maintenance import backup_database, check_database, restore_database
from boards.pack import PackError
from boards.pack.command import add_pack_command
from boards.partnerships import (
    PartnershipError,
    assign_areas,
    create_partnership,
    dissolve_partnership,
    edited_history,
    footprint_table,
    rename_partnership,
)
from boards.reference import ReferenceDataError, load_reference
from boards.store import DatabaseInUseError, SharedStoreUnavailableError, Store, StoreError, resolve_location

ADMIN_PASSWORD_VARIABLE = "BOARDS_ADMIN_PASSWORD"
EXIT_IN_USE = 3  # the database is held by another program, most often the running dashboard
EXIT_UNREACHABLE = 4  # the shared database cannot be reached, or stayed busy


class CommandError(Exception):
    """A problem the user can fix; printed as one line."""


def _operator():
    return system_actor(getpass.getuser())


def _existing_store(db: Path) -> Store:
    if not db.exists():
        raise CommandError(f"{db} does not exist; create it with 'boards init' or 'boards demo'")
    return Store.open(db)


def _password_from(variable: str | None) -> tuple[str, bool]:
    """(password, generated): read from the named environment variable, else generated."""
    if variable:
        value = os.environ.get(variable)
        if not value:
            raise CommandError(f"the environment variable {variable} is empty or not set")
        return value, False
    return generate_password(), True


# -- database --------------------------------------------------------------------------------


def _init(args: argparse.Namespace, db: Path) -> str:
    store = Store.open(db)
    prepare_reference(store, load_reference(), load_catalogue())
    generated = ensure_first_admin(store, getpass.getuser(), os.environ.get(ADMIN_PASSWORD_VARIABLE) or None)
    summary = store.summary()
    lines = [
        f"{db}: schema version {summary['schema_version']}, {summary['areas']} areas, "
        f"{summary['indicators']} indicators, {summary['observations']} observations"
    ]
    if generated:
        lines.append(f"Created user 'admin' with password: {generated}  (shown once; change it after signing in)")
    return "\n".join(lines)


def _demo(args: argparse.Namespace, db: Path) -> str:
    store = Store.open(db)
    held = store.summary()["observations"]
    if held and not args.replace:
        raise CommandError(f"{db} already holds {held} observations; use --replace to rebuild it from scratch")
    # A shared store that holds nothing yet is built in place (from scratch would mean a new database file).
    store.rebuild(build_demo, from_scratch=bool(held) or not store.shared)
    summary = store.summary()
    by_source = ", ".join(f"{n} {s}" for s, n in summary["observations_by_source"].items())
    return f"{db}: demo database built with {summary['observations']} observations ({by_source})"


def _info(args: argparse.Namespace, db: Path) -> str:
    summary = _existing_store(db).summary()
    if args.json:
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


def _check(args: argparse.Namespace, db: Path) -> str:
    report = check_database(_existing_store(db))
    counts = ", ".join(f"{count} {table}" for table, count in report.counts.items())
    lines = [f"{db}: schema version {report.schema_version}; {counts}"]
    if report.ok:
        return "\n".join([*lines, "whole: every figure belongs to its load, the audit trail is unbroken"])
    raise CommandExit("\n".join([*lines, f"{len(report.problems)} problems:", *report.problems]), 1)


def _backup(args: argparse.Namespace, db: Path) -> str:
    destination = Path(args.destination)  # Path drops a trailing slash, which names a folder
    if args.destination.endswith(("/", os.sep)):
        destination.mkdir(parents=True, exist_ok=True)
    written = backup_database(_existing_store(db), destination)
    return f"{db}: backed up to {written} ({written.stat().st_size:,} bytes)"


def _restore(args: argparse.Namespace, db: Path) -> str:
    report, kept = restore_database(Path(args.backup), db)
    lines = [f"{db}: restored from {args.backup} (schema version {report.schema_version}, "
             f"{report.counts['observations']} observations, {report.counts['loads']} loads)"]
    if kept:
        lines.append(f"the database it replaced is kept as {kept}")
    return "\n".join(lines)


# -- users, settings, audit ------------------------------------------------------------------


def _split_ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _users_add(args: argparse.Namespace, db: Path) -> str:
    store = _existing_store(db)
    password, generated = (None, False) if args.sso else _password_from(args.password_env)
    add_user(store, _operator(), username=args.username, display_name=args.name or args.username,
             role=args.role, password=password, partnership_ids=_split_ids(args.areas), email=args.email)
    message = f"Added {args.role} {args.username!r}"
    if generated:
        message += f" with password: {password}  (shown once)"
    return message


def _users_list(args: argparse.Namespace, db: Path) -> str:
    users = _existing_store(db).users()
    if args.json:
        return users.to_json(orient="records", date_format="iso", indent=2)
    if users.empty:
        return "no users"
    return users[["username", "display_name", "role", "active", "partnerships"]].fillna("").to_string(index=False)


def _users_disable(args: argparse.Namespace, db: Path) -> str:
    set_active(_existing_store(db), _operator(), args.username, False)
    return f"Disabled {args.username!r}"


def _users_enable(args: argparse.Namespace, db: Path) -> str:
    set_active(_existing_store(db), _operator(), args.username, True)
    return f"Enabled {args.username!r} (and cleared any lock)"


def _users_set_role(args: argparse.Namespace, db: Path) -> str:
    set_role(_existing_store(db), _operator(), args.username, args.role)
    return f"{args.username!r} is now {args.role}"


def _users_set_areas(args: argparse.Namespace, db: Path) -> str:
    ids = _split_ids(args.partnerships)
    set_partnerships(_existing_store(db), _operator(), args.username, ids)
    return f"{args.username!r} uploads for: {', '.join(ids) or 'no partnership'}"


def _users_reset_password(args: argparse.Namespace, db: Path) -> str:
    password, generated = _password_from(args.password_env)
    reset_password(_existing_store(db), _operator(), args.username, password)
    if generated:
        return f"New password for {args.username!r}: {password}  (shown once)"
    return f"Password of {args.username!r} changed"


# -- partnerships ----------------------------------------------------------------------------


def _partnerships_list(args: argparse.Namespace, db: Path) -> str:
    table = footprint_table(_existing_store(db))
    if args.several:
        table = table[table["member_count"] > 1]
    if table.empty:
        return "no partnership covers more than one LA"
    shown = table.rename(columns={"partnership_id": "id", "member_count": "LAs"})
    return shown.to_string(index=False)


def _history_lines(history) -> list[str]:
    def when(value) -> str:
        return "as shipped" if pd.isna(value) else f"{value:%d %b %Y %H:%M} UTC"

    return [
        f"  {row.area_name} ({row.area_code}) in {row.name} ({row.partnership_id}): from {when(row.valid_from)}"
        f"{' by ' + row.opened_by if isinstance(row.opened_by, str) else ''}, "
        + ("in force" if row.valid_to != row.valid_to or row.valid_to is None
           else f"to {when(row.valid_to)} by {row.closed_by}")
        for row in history.itertuples()
    ]


def _partnerships_show(args: argparse.Namespace, db: Path) -> str:
    store = _existing_store(db)
    history = store.partnership_history()
    mine = history[history["partnership_id"] == args.partnership_id]
    if mine.empty:
        raise CommandError(f"there is no partnership {args.partnership_id!r}, nor was there one")
    members = store.partnership_members()
    current = members[members["partnership_id"] == args.partnership_id]
    if current.empty:
        lines = [f"{args.partnership_id}: ended; it covers no LA now"]
    else:
        lines = [f"{current['name'].iloc[0]} ({args.partnership_id}) covers "
                 + ", ".join(f"{r.area_name} ({r.area_code})" for r in current.itertuples())]
    return "\n".join([*lines, "history (newest change first):", *_history_lines(mine)])


def _partnerships_history(args: argparse.Namespace, db: Path) -> str:
    history = edited_history(_existing_store(db))
    if history.empty:
        return "no partnership has been edited: each LA is its own partnership, as data/partnerships.csv ships it"
    return "\n".join(["what belonged to what, newest change first:", *_history_lines(history)])


def _partnerships_create(args: argparse.Namespace, db: Path) -> str:
    return create_partnership(_existing_store(db), _operator(), args.partnership_id, args.name, args.areas).summary


def _partnerships_assign(args: argparse.Namespace, db: Path) -> str:
    return assign_areas(_existing_store(db), _operator(), args.partnership_id, args.areas).summary


def _partnerships_rename(args: argparse.Namespace, db: Path) -> str:
    return rename_partnership(_existing_store(db), _operator(), args.partnership_id, args.name).summary


def _partnerships_dissolve(args: argparse.Namespace, db: Path) -> str:
    return dissolve_partnership(_existing_store(db), _operator(), args.partnership_id).summary


def _add_partnerships_command(commands, common: argparse.ArgumentParser) -> None:
    partnerships = commands.add_parser(
        "partnerships", help="list, show and change which LAs each safeguarding partnership covers",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=PARTNERSHIPS_HELP,
    ).add_subparsers(dest="partnerships_command", required=True, metavar="ACTION")
    listing = partnerships.add_parser("list", parents=[common], help="every partnership in force and its LAs")
    listing.add_argument("--several", action="store_true", help="only partnerships of more than one LA")
    listing.set_defaults(run=_partnerships_list)
    show = partnerships.add_parser("show", parents=[common], help="one partnership's LAs and its history")
    show.add_argument("partnership_id")
    show.set_defaults(run=_partnerships_show)
    history = partnerships.add_parser("history", parents=[common],
                                      help="every change made to partnerships: which LA was in which, from when to when")
    history.set_defaults(run=_partnerships_history)
    create = partnerships.add_parser(
        "create", parents=[common], help="a new partnership of the LAs named, each moved from where it was")
    create.add_argument("partnership_id", help="a new id, one word: letters, digits, - and _ (e.g. P-CAMBS-PBORO)")
    create.add_argument("name", help="its name, quoted if it has spaces")
    create.add_argument("areas", nargs="+", metavar="LA", help="ONS codes (E06000031) or names (Peterborough)")
    create.set_defaults(run=_partnerships_create)
    assign = partnerships.add_parser(
        "assign", parents=[common], help="move LAs into an existing partnership (from wherever they are)")
    assign.add_argument("partnership_id")
    assign.add_argument("areas", nargs="+", metavar="LA", help="ONS codes (E06000031) or names (Peterborough)")
    assign.set_defaults(run=_partnerships_assign)
    rename = partnerships.add_parser("rename", parents=[common], help="give a partnership a new name")
    rename.add_argument("partnership_id")
    rename.add_argument("name", help="the new name, quoted if it has spaces")
    rename.set_defaults(run=_partnerships_rename)
    dissolve = partnerships.add_parser(
        "dissolve", parents=[common], help="end a partnership: each of its LAs becomes a partnership of its own")
    dissolve.add_argument("partnership_id")
    dissolve.set_defaults(run=_partnerships_dissolve)


PARTNERSHIPS_HELP = """\
Each LA is in exactly one safeguarding partnership. As shipped, every LA is a partnership of its own
(id = its ONS code); no public list of multi-LA footprints could be cited (data/reference/PROVENANCE.md).
Changes are audited ('boards audit') and kept as history ('boards partnerships history'); 'boards init'
keeps them. Comparisons use the LAs a partnership covers now, for every period.

examples:
  boards partnerships list --several
  boards partnerships create P-BERKS-W "Berkshire West" "West Berkshire" Reading Wokingham
  boards partnerships assign E10000003 Peterborough        # merge Peterborough into Cambridgeshire's...
  boards partnerships rename E10000003 "Cambridgeshire and Peterborough"   # ...and name it for both
  boards partnerships show E10000003
  boards partnerships dissolve P-BERKS-W                  # each LA back on its own

A change that would end a partnership an uploader uploads for is refused, naming them: first give them
what they should upload for now with 'boards users set-areas USERNAME PARTNERSHIP_ID'.
"""


def _settings(args: argparse.Namespace, db: Path) -> str:
    store = _existing_store(db)
    if args.key is not None:
        if args.value is None:
            raise CommandError("give a value: boards settings KEY VALUE")
        change_setting(store, _operator(), args.key, args.value)
    return "\n".join(f"{key:<24}{str(value).lower():<8}{SETTING_HELP[key]}" for key, value in settings(store).items())


def _audit(args: argparse.Namespace, db: Path) -> str:
    log = _existing_store(db).audit_log()
    if args.csv:
        Path(args.csv).write_bytes(to_csv_bytes(log))
        return f"Wrote {len(log)} audit rows to {args.csv}"
    return log.tail(args.last).fillna("").to_string(index=False) if len(log) else "no audit rows"


# -- parser ----------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="PATH",
        help="database file, or postgres:DSN for a shared store (default: $BOARDS_DB, else data/boards.duckdb)",
    )
    parser = argparse.ArgumentParser(
        prog="boards", description="Safeguarding board effectiveness dashboard: database commands."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser(
        "init", parents=[common],
        help=f"create or migrate the database, load the reference data, and create the first admin "
             f"(password from ${ADMIN_PASSWORD_VARIABLE}, else generated and printed once)",
    )
    init.set_defaults(run=_init)
    demo = commands.add_parser(
        "demo", parents=[common], help="build the demo database (published figures + invented local returns)"
    )
    demo.add_argument("--replace", action="store_true", help="rebuild a database that already holds data")
    demo.set_defaults(run=_demo)
    info = commands.add_parser("info", parents=[common], help="what the database holds and how fresh it is")
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(run=_info)
    check = commands.add_parser(
        "check", parents=[common],
        help="verify the database: schema, every figure against its load, the audit trail unbroken (exit 1 if not)",
    )
    check.set_defaults(run=_check)
    backup = commands.add_parser(
        "backup", parents=[common], help="copy the database, consistent as at one moment, to a file or folder"
    )
    backup.add_argument("destination", help="a new file, or a folder for a dated file (ending in / to create the folder)")
    backup.set_defaults(run=_backup)
    restore = commands.add_parser(
        "restore", parents=[common],
        help="check a backup and put it in place of the database (which is kept beside it); stop the dashboard first",
    )
    restore.add_argument("backup", help="a file written by 'boards backup'")
    restore.set_defaults(run=_restore)

    users = commands.add_parser("users", help="manage user accounts").add_subparsers(
        dest="users_command", required=True, metavar="ACTION"
    )
    add = users.add_parser("add", parents=[common], help="add a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["viewer", "uploader", "analyst", "admin"])
    add.add_argument("--name", help="display name")
    add.add_argument("--areas", default="", help="partnership ids the user uploads for, comma-separated")
    add.add_argument("--email", help="email matched on single sign-on")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--password-env", metavar="VAR", help="read the password from this environment variable")
    secret.add_argument("--sso", action="store_true", help="no password: signs in only through single sign-on")
    add.set_defaults(run=_users_add)
    listing = users.add_parser("list", parents=[common], help="list users")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=_users_list)
    for name, handler, text in (("disable", _users_disable, "disable a user"),
                                ("enable", _users_enable, "enable a user and clear a lock")):
        action = users.add_parser(name, parents=[common], help=text)
        action.add_argument("username")
        action.set_defaults(run=handler)
    role = users.add_parser("set-role", parents=[common], help="change a user's role")
    role.add_argument("username")
    role.add_argument("role", choices=["viewer", "uploader", "analyst", "admin"])
    role.set_defaults(run=_users_set_role)
    areas = users.add_parser("set-areas", parents=[common], help="set the partnerships a user uploads for")
    areas.add_argument("username")
    areas.add_argument("partnerships", help="partnership ids, comma-separated ('' for none)")
    areas.set_defaults(run=_users_set_areas)
    reset = users.add_parser("reset-password", parents=[common], help="set a new password (generated unless given)")
    reset.add_argument("username")
    reset.add_argument("--password-env", metavar="VAR", help="read the password from this environment variable")
    reset.set_defaults(run=_users_reset_password)

    _add_partnerships_command(commands, common)
    setting = commands.add_parser("settings", parents=[common], help="show settings, or change one: KEY VALUE")
    setting.add_argument("key", nargs="?")
    setting.add_argument("value", nargs="?")
    setting.set_defaults(run=_settings)
    audit = commands.add_parser("audit", parents=[common], help="show the audit trail, or export it")
    audit.add_argument("--csv", metavar="OUT", help="write the whole trail to a CSV file")
    audit.add_argument("--last", type=int, default=50, help="rows to show (default 50)")
    audit.set_defaults(run=_audit)
    add_commands(commands, common)
    add_flags_command(commands, common)
    add_backtest_command(commands)
    add_pack_command(commands, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        output = args.run(args, resolve_location(args.db))
    except DatabaseInUseError as exc:
        print(f"boards {args.command}: {exc}", file=sys.stderr)
        return EXIT_IN_USE
    except SharedStoreUnavailableError as exc:
        print(f"boards {args.command}: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except (CommandError, StoreError, ReferenceDataError, CatalogueError, AccountError, PermissionDenied,
            ComparisonError, PackError, PartnershipError) as exc:
        print(f"boards {args.command}: {exc}", file=sys.stderr)
        return 1
    except CommandExit as exc:
        print(f"boards {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a file that cannot be written or read: a full disk, a missing folder, no permission
        where = f": {exc.filename}" if exc.filename else ""
        print(f"boards {args.command}: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    print(output)
    return 0
