"""The banner over invented figures says exactly which indicators are invented for which partnerships."""

import pandas as pd

from boards.accounts import utc_now
from boards.catalogue import catalogue_frame, load_catalogue
from boards.periods import parse_period_id
from boards.provenance import demo_notice_text
from boards.reference import load_reference
from boards.store import AuditEntry, Store

PETERBOROUGH, BARKING = "E06000031", "E09000002"


def figures(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"area_code": area, "indicator_id": indicator, "period_id": period, "value": value, "numerator": None,
          "denominator": None, "status": "reported", "note": None} for area, indicator, period, value in rows]
    )


def load(store: Store, rows: pd.DataFrame, source: str, name: str) -> None:
    store.commit_load(rows, source=source, loaded_by="tester", file_name=name,
                      periods=[parse_period_id(p) for p in rows["period_id"].unique()],
                      audit=AuditEntry(utc_now(), "tester", "data_imported", None, name))


def test_the_demo_names_its_invented_indicators_for_all_153_partnerships(demo_store):
    text = demo_notice_text(demo_store.read("figure_sources"))
    assert text.startswith(
        "**Demonstration data.** Invented from a fixed random seed, describing no real area, for all 153 "
        "partnerships: child protection (2: Strategy discussions with partners, S47s with lead practitioner); "
        "case reviews (9: "
    )
    assert "partnership (7: Local authority attendance, Police attendance, Health attendance, Relevant agency " \
           "attendance, CP conference attendance, Section 11 returns, Training places filled)" in text
    assert "Real, as published by DfE and Ofsted: demand (4: Referrals per 10k, Re-referrals, Assessments in 45 " \
           "days, Children in need per 10k)" in text
    assert "Real returns uploaded" not in text


def test_after_a_real_upload_the_banner_says_for_whom_returns_are_invented(tmp_path):
    """Invented CP conference attendance for two partnerships; Peterborough then uploads its own: the banner
    says it is invented for 1 of 153 and real from 1 partnership, not that every local return is invented."""
    store = Store.open(tmp_path / "banner.duckdb")
    store.replace_reference(load_reference())
    store.sync_catalogue(catalogue_frame(load_catalogue()))
    load(store, figures((PETERBOROUGH, "caseload", "Sep 2025", 16.0)), "published", "csww.csv")
    load(store, figures((PETERBOROUGH, "cp_conference_attendance", "2026-27 Q2", 40.0),
                        (BARKING, "cp_conference_attendance", "2026-27 Q2", 50.0)), "demo", "invented")
    assert demo_notice_text(store.read("figure_sources")).startswith(
        "**Demonstration data.** Invented from a fixed random seed, describing no real area, for 2 of 153 "
        "partnerships: partnership (1: CP conference attendance). Real, as published by DfE and Ofsted: "
        "workforce (1: Caseload)."
    )
    load(store, figures((PETERBOROUGH, "cp_conference_attendance", "2026-27 Q2", 90.0)), "local", "return.csv")
    assert demo_notice_text(store.read("figure_sources")) == (
        "**Demonstration data.** Invented from a fixed random seed, describing no real area, for 1 of 153 "
        "partnerships: partnership (1: CP conference attendance). Real returns uploaded by partnerships replace "
        "invented ones where they were sent: CP conference attendance (from 1 partnership). Real, as published "
        "by DfE and Ofsted: workforce (1: Caseload). Every invented figure is marked (invented) where it is "
        "shown; choose Published figures only to leave local returns out."
    )
    store.close()


def test_no_invented_figures_no_banner(tmp_path):
    store = Store.open(tmp_path / "real.duckdb")
    store.replace_reference(load_reference())
    store.sync_catalogue(catalogue_frame(load_catalogue()))
    load(store, figures((PETERBOROUGH, "cp_conference_attendance", "2026-27 Q2", 90.0)), "local", "return.csv")
    assert demo_notice_text(store.read("figure_sources")) is None
    store.close()
