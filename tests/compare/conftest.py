"""Fixtures of the comparison tests: the small world of ``world.py`` in a temporary database."""

import pytest

from boards.compare.engine import compare
from boards.store import Store

from .world import build_small_world


@pytest.fixture(scope="package")
def small_store(tmp_path_factory):
    """The small world, built once for the package's tests; tests must only read it."""
    store = Store.open(tmp_path_factory.mktemp("compare") / "small.duckdb")
    build_small_world(store)
    yield store
    store.close()


@pytest.fixture(scope="package")
def small_comparison(small_store):
    """The comparison of the small world as at its latest quarter, 2025-26 Q4."""
    return compare(small_store)
