"""Fixtures of the case review tests: a small hand-made register, and a database with reference data only."""

import shutil
from datetime import date

import pytest

from boards.access import Actor
from boards.catalogue import load_catalogue
from boards.demo import prepare_reference
from boards.imports.pipeline import inspect_upload
from boards.reference import load_reference
from boards.store import Store

TODAY = date(2026, 11, 22)
OPERATOR = Actor("system:tester", "Command line (tester)", "admin")
REVIEW_HEADER = ("partnership,review_id,kind,incident_known_date,notification_date,rapid_review_date,decision_date,"
                 "published_date,themes\n")
RECOMMENDATION_HEADER = "partnership,review_id,recommendation_id,owner_agency,due_date,status,completed_date\n"

# Hartlepool's invented register, worked by hand in test_derive.py (2025-26 Q3 ends 31 Dec 2025).
REVIEWS = (
    "Hartlepool,R1,rapid review,2025-10-01,2025-10-08,2025-10-29,,,Neglect; Information sharing",
    "E06000001,R2,lcspr,19/12/2025,31/12/2025,22/01/2026,,,domestic_abuse",
    "E06000001,R3,lcspr,2024-06-03,2024-06-07,2024-06-28,2024-07-01,2025-03-10,neglect;domestic abuse",
    "E06000001,R4,LCSPR,2025-04-01,2025-04-04,2025-04-25,,2025-10-20,information_sharing|management oversight",
    "E06000001,R5,lcspr,2025-04-10,2025-04-24,2025-05-20,2025-05-30,,voice of the child",
    "E06000001,R6,serious case review,,,,,2023-02-01,\"neglect, information sharing\"",
)
RECOMMENDATIONS = (
    "E06000001,R3,1,police,2025-03-31,completed,2025-03-15",
    ",R3,2,health,2025-06-30,in progress,",
    ",R3,3,local authority,2025-09-30,completed,2026-01-15",
    ",R4,1,education,2025-12-31,not started,",
    ",R4,2,partnership,2026-03-31,in progress,",
    ",R1,1,police,2025-11-30,not started,",
    ",R2,1,local_authority,2026-06-30,in progress,",
)


def csv_bytes(header: str, rows) -> bytes:
    return (header + "".join(f"{row}\n" for row in rows)).encode()


def reviews_csv(*rows: str) -> bytes:
    return csv_bytes(REVIEW_HEADER, rows or REVIEWS)


def recommendations_csv(*rows: str) -> bytes:
    return csv_bytes(RECOMMENDATION_HEADER, rows or RECOMMENDATIONS)


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("reviews_reference") / "reference.duckdb"
    store = Store.open(path)
    prepare_reference(store, load_reference(), load_catalogue())
    store.close()
    return path


@pytest.fixture
def store(reference_db, tmp_path):
    path = tmp_path / "reviews.duckdb"
    shutil.copy(reference_db, path)
    opened = Store.open(path)
    yield opened
    opened.close()


def inspect(store, name, data, **options):
    """inspect_upload as the operator, on TODAY."""
    return inspect_upload(store, name, data, actor=options.pop("actor", OPERATOR), today=TODAY, **options)
