"""Shared fixtures: one demo database per test session, built in-process; a PostgreSQL server per test
process for the shared store, with a fresh database per test."""

import itertools

import pytest

from boards.demo import build_demo
from boards.store import SharedLocation, Store
from tests.postgres_server import create_database, postgres_server

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory):
    """A demo database file, built once; tests must only read it."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    store = Store.open(path)
    build_demo(store)
    store.close()
    return path


@pytest.fixture(scope="session")
def demo_store(demo_db_path):
    """The session's demo database, open for reading."""
    store = Store.open(demo_db_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def postgres_dsn():
    """The libpq DSN of this test process's own PostgreSQL server (each xdist worker starts its own), with a
    migrated, empty store database as a template for each test's."""
    with postgres_server() as server_dsn:
        Store.open(SharedLocation(create_database(server_dsn, "store_template"))).close()
        yield server_dsn
        # Closed before the server stops: DuckDB aborts the process when it later finds a server gone.
        for store in list(Store._open_stores.values()):
            if store.shared:
                store.close()


@pytest.fixture
def shared_location(postgres_dsn):
    """A new shared store of its own for one test: a PostgreSQL database, migrated and empty."""
    return SharedLocation(create_database(postgres_dsn, f"test_{next(_database_numbers)}", template="store_template"))


@pytest.fixture
def store_location(request, tmp_path):
    """Where a store test's database lives: a file, or with ``@on_both_back_ends`` (tests/postgres_server.py)
    once a file and once a shared PostgreSQL database."""
    if getattr(request, "param", "file") == "file":
        return tmp_path / "test.duckdb"
    return request.getfixturevalue("shared_location")
