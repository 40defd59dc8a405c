"""The embedded demo database: real published figures, Ofsted-derived indicators, invented returns."""

import pandas as pd
import pytest

from boards.demo import DEMO_QUARTERS, build_demo
from boards.store import Store


def observation(store, area, indicator, period):
    frame = store.table("observations")
    match = frame[(frame.area_code == area) & (frame.indicator_id == indicator) & (frame.period_id == period)]
    assert len(match) == 1, f"{area} {indicator} {period}: {len(match)} rows"
    return match.iloc[0]


def test_summary_counts(demo_store):
    """153 LAs, one partnership each, the whole catalogue, and all three periods kinds."""
    summary = demo_store.summary()
    assert (summary["areas"], summary["partnerships"], summary["indicators"]) == (153, 153, 37)
    assert summary["latest_period"] == {
        "quarter": "2026-27 Q2",
        "year_to_march": "2024-25",
        "year_to_september": "Sep 2025",
    }
    assert set(summary["observations_by_source"]) == {"published", "demo"}


def test_published_rereferrals_keep_their_counts(demo_store):
    """Barnsley 2024-25 re-referrals: 25.5% = 825 of 3,241 (DfE C1), under its current code."""
    row = observation(demo_store, "E08000038", "rereferral_rate", "2024-25")
    assert (row.value, row.numerator, row.denominator, row.status, row.source) == (
        25.5, 825.0, 3241.0, "reported", "published"
    )


def test_recoded_and_current_codes_meet_in_one_series(demo_store):
    """Barnsley's workforce is filed under E08000016 to 2024 and E08000038 in 2025: one series."""
    assert observation(demo_store, "E08000038", "caseload", "Sep 2024").value == 16.2
    assert observation(demo_store, "E08000038", "caseload", "Sep 2025").value == 15.2


def test_rate_per_10k_uses_previous_mid_year_population(demo_store):
    """Peterborough 2024-25: 3,850 referrals / 57,621 children (mid-2024) x 10,000 = 668.2."""
    row = observation(demo_store, "E06000031", "referral_rate", "2024-25")
    assert row.value == pytest.approx(668.16, abs=0.01)
    assert (row.numerator, row.denominator) == (3850.0, 57621.0)


def test_joint_return_is_shared_without_double_counting(demo_store):
    """Kingston and Richmond's joint workforce return gives both the rate, neither the counts."""
    for area in ("E09000021", "E09000027"):
        row = observation(demo_store, area, "caseload", "Sep 2025")
        assert row.value == 13.9
        assert pd.isna(row.numerator) and pd.isna(row.denominator)
        assert row.note == "Joint return for Kingston upon Thames / Richmond upon Thames"


def test_england_benchmarks_are_the_published_figures(demo_store):
    """England 2025: re-referrals 22.6%, repeat plans 24.5%, caseload 15.2, vacancy 14.2%."""
    bench = demo_store.table("published_benchmarks")
    england = bench[bench.geography_code == "E92000001"].set_index(["indicator_id", "period_id"])["value"]
    assert england[("rereferral_rate", "2024-25")] == 22.6
    assert england[("repeat_cp_plans", "2024-25")] == 24.5
    assert england[("caseload", "Sep 2025")] == 15.2
    assert england[("vacancy_rate", "Sep 2025")] == 14.2
    assert round(england[("referral_rate", "2024-25")], 1) == 519.4


def test_suppressed_cells_are_symbols_never_zero(demo_store):
    """Suppressed published cells carry their symbol and no value."""
    frame = demo_store.table("observations")
    published = frame[frame.source == "published"]
    symbols = published[published.status != "reported"]
    assert symbols["value"].isna().all()
    assert sorted(symbols["status"].unique()) == ["c", "low", "u", "x", "z"]


def test_ilacs_grade_in_force_and_months_since(demo_store):
    """Barnsley: graded good in an inspection ending 15 Sep 2023; at 30 Sep 2026 that is 36 months."""
    assert observation(demo_store, "E08000038", "ilacs_grade", "2026-27 Q2").value == 2.0
    assert observation(demo_store, "E08000038", "months_since_inspection", "2026-27 Q2").value == 36.0


