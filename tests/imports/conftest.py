"""Fixtures of the import tests: a database with the reference data and no figures, copied per test."""

import shutil
from datetime import date

import pytest

from boards.access import Actor
from boards.catalogue import load_catalogue
from boards.demo import prepare_reference
from boards.imports.pipeline import inspect_upload
from boards.reference import load_reference
from boards.store import Store

# Every import test runs on this day, so that "has the period ended?" never depends on the clock.
TODAY = date(2026, 11, 22)
OPERATOR = Actor("system:tester", "Command line (tester)", "admin")
LONG_HEADER = "area_code,period,indicator,value,numerator,denominator,note\n"


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory):
    """A database file holding the reference data and the catalogue, built once."""
    path = tmp_path_factory.mktemp("reference") / "reference.duckdb"
    store = Store.open(path)
    prepare_reference(store, load_reference(), load_catalogue())
    store.close()
    return path


@pytest.fixture
def db_path(reference_db, tmp_path):
    path = tmp_path / "imports.duckdb"
    shutil.copy(reference_db, path)
    return path


@pytest.fixture
def store(db_path):
    opened = Store.open(db_path)
    yield opened
    opened.close()


def inspect(store, name, data, **options):
    """inspect_upload as the operator, on TODAY."""
    return inspect_upload(store, name, data, actor=options.pop("actor", OPERATOR), today=TODAY, **options)


def long_csv(*rows: str) -> bytes:
    """A long-layout file from data rows written as CSV text."""
    return (LONG_HEADER + "".join(f"{row}\n" for row in rows)).encode()
