"""What changed since the period before, on the session's demo database (literal values of the seeded demo)."""

import pandas as pd
import pytest

from boards.changes import flag_changes, previous_period_id, rank_movement_words, since_previous, since_words
from boards.compare.engine import compare


@pytest.fixture(scope="module")
def both(demo_store):
    return compare(demo_store, "2026-27 Q2"), compare(demo_store, "2026-27 Q1")


def test_previous_period_is_the_one_before_of_the_same_kind(demo_store):
    periods = demo_store.read("compare_periods")
    assert previous_period_id(periods, "2026-27 Q2") == "2026-27 Q1"
    assert previous_period_id(periods, "2026-27 Q1") == "2025-26 Q4"
    assert previous_period_id(periods, "2024-25") == "2023-24"
    assert previous_period_id(periods, "2024-25 Q3") is None  # the first quarter of local returns
    assert previous_period_id(periods, "2031-32 Q1") is None


def test_flags_new_cleared_and_persisting(both):
    changes = flag_changes(*both)
    newcastle = changes[changes["partnership_id"] == "E08000021"]  # Newcastle upon Tyne: rank 10 in Q1, 16 in Q2
    assert newcastle.loc[newcastle["change"] == "new", "short_name"].tolist() == [
        "Relevant agency attendance", "Section 11 returns"]
    assert (newcastle["change"] == "persisting").sum() == 6
    reading = changes[changes["partnership_id"] == "E06000038"]
    assert reading.loc[reading["change"] == "cleared", "short_name"].tolist() == ["CP conference attendance"]


def test_since_previous_counts_and_rank_movement(both):
    since = since_previous(*both).set_index("partnership_id")
    assert since.loc["E06000031", ["rank", "previous_rank", "new_flags", "cleared_flags", "persisting_flags",
                                   "rank_change"]].tolist() == [14, 7, 1, 0, 9, -7]
    assert since.loc["E08000021", ["rank", "previous_rank", "rank_change"]].tolist() == [16, 10, -6]
    assert since_words(since.loc["E08000021"]) == "2 new, 0 cleared flags; down 6 places"
    assert since_words(since.loc["E06000038"]) == "0 new, 1 cleared flags; down 2 places"
    # Barnet sent its whole return in Q2 after none in Q1: twelve flags of not reporting cleared.
    assert since.loc["E09000003", ["rank", "previous_rank", "new_flags", "cleared_flags"]].tolist() == [89, 8, 0, 12]
    assert len(since) == 153


def test_rank_movement_in_words():
    assert rank_movement_words(2, 7, 153) == (
        "rank 2 of 153 by concern, from 7 in the period before (towards more concern)")
    assert rank_movement_words(9, 4.0, 153) == (
        "rank 9 of 153 by concern, from 4 in the period before (towards less concern)")
    assert rank_movement_words(1, 1, 153) == "rank 1 of 153 by concern, unchanged from the period before"
    assert rank_movement_words(1, float("nan"), 153) == "rank 1 of 153 by concern; no rank for the period before"
    assert since_words(pd.Series({"new_flags": 0, "cleared_flags": 2, "rank_change": float("nan")})) == (
        "0 new, 2 cleared flags; not ranked before")