def test_an_inspection_without_an_overall_grade_is_not_missing(demo_store):
    """Somerset, inspected from 27 Apr 2026 (published 17 Jun 2026) with no overall grade: from 2026-27 Q1 its
    grade is the mean of its sub-judgements (3, 3, 3, 2) rounded half up, Requires improvement, said in the
    note; in 2025-26 Q4 the Good of 2022 still stood."""
    latest = observation(demo_store, "E06000066", "ilacs_grade", "2026-27 Q2")
    assert latest.value == 3.0
    assert latest.note == (
        "ILACS short inspection ending 01 May 2026: no overall grade (Ofsted ended it in 2026), the mean of its "
        "sub-judgements, rounded"
    )
    assert observation(demo_store, "E06000066", "ilacs_grade", "2025-26 Q4").value == 2.0
    assert observation(demo_store, "E06000066", "months_since_inspection", "2026-27 Q2").value == 4.0


def test_invented_returns_cover_every_area_and_quarter(demo_store):
    """12 indicators of the local return (what no one publishes, the two multi-agency child protection team
    measures among them) and 9 derived from the invented case review register x 153 areas x 8 quarters, all
    labelled demo and quarterly."""
    frame = demo_store.table("observations")
    demo = frame[frame.source == "demo"]
    assert len(demo) == (12 + 9) * 153 * 8
    assert set(demo.period_id) == {p.period_id for p in DEMO_QUARTERS}
    reported = demo[demo.status == "reported"]
    percent = reported[reported.indicator_id.str.contains("attendance|timeliness")]
    assert percent["value"].between(0, 100).all()
    assert (reported.numerator > reported.denominator).sum() == 0
    missing = demo[demo.status == "missing"]
    assert missing["value"].isna().all() and len(missing) > 0


def test_what_dfe_publishes_by_la_is_never_invented(demo_store):
    """Assessments in 45 days, ICPCs in 15 days, CP plans ending after 2+ years, the section 47 rate and its
    conversion come from DfE only, and England's 2024-25 figures are DfE's: 85.7%, 81.4%, 4.4%, 189.3, 0.313."""
    published = ["assessment_timeliness", "icpc_timeliness", "cp_plans_2_years", "s47_rate", "s47_icpc_conversion"]
    frame = demo_store.table("observations")
    chosen = frame[frame["indicator_id"].isin(published)]
    assert set(chosen["source"]) == {"published"}
    assert chosen.groupby("indicator_id")["period_id"].max().to_dict() == dict.fromkeys(published, "2024-25")
    england = demo_store.table("published_benchmarks").set_index(["geography_code", "indicator_id", "period_id"])
    values = [round(england.loc[("E92000001", ident, "2024-25"), "value"], 3) for ident in published]
    assert values == [85.7, 81.373, 4.4, 189.272, 0.313]
    invented = set(frame.loc[frame["source"] == "demo", "indicator_id"])
    assert {"strategy_discussion_partners", "s47_lead_practitioner"} <= invented
    assert not invented & set(published)


def test_same_seed_same_database(tmp_path, demo_store):
    """Building again with the same seed gives identical observations and benchmarks."""
    again = Store.open(tmp_path / "again.duckdb")
    build_demo(again)
    for table in ("observations", "published_benchmarks", "areas", "statistical_neighbours"):
        pd.testing.assert_frame_equal(again.table(table), demo_store.table(table))
    again.close()


def test_another_seed_changes_only_invented_values(tmp_path, demo_store):
    """A different seed changes demo rows and leaves published rows alone."""
    other = Store.open(tmp_path / "other.duckdb")
    build_demo(other, seed=7)
    mine, theirs = demo_store.table("observations"), other.table("observations")
    other.close()
    pd.testing.assert_frame_equal(
        mine[mine.source == "published"].reset_index(drop=True),
        theirs[theirs.source == "published"].reset_index(drop=True),
    )
    assert not mine[mine.source == "demo"]["value"].equals(theirs[theirs.source == "demo"]["value"])
