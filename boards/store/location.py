"""Where the store lives: a DuckDB file (the default: one program at a time, for one team on one machine) or
a shared PostgreSQL database that several dashboard servers and ``boards`` commands use at once.

``BOARDS_DB`` / ``--db`` choose it: ``postgres:<libpq connection string>`` (``postgres:host=db.internal
dbname=boards user=boards``, ``postgres:service=boards``) or a ``postgresql://`` URI is the shared store;
anything else is a file path. Passwords are best given by libpq's own means (``~/.pgpass``, ``PGPASSWORD``,
a service file); one written in the string is used but never shown: a location is displayed, logged and
keyed by :attr:`SharedLocation.display`, which leaves it out.

DuckDB reaches PostgreSQL through its postgres extension, installed from the ``duckdb-extension-postgres``
wheel into a per-user folder (never downloaded: automatic installs are off). The store's tables live in the
PostgreSQL schema ``main``, DuckDB's default schema, so every cursor finds them unqualified.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import duckdb

DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "boards.duckdb"
SHARED_PREFIX = "postgres:"
_URI_SCHEMES = ("postgresql://", "postgres://")
# libpq's key=value form: a value is a word, or single-quoted with backslash escapes.
_CONNINFO_PAIR = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")


@dataclass(frozen=True)
class SharedLocation:
    """A shared store: a PostgreSQL database given by a libpq connection string or URI."""

    dsn: str

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        """The location without any password: for messages, logs and cache keys."""
        if self.dsn.startswith(_URI_SCHEMES):
            parts = urlsplit(self.dsn)
            netloc = parts.netloc
            if "@" in netloc:
                credentials, _, hosts = netloc.rpartition("@")
                netloc = f"{credentials.partition(':')[0]}@{hosts}"
            query = "&".join(
                f"{key}={value}" for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "password"
            )
            return parts._replace(netloc=netloc, query=query).geturl()
        kept = [match[0] for match in _CONNINFO_PAIR.finditer(self.dsn) if match[1] != "password"]
        return SHARED_PREFIX + " ".join(kept)

    def exists(self) -> bool:
        """Always: PostgreSQL's administrator makes the database, and the store makes its tables on first open
        (where a file path would answer whether the file is there)."""
        return True

    def setting(self, key: str) -> str | None:
        """One connection setting as written (host, dbname...), or None when libpq's default applies."""
        if self.dsn.startswith(_URI_SCHEMES):
            parts = urlsplit(self.dsn)
            query = dict(parse_qsl(parts.query))
            if key in query:
                return query[key]
            if key == "host":
                return parts.hostname
            if key == "dbname":
                return unquote(parts.path.lstrip("/")) or None
            return None
        for match in _CONNINFO_PAIR.finditer(self.dsn):
            if match[1] == key:
                value = match[2]
                return re.sub(r"\\(.)", r"\1", value[1:-1]) if value.startswith("'") else value
        return None

    @property
    def names(self) -> str:
        """'database boards on host db.internal': what an error message names."""
        database = self.setting("dbname") or self.setting("service") or "(the default database)"
        host = self.setting("host") or os.environ.get("PGHOST") or "the local server"
        return f"database {database} on {host}"


Location = Path | SharedLocation


def parse_location(value: str | os.PathLike[str] | Location) -> Location:
    """A ``--db`` / ``BOARDS_DB`` value as a location: a shared store for ``postgres:...`` or a
    ``postgresql://`` URI, else a file path (made absolute)."""
    if isinstance(value, SharedLocation):
        return value
    text = os.fspath(value)
    if text.startswith(_URI_SCHEMES):
        return SharedLocation(text)
    if text.startswith(SHARED_PREFIX):
        return SharedLocation(text.removeprefix(SHARED_PREFIX).strip())
    return Path(text).expanduser().resolve()


def resolve_location(cli_value: str | os.PathLike[str] | Location | None = None) -> Location:
    """The store's location: ``--db`` if given, else ``$BOARDS_DB``, else ``data/boards.duckdb``."""
    return parse_location(cli_value or os.environ.get("BOARDS_DB") or DEFAULT_DB_PATH)


def _extension_directory() -> Path:
    """A per-user folder for DuckDB extensions (the user's cache folder, else one in the temporary folder)."""
    cache = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    folder = Path(cache) / "boards" / "duckdb-extensions"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a service account without a writable home
        folder = Path(tempfile.gettempdir()) / f"boards-duckdb-extensions-{os.getuid()}"
        folder.mkdir(parents=True, exist_ok=True)
    return folder


@functools.cache
def shared_config() -> dict[str, object]:
    """DuckDB's settings for a shared store, the postgres extension installed from its wheel first (once per
    process): autoload on so that ``postgres:`` finds it, autoinstall off so that nothing is downloaded."""
    config: dict[str, object] = {
        "extension_directory": str(_extension_directory()),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    # LOADing the wheel's file directly fails (it lacks the entry point name DuckDB looks for); INSTALLing it
    # from the file copies it under the name DuckDB then loads.
    wheel_file = (
        resources.files("duckdb_extension_postgres") / "extensions" / f"v{duckdb.__version__}" / "postgres.duckdb_extension"
    )
    with duckdb.connect(":memory:", config=config) as installer:
        installer.execute("INSTALL '{}'".format(str(wheel_file).replace("'", "''")))
    return {**config, "autoload_known_extensions": True}
