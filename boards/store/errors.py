"""What the store raises: a StoreError's message says in words a user can act on what is wrong."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be used; the message says why in words a user can act on."""


class DatabaseInUseError(StoreError):
    """Another process holds the database file (DuckDB allows one read-write process per file)."""


class SharedStoreUnavailableError(StoreError):
    """The shared database cannot be reached (refused, a wrong password, no such database, gone mid-request)
    or stayed busy with other processes' writes; nothing was changed."""


class StoreClosedError(StoreError):
    """The store was closed (the server is stopping) while a page was still reading from it."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of this application."""


class PartnershipInUseError(StoreError):
    """A change would end partnerships that users still upload for (by partnership id, their usernames)."""

    def __init__(self, usernames: dict[str, str]) -> None:
        self.usernames = usernames
        super().__init__("; ".join(f"{pid}: {names}" for pid, names in usernames.items()))


class AlreadyLoadedError(StoreError):
    """A committed load already holds a file with the same content hash."""

    def __init__(self, load_id: int) -> None:
        self.load_id = load_id
        super().__init__(f"this file was already imported as load {load_id}")
