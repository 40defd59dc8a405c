"""Indicators derived from a small hand-made register (tests/reviews/conftest.py), worked by hand.

Hartlepool, 2025-26 Q3 (1 Oct to 31 Dec 2025):
- notifications: R1 (8 Oct) and R2 (31 Dec): 2. R1 known Wed 1 Oct, due by Wed 8 Oct: on time. R2 known Fri 19 Dec,
  due by Tue 30 Dec (Christmas and Boxing Day skipped): late. 1 of 2 = 50.0%.
- rapid reviews due: R1, 15 working days after 8 Oct = 29 Oct, completed 29 Oct: on time (R2's falls in January).
  1 of 1 = 100.0%.
- publication deadlines in the quarter: R4 (rapid review 25 Apr 2025, no decision date: due 25 Oct 2025, published
  20 Oct: on time) and R5 (decided 30 May 2025: due 30 Nov 2025, unpublished: late). 1 of 2 = 50.0%.
- recommendations open at 31 Dec: R3-2 (due 30 Jun, 184 days over), R3-3 (due 30 Sep, completed 15 Jan 2026: 92
  days over), R4-1 (due 31 Dec: not yet over), R4-2 (due 2026), R1-1 (due 30 Nov: 31 days over); R3-1 was completed
  and R2-1 not yet made (R2's rapid review is 22 Jan 2026). 3 of 5 = 60.0% overdue, median 92 days.
- themes found in 2025: R4 (information sharing: again after the 2023 serious case review R6; management oversight:
  new), R5 (voice of the child: new), R1 (neglect: again after R3 in 2024; information sharing: again after R4).
  3 of 5 = 60.0%; none came back after sign-off (no recommendation names a theme): 0 of 5.
- recommendations completed by 30 Jun 2025, 6 months before the quarter end: R3-1 (15 Mar 2025), with no evidence of
  impact: 0 of 1.
"""

import pandas as pd
import pytest

from boards.compare.engine import compare
from boards.imports.pipeline import commit_plan
from boards.reviews.derive import REGISTER_INDICATORS, recommendations_as_at
from boards.reviews.register import current_register
from boards.reviews.summaries import (
    came_back_after_sign_off,
    impact_evidence,
    partnerships_per_review,
    theme_matrix,
)

from .conftest import RECOMMENDATION_HEADER, csv_bytes, inspect, recommendations_csv, reviews_csv

EXPECTED_Q3 = {
    "serious_incident_notifications": (2.0, None, None),
    "notification_timeliness": (50.0, 1.0, 2.0),
    "rapid_review_timeliness": (100.0, 1.0, 1.0),
    "review_publication_timeliness": (50.0, 1.0, 2.0),
    "review_actions_overdue": (60.0, 3.0, 5.0),
    "review_actions_days_overdue": (92.0, None, None),
    "recurring_review_themes": (60.0, 3.0, 5.0),
    "review_actions_impact_evidenced": (0.0, 0.0, 1.0),
    "review_themes_after_sign_off": (0.0, 0.0, 5.0),
}


@pytest.fixture
def loaded(store):
    commit_plan(store, inspect(store, "reviews.csv", reviews_csv()))
    commit_plan(store, inspect(store, "recommendations.csv", recommendations_csv()))
    return store


def figures(store, period_id):
    frame = store.table("observations")
    rows = frame[(frame.area_code == "E06000001") & (frame.period_id == period_id)].set_index("indicator_id")
    return {i: (r.value, None if pd.isna(r.numerator) else r.numerator, None if pd.isna(r.denominator) else r.denominator)
            for i, r in rows.iterrows()}


def test_derived_figures_of_the_hand_made_register(loaded):
    """Every derived indicator for 2025-26 Q3 equals the hand-worked value (module docstring)."""
    assert figures(loaded, "2025-26 Q3") == EXPECTED_Q3


def test_nothing_to_count_is_not_applicable(loaded):
    """2026-27 Q2: no notification or rapid review in the quarter: z with a reason, never 0%; R2's publication
    deadline (22 Jul 2026, 6 months after its rapid review) fell in it unpublished: 0 of 1."""
    frame = loaded.table("observations")
    rows = frame[(frame.period_id == "2026-27 Q2")].set_index("indicator_id")
    assert rows.loc["serious_incident_notifications", "value"] == 0
    assert tuple(rows.loc["review_publication_timeliness", ["value", "numerator", "denominator"]]) == (0.0, 0.0, 1.0)
    for indicator in ("notification_timeliness", "rapid_review_timeliness"):
        assert rows.loc[indicator, "status"] == "z" and pd.isna(rows.loc[indicator, "value"])
    assert rows.loc["notification_timeliness", "note"] == "No serious incident notifications in the quarter"


