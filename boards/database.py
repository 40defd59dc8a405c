"""Opening the application's database: migrate it, mirror the catalogue, build the demo if empty."""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from typing import TYPE_CHECKING

from boards.catalogue import catalogue_frame, load_catalogue
from boards.store import Store, StoreError, resolve_location, utc_now

if TYPE_CHECKING:
    from boards.demo import Progress

_first_build = threading.Lock()
DEMO_BUILD_SETTING = "demo_build_claimed_by"
DEMO_BUILD_WAIT_SECONDS = 600


def open_database(
    path: str | os.PathLike[str] | None = None, *, progress: Progress | None = None
) -> Store:
    """The store at ``--db`` / ``$BOARDS_DB`` (a file, or ``postgres:...``) / ``data/boards.duckdb``, ready to read.

    A database without observations gets the demo data, so a first run shows real figures.
    """
    store = Store.open(resolve_location(path))
    prepare_database(store, progress=progress)
    return store


def _builds_the_demo_here(store: Store, progress: Progress | None) -> bool:
    """Whether this process builds the demo into an empty shared store: the first to claim it does; the
    others wait until its figures are there (several servers may start at once on one new database)."""
    # The random part tells two claims apart that the same process makes within one second.
    claim = f"{socket.gethostname()} process {os.getpid()} at {utc_now():%Y-%m-%d %H:%M:%S} UTC ({secrets.token_hex(4)})"
    holder = store.setting_or_first(DEMO_BUILD_SETTING, claim)
    if holder == claim:
        return True
    deadline = time.monotonic() + DEMO_BUILD_WAIT_SECONDS
    while not store.has_observations():
        if time.monotonic() > deadline:
            raise StoreError(
                f"The shared store {store.path} is still empty: {holder} began building the demo database and has "
                "not finished. If it stopped, empty the database (DROP SCHEMA main CASCADE) and start again."
            )
        if progress:
            progress(0.0, f"Another server ({holder}) is building the demo database")
        time.sleep(1)
    return False


def prepare_database(store: Store, *, progress: Progress | None = None) -> None:
    """Mirror the catalogue into a database that holds data, or build the demo into an empty one."""
    with _first_build:
        if store.has_observations() or (store.shared and not _builds_the_demo_here(store, progress)):
            # The catalogue file is the reviewed source: definitions edited there show at once.
            store.sync_catalogue(catalogue_frame(load_catalogue()))
        else:
            # Imported only here: the demo build brings the whole import pipeline (pandera among it), which
            # a first page over a database that holds data would wait for and never use.
            from boards.demo import build_demo

            # Built beside the file and swapped in whole: a server stopped during the build leaves an
            # empty database, which the next start builds again, never a half-built one. (A shared store is
            # built in place, load by load.)
            store.rebuild(lambda empty: build_demo(empty, progress=progress))
