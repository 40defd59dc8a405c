"""Shared fixtures: one demo database per test session, built in-process."""

import pytest

from boards.demo import build_demo
from boards.store import Store


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