def test_derived_for_the_twelve_quarters_to_the_latest_ended(loaded):
    """Today is 22 Nov 2026: figures for 2023-24 Q3 to 2026-27 Q2 (12 quarters), 9 indicators each, source local,
    written by the register loads."""
    frame = loaded.table("observations")
    assert sorted(frame["period_id"].unique())[0] == "2023-24 Q3"
    assert sorted(frame["period_id"].unique())[-1] == "2026-27 Q2"
    assert len(frame) == 12 * len(REGISTER_INDICATORS)
    assert set(frame["source"]) == {"local"}
    assert set(frame["load_id"]) <= set(loaded.loads()["load_id"])


def test_comparison_engine_judges_the_derived_figures(loaded):
    """compare() takes the derived figures like any other: Hartlepool's recurring themes 60.0% of 5, as a
    proportion; the median days overdue by robust z; notifications context only."""
    results = compare(loaded, "2025-26 Q3").area_results
    mine = results[results.partnership_id == "E06000001"].set_index("indicator_id")
    assert (mine.loc["recurring_review_themes", "value"], mine.loc["recurring_review_themes", "denominator"]) == (
        60.0, 5.0)
    assert mine.loc["recurring_review_themes", "method"] == "proportion"
    for judged in ("review_actions_impact_evidenced", "review_themes_after_sign_off"):
        assert (mine.loc[judged, "method"], mine.loc[judged, "flag"] != "not judged") == ("proportion", True)
    assert mine.loc["review_actions_days_overdue", "method"] == "robust"
    assert mine.loc["serious_incident_notifications", "flag"] == "not judged"
    others = results[(results.partnership_id == "E06000002") & (results.indicator_id == "review_actions_overdue")]
    assert others["flag"].iloc[0] == "did not report"


def test_recommendation_state_at_a_day(loaded):
    """At 31 Dec 2025, R4-1 due that very day is open but not overdue; R3-3 completed later is still open."""
    register = current_register(loaded)
    state = recommendations_as_at(register.recommendations_with_reviews(), "2025-12-31").set_index(
        ["review_id", "recommendation_id"])
    assert tuple(state.loc[("R4", "1"), ["open", "overdue"]]) == (True, False)
    assert tuple(state.loc[("R3", "3"), ["open", "overdue", "days_overdue"]]) == (True, True, 92.0)
    assert not state.loc[("R2", "1"), "made"]


def test_a_rapid_review_never_completed_counts_as_late(store):
    """R7, notified Mon 1 Sep 2025, was due Mon 22 Sep 2025 (15 working days) and never completed: 2025-26 Q2
    (Jul-Sep 2025) counts it as 0 of 1 on time, where counting completed reviews only would leave it out."""
    commit_plan(store, inspect(store, "reviews.csv", reviews_csv(
        "E06000001,R7,rapid_review,2025-08-29,2025-09-01,,,,neglect")))
    assert figures(store, "2025-26 Q2")["rapid_review_timeliness"] == (0.0, 0.0, 1.0)
    frame = store.table("observations").set_index(["area_code", "indicator_id", "period_id"])
    q3 = frame.loc[("E06000001", "rapid_review_timeliness", "2025-26 Q3")]
    assert (q3["status"], q3["note"]) == ("z", "No rapid review was due in the quarter")


def test_hand_made_register_came_back_after_sign_off(loaded):
    """R3 (rapid review 28 Jun 2024) found neglect and information sharing. Its recommendation 1, addressing neglect,
    was signed off on 15 Mar 2025; R1 (29 Oct 2025) found neglect again: it came back after sign-off. Its
    recommendation 3, addressing information sharing, was signed off on 15 Jan 2026, after R1 found information
    sharing again: R1's information sharing was only seen again (after R4)."""
    commit_plan(loaded, inspect(loaded, "recommendations.csv", csv_bytes(RECOMMENDATION_HEADER.strip() + ",themes\n", (
        "E06000001,R3,1,police,2025-03-31,completed,2025-03-15,neglect",
        ",R3,2,health,2025-06-30,in progress,,",
        ",R3,3,local authority,2025-09-30,completed,2026-01-15,information sharing"))))
    register = current_register(loaded)
    found = register.findings().set_index(["review_id", "theme_id"])
    assert tuple(found.loc[("R1", "neglect"), ["recurs", "after_sign_off", "signed_off_review_id",
                                               "signed_off_recommendation_id"]]) == (True, True, "R3", "1")
    assert found.loc[("R1", "neglect"), "signed_off_on"] == pd.Timestamp("2025-03-15")
    assert tuple(found.loc[("R1", "information_sharing"), ["recurs", "earlier_review_id", "after_sign_off"]]) == (
        True, "R4", False)
    assert int(found["after_sign_off"].sum()) == 1
    assert figures(loaded, "2025-26 Q3")["review_themes_after_sign_off"] == (20.0, 1.0, 5.0)
    table = came_back_after_sign_off(register.findings(), register.recommendations, "2025-12-31",
                                     pd.Series({"E06000001": "Hartlepool"}))
    assert table.drop(columns=["reviewed_on", "signed_off_on"]).values.tolist() == [
        ["E06000001", "Hartlepool", "R1", "Neglect", "R3", "1", "Police"]]


