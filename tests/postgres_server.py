"""A PostgreSQL server that a test run starts for itself: a fresh cluster in a temporary folder, reached
only through a unix socket in that folder (no TCP port, so parallel test workers never collide), stopped and
removed when the test is done.

The binaries come from the Debian/Ubuntu ``postgresql`` package (``/usr/lib/postgresql/<major>/bin``, which
``dev.py test`` installs with apt when missing) or from ``$PATH``. PostgreSQL refuses to run as root, so a
test run as root runs the cluster as the ``postgres`` user that the package creates.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SUPERUSER = "boards"
# A store test run once on a database file and once on a shared PostgreSQL database (the ``store_location``
# fixture of tests/conftest.py).
on_both_back_ends = pytest.mark.parametrize("store_location", ["file", "postgres"], indirect=True)
DATABASE = "boards"

# A test cluster holds only what the test writes, so it trades crash safety for speed: nothing is synced.
_TEST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries were found, or the server would not start."""


def postgres_bin_dir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``: the newest ``/usr/lib/postgresql/*/bin``,
    else wherever ``pg_ctl`` is on ``$PATH``."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    for folder in reversed(installed):
        if (folder / "pg_ctl").is_file():
            return folder
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


def _cluster_owner() -> pwd.struct_passwd | None:
    """The user to run the cluster as: ``postgres`` when this process is root, else this process's own."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PostgresUnavailable("running as root, and there is no 'postgres' user to run PostgreSQL as") from exc


def _run(command: list[str], owner: pwd.struct_passwd | None) -> None:
    """Run a PostgreSQL tool as the cluster's owner; a failure raises with the tool's own output."""
    kwargs = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []} if owner else {}
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise PostgresUnavailable(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr or result.stdout}")


def create_database(server_dsn: str, name: str, *, template: str | None = None) -> str:
    """Create database ``name`` on the server of ``server_dsn`` (as a copy of ``template`` if given, which must
    have no connection open); returns its DSN."""
    copy = f" TEMPLATE {template}" if template else ""
    result = subprocess.run(
        [str(postgres_bin_dir() / "psql"), server_dsn, "-At", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}{copy}"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise PostgresUnavailable(f"CREATE DATABASE {name} failed: {result.stderr}")
    return re.sub(r"dbname=\S+", f"dbname={name}", server_dsn)


def dsn(socket_dir: Path, database: str = DATABASE) -> str:
    """A libpq connection string for the cluster listening in ``socket_dir``."""
    return f"host={socket_dir} dbname={database} user={SUPERUSER}"


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a new, empty PostgreSQL cluster; yield the libpq DSN of its ``boards`` database; stop it and
    delete its folder afterwards, whatever the test did."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no PostgreSQL binaries found: `python3 dev.py test` installs them (Debian/Ubuntu: "
            "`sudo apt-get install postgresql`)"
        )
    owner = _cluster_owner()
    # Not pytest's tmp_path: its parents are private to root, and the cluster may run as another user. A short
    # path also keeps the socket's name within the 107 characters a unix socket address allows.
    folder = Path(tempfile.mkdtemp(prefix="boards-pg-"))
    data = folder / "data"
    log = folder / "server.log"
    try:
        if owner:
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        _run(
            [str(bin_dir / "initdb"), "--pgdata", str(data), "--username", SUPERUSER, "--auth", "trust",
             "--encoding", "UTF8", "--locale", "C", "--no-sync"],
            owner,
        )
        server_options = " ".join(
            ["-c listen_addresses=''", f"-c unix_socket_directories={folder}", *(f"-c {s}" for s in _TEST_SETTINGS)]
        )
        try:
            _run([str(bin_dir / "pg_ctl"), "start", "--wait", "--pgdata", str(data), "--log", str(log),
                  "--options", server_options], owner)
        except PostgresUnavailable as exc:
            raise PostgresUnavailable(f"{exc}\n{log.read_text(errors='replace') if log.exists() else ''}") from exc
        try:
            _run([str(bin_dir / "createdb"), "--host", str(folder), "--username", SUPERUSER, DATABASE], owner)
            yield dsn(folder)
        finally:
            _run([str(bin_dir / "pg_ctl"), "stop", "--wait", "--mode", "fast", "--pgdata", str(data)], owner)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

