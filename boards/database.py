"""Opening the application's database: migrate it, mirror the catalogue, build the demo if empty."""

from __future__ import annotations

import os
import threading

from boards.catalogue import catalogue_frame, load_catalogue
from boards.demo import Progress, build_demo
from boards.store import Store, resolve_db_path

_first_build = threading.Lock()


def open_database(
    path: str | os.PathLike[str] | None = None, *, progress: Progress | None = None
) -> Store:
    """The store at ``--db`` / ``$BOARDS_DB`` / ``data/boards.duckdb``, ready to read.

    A database without observations gets the demo data, so a first run shows real figures.
    """
    store = Store.open(resolve_db_path(path))
    prepare_database(store, progress=progress)
    return store


def prepare_database(store: Store, *, progress: Progress | None = None) -> None:
    """Mirror the catalogue into a database that holds data, or build the demo into an empty one."""
    with _first_build:
        if store.has_observations():
            # The catalogue file is the reviewed source: definitions edited there show at once.
            store.sync_catalogue(catalogue_frame(load_catalogue()))
        else:
            build_demo(store, progress=progress)
