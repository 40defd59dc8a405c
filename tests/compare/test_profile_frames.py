"""The partnership profile's frames (boards/profile.py and the profile_*.sql queries) on the small
world of world.py, where P-AB is two LAs with its own upload, LA 9 sent no row and LA 10 marked
its last quarter missing."""

import pandas as pd
import pytest

from boards import profile

from .world import NORTH_EAST, PARTNERSHIP, QUARTERS, area


def provenance_of(store, comparison, partnership_id, region_code=NORTH_EAST):
    return profile.provenance(
        profile.partnership_results(comparison.area_results, partnership_id),
        store.read("profile_provenance", partnership_id=partnership_id),
        store.read("profile_benchmark_loads", region_code=region_code),
        comparison.benchmarks,
        region_code,
    )


def test_flags_are_ordered_worse_first_then_worsening_then_not_reported_then_better():
    """99.8% before 95%, catalogue order within a group; a worse result that is also worsening is
    listed once, under worse; context rows never appear."""
    results = pd.DataFrame(
        [
            ("a", "better", "95", "no significant change"),
            ("b", "worse", "95", "worsening"),
            ("c", "did not report", "", "not tested"),
            ("d", "similar", "", "worsening"),
            ("e", "worse", "99.8", "no significant change"),
            ("f", "not judged", "", "rising"),
            ("g", "worse", "99.8", "worsening"),
            ("h", "similar", "", "no significant change"),
        ],
        columns=["indicator_id", "flag", "flag_level", "trend"],
    ).assign(short_name=lambda f: f["indicator_id"].str.upper(), sentence=lambda f: "sentence " + f["indicator_id"])
    found = profile.flags(results)
    assert found["indicator_id"].tolist() == ["e", "g", "b", "d", "c", "a"]
    assert found["group"].tolist() == [
        profile.WORSE_99_8, profile.WORSE_99_8, profile.WORSE_95, profile.WORSENING, profile.DID_NOT_REPORT,
        profile.BETTER,
    ]


def test_flags_of_la_12_are_the_engines_worse_sentences(small_comparison):
    """LA 12: re-referrals, assessments and caseload worse beyond 99.8%, in catalogue order, then its Requires
    improvement judgement."""
    results = profile.partnership_results(small_comparison.area_results, area(12))
    found = profile.flags(results)
    worse = results[results["flag"] == "worse"]
    assert sorted(found["sentence"].tolist()) == sorted(worse["sentence"].tolist())
    assert found["indicator_id"].tolist() == ["rereferral_rate", "strategy_discussion_partners", "caseload", "ilacs_grade"]


def test_provenance_prefers_a_partnerships_own_upload(small_store, small_comparison):
    """P-AB's assessments come from its own return only (load 3, returns.csv); its re-referrals from its
    two LAs' published rows (load 1, dfe.csv), with England and the North East published in load 1."""
    table = provenance_of(small_store, small_comparison, PARTNERSHIP)
    own = table[table["indicator_id"] == "strategy_discussion_partners"]
    assert own[["area_code", "area_name", "source", "load_id", "file_name", "loaded_by"]].values.tolist() == [
        [PARTNERSHIP, "the partnership's own return", "local", 3, "returns.csv", "test"]
    ]
    assert own["england_figure"].tolist() == ["pooled from the partnerships' own returns"]
    members = table[table["indicator_id"] == "rereferral_rate"]
    assert members["area_code"].tolist() == [area(1), area(2)]
    assert set(members["source"]) == {"published"}
    assert set(members["england_figure"]) == set(members["region_figure"]) == {"published, load 1 (dfe.csv)"}
    assert profile.figure_sources(table) == {"published", "local"}


def test_provenance_keeps_a_figure_never_returned(small_store, small_comparison):
    """LA 9 sent no row for the last quarter: the figure is listed with no source and no load."""
    table = provenance_of(small_store, small_comparison, area(9))
    row = table[table["indicator_id"] == "strategy_discussion_partners"].iloc[0]
    assert row["period_id"] == QUARTERS[-1]
    assert pd.isna(row["source"]) and pd.isna(row["load_id"])


