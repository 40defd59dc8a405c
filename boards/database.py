"""Opening the application's database: migrate it, mirror the catalogue, build the demo if empty."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from boards.catalogue import catalogue_frame, load_catalogue
from boards.store import Store, resolve_location

if TYPE_CHECKING:
    from boards.demo import Progress

_first_build = threading.Lock()


def open_database(
    path: str | os.PathLike[str] | None = None, *, progress: Progress | None = None
) -> Store:
    """The store at ``--db`` / ``$BOARDS_DB`` (a file, or ``postgres:...``) / ``data/boards.duckdb``, ready to read.

    A database without observations gets the demo data, so a first run shows real figures.
    """
    store = Store.open(resolve_location(path))
    prepare_database(store, progress=progress)
    return store


def prepare_database(store: Store, *, progress: Progress | None = None) -> None:
    """Mirror the catalogue into a database that holds data, or build the demo into an empty one."""
    with _first_build:
        if store.has_observations():
            # The catalogue file is the reviewed source: definitions edited there show at once.
            store.sync_catalogue(catalogue_frame(load_catalogue()))
        else:
            # Imported only here: the demo build brings the whole import pipeline (pandera among it), which
            # a first page over a database that holds data would wait for and never use.
            from boards.demo import build_demo

            # Built beside the file and swapped in whole: a server stopped during the build leaves an
            # empty database, which the next start builds again, never a half-built one.
            store.rebuild(lambda empty: build_demo(empty, progress=progress))