def test_partnerships_side_by_side_are_per_review(loaded):
    """In the 3 years to 31 Dec 2025 Hartlepool's reviews R6 (Feb 2023), R3, R4, R5 and R1 found 9 themes; 4 were seen
    again (R3 neglect after R6, R4 information sharing after R6, R1 neglect after R3, R1 information sharing after
    R4); 3 recommendations were overdue at 31 Dec 2025: per review 1.8, 0.8 and 0.6. Neglect: 3 of its 5 reviews,
    60%. Middlesbrough, without a register, has no figure per review rather than 0."""
    register = current_register(loaded)
    names = pd.Series({"E06000001": "Hartlepool", "E06000002": "Middlesbrough"})
    table = partnerships_per_review(register.findings(), register, "2025-12-31", names)
    assert table.iloc[0].tolist() == ["E06000001", "Hartlepool", 5, 1.8, 0.8, 0.0, 0.6]
    assert table.iloc[1, 2] == 0 and table.iloc[1, 3:].isna().all()
    matrix = theme_matrix(register.findings(), "2025-12-31", names).set_index(["partnership_id", "theme_id"])
    assert tuple(matrix.loc[("E06000001", "neglect"), ["reviews", "partnership_reviews", "percent_of_reviews"]]) == (
        3, 5, 60.0)


def test_completed_recommendations_and_their_evidence_of_impact(loaded):
    """As at 30 Sep 2026: R3-1 (completed 15 Mar 2025) was re-audited on 1 Sep 2025: evidence of impact; R3-3
    (completed 15 Jan 2026) has a check marked none: no evidence 6 months on (15 Jul 2026), a concern; R4-1 (completed
    1 Sep 2026) has none yet, too recent; R4-2 (completed 20 Mar 2026) was surveyed on 1 Oct 2026, after the day asked
    about and more than 6 months after its completion: a concern on 30 Sep 2026, evidence of impact on 31 Oct."""
    header = RECOMMENDATION_HEADER.strip() + ",themes,impact_check,impact_checked_date,impact_result\n"
    plan = inspect(loaded, "recommendations.csv", csv_bytes(header, (
        "E06000001,R3,1,police,2025-03-31,completed,2025-03-15,neglect,re-audit,2025-09-01,improved",
        ",R3,2,health,2025-06-30,in progress,,,,,",
        ",R3,3,local authority,2025-09-30,completed,2026-01-15,,none,,",
        ",R4,1,education,2025-12-31,completed,2026-09-01,,,,",
        ",R4,2,partnership,2026-03-31,completed,2026-03-20,,practitioner survey,2026-10-01,not improved")))
    assert plan.problems == ()
    commit_plan(loaded, plan)
    table = impact_evidence(current_register(loaded), ["E06000001"], "2026-09-30")
    assert table[["review_id", "recommendation_id", "impact", "impact_check", "impact_result"]].fillna("").values.tolist(
    ) == [
        ["R4", "1", "No evidence yet", "", ""],
        ["R4", "2", "No evidence after 6 months", "", ""],
        ["R3", "3", "No evidence after 6 months", "", ""],
        ["R3", "1", "Evidence of impact", "Re-audit", "Improved"],
    ]
    # The indicator for 2026-27 Q2 counts those completed by 30 Mar 2026: R3-1 (evidenced), R3-3, R4-2: 1 of 3.
    assert figures(loaded, "2026-27 Q2")["review_actions_impact_evidenced"] == (33.3, 1.0, 3.0)
    later = impact_evidence(current_register(loaded), ["E06000001"], "2026-10-31")
    assert later.iloc[1][["review_id", "recommendation_id", "impact", "impact_check", "impact_result"]].tolist() == [
        "R4", "2", "Evidence of impact", "Practitioner survey", "Not improved"]