@pytest.mark.parametrize(
    ("partnership_id", "what"),
    [(area(9), "no row"), (area(10), "marked missing"), (PARTNERSHIP, None), (area(3), None)],
)
def test_missing_returns_are_what_the_engine_calls_not_reported(small_store, small_comparison, partnership_id, what):
    """The store's view (profile_returns.sql) agrees with the engine's 'missing'/'absent' statuses."""
    expected = profile.expected_returns(small_store, partnership_id, small_comparison.as_at)
    assert sorted(expected["period_id"]) == sorted(QUARTERS)
    missing = profile.missing_returns(expected)
    history = small_comparison.history
    engine = history[
        (history["partnership_id"] == partnership_id) & history["status"].isin(["missing", "absent"])
        & history["period_id"].isin(QUARTERS)
    ]
    pairs = set(zip(missing["indicator_id"], missing["period_id"]))
    assert pairs == set(zip(engine["indicator_id"].astype(str), engine["period_id"].astype(str)))
    if what is None:
        assert missing.empty
    else:
        assert missing[["indicator_id", "period_id", "area_code", "what"]].values.tolist() == [
            ["strategy_discussion_partners", QUARTERS[-1], partnership_id, what]
        ]


def test_a_partnerships_own_upload_stands_for_its_members(small_store, small_comparison):
    """P-AB uploaded under its own id each quarter: that is the return expected, not its LAs'."""
    expected = profile.expected_returns(small_store, PARTNERSHIP, small_comparison.as_at)
    assert set(expected["area_code"]) == {PARTNERSHIP}
    assert set(expected["what"]) == {"returned"}


def test_trend_frame_has_the_four_series_up_to_the_period(small_comparison):
    """P-AB's assessments: its own 85% each quarter; England pooled (85.0, 84.6, 83.75, 81.5 as LA 12 falls)."""
    frame = profile.trend_frame(
        small_comparison.history, small_comparison.benchmarks, PARTNERSHIP, NORTH_EAST,
        ["strategy_discussion_partners", "rereferral_rate"], small_comparison.as_at,
    )
    assert list(dict.fromkeys(frame["indicator_id"])) == ["strategy_discussion_partners", "rereferral_rate"]
    assessments = frame[frame["indicator_id"] == "strategy_discussion_partners"]
    series = assessments.pivot(index="period_id", columns="series", values="value")
    assert series.index.tolist() == QUARTERS
    assert series["partnership"].tolist() == [85.0] * 4
    assert series["england"].tolist() == pytest.approx([85.0, 84.583333, 83.75, 81.5])
    assert series["region"].tolist() == [85.0] * 4
    earlier = profile.trend_frame(
        small_comparison.history, small_comparison.benchmarks, PARTNERSHIP, NORTH_EAST,
        ["strategy_discussion_partners"], pd.Timestamp("2025-09-30").date(),
    )
    assert sorted(set(earlier["period_id"])) == QUARTERS[:2]


def test_score_over_time_is_each_quarter_as_it_stood_then(demo_store):
    """Peterborough's score and rank as at each of the demo's eight quarters, newest first, each on the figures
    published by that quarter's end; with published figures only, nothing rests on invented ones and its score
    moves when DfE's children in need figures for 2024-25 count, from 2025-26 Q3 (published 1 December 2025)."""
    from boards.compare.engine import compare

    periods = demo_store.read("compare_periods")
    compared = compare(demo_store)
    over_time = profile.score_over_time(compared.score_history, periods, "E06000031", compared.as_at)
    assert over_time.iloc[[0, 3, 7]].to_dict("records") == [
        {"Quarter": "2026-27 Q2 (Jul-Sep 2026)", "Concern score": 1.44, "Rank": "14 of 153",
         "From invented figures": "55% invented"},
        {"Quarter": "2025-26 Q3 (Oct-Dec 2025)", "Concern score": 1.66, "Rank": "4 of 153",
         "From invented figures": "53% invented"},
        {"Quarter": "2024-25 Q3 (Oct-Dec 2024)", "Concern score": 1.64, "Rank": "1 of 153",
         "From invented figures": "59% invented"},
    ]
    published = compare(demo_store, published_only=True)
    over_time = profile.score_over_time(published.score_history, periods, "E06000031", published.as_at)
    assert over_time["Concern score"].tolist() == [0.2, 0.2, 0.2, 0.7, 0.44, 0.44, 0.44, -0.18]
    assert set(over_time["From invented figures"]) == {"none"}
    earlier = profile.score_over_time(compared.score_history, periods, "E06000031", pd.Timestamp("2025-06-30").date())
    assert earlier["Quarter"].tolist() == ["2025-26 Q1 (Apr-Jun 2025)", "2024-25 Q4 (Jan-Mar 2025)",
                                           "2024-25 Q3 (Oct-Dec 2024)"]
