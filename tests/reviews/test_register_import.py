"""The register through the import: recognised by header, validated row by row, scoped, atomic, rolled back."""

import io

import pandas as pd
import pytest

from boards.access import Actor, PermissionDenied
from boards.imports.pipeline import ImportRejected, commit_plan, rollback
from boards.imports.templates import register_dictionary, register_template
from boards.reviews.register import current_register
from boards.store import StoreError
from tests.imports.xlsx import workbook

from .conftest import (
    OPERATOR,
    RECOMMENDATION_HEADER,
    RECOMMENDATIONS,
    REVIEW_HEADER,
    REVIEWS,
    csv_bytes,
    inspect,
    recommendations_csv,
    reviews_csv,
)

HARTLEPOOL_UPLOADER = Actor("hartlepool", "Hartlepool uploader", "uploader", frozenset({"E06000001"}), ("Hartlepool",))


def problems(plan):
    return [(p.line, p.column, p.value, p.reason) for p in plan.problems]


def register_workbook(reviews=REVIEWS, recommendations=RECOMMENDATIONS) -> bytes:
    def rows(header, lines):
        return [header.strip().split(",")] + [next(iter(pd.read_csv(io.StringIO(line), header=None, dtype=str,
                                                                     keep_default_na=False).values.tolist()))
                                              for line in lines]
    return workbook({"Reviews": rows(REVIEW_HEADER, reviews), "Recommendations": rows(RECOMMENDATION_HEADER,
                                                                                     recommendations)})


def snapshot(store):
    register = current_register(store)
    return {
        "observations": store.table("observations").drop(columns=["load_id"]),
        "reviews": register.reviews.drop(columns=["load_id", "source"]),
        "themes": register.themes,
        "recommendations": register.recommendations.drop(columns=["load_id", "source"]),
    }


def test_dates_in_the_wrong_order_are_problems_with_line_column_value_and_reason(store):
    """Notified before known, a rapid review before the notification, a date not yet come, a date not a date."""
    plan = inspect(store, "reviews.csv", reviews_csv(
        "E06000001,A,rapid_review,2025-10-08,2025-10-01,2025-10-29,,,",
        "E06000001,B,rapid_review,2025-10-01,2025-10-08,2025-10-06,,,",
        "E06000001,C,lcspr,2025-10-01,2025-10-08,2025-10-29,,2027-01-01,",
        "E06000001,D,rapid_review,2025-10-01,31/02/2025,,,,",
    ))
    assert problems(plan) == [
        (2, "notification_date", "2025-10-01", "01 Oct 2025 is before the date the incident became known "
                                               "(08 Oct 2025): the dates are in the wrong order"),
        (3, "rapid_review_date", "2025-10-06", "06 Oct 2025 is before the serious incident notification "
                                               "(08 Oct 2025): the dates are in the wrong order"),
        (4, "published_date", "2027-01-01", "01 Jan 2027 is in the future"),
        (5, "notification_date", "31/02/2025", '"31/02/2025" is not a date: write it as 2026-01-04 or 04/01/2026 '
                                               "(day first) or 4 Jan 2026"),
    ]
    assert (plan.summary.rows_read, plan.summary.rows_rejected, len(plan.observations)) == (4, 4, 0)
    with pytest.raises(ImportRejected, match="a register is a complete list"):
        commit_plan(store, plan, accept_valid_rows=True)
    assert store.loads().empty


def test_unknown_theme_kind_and_partnership(store):
    """Each unknown name is a problem naming the cell, with the nearest known one when there is one."""
    plan = inspect(store, "reviews.csv", reviews_csv(
        "E06000001,A,rapid_review,2025-10-01,2025-10-08,,,,neglect; poverty",
        "E06000001,B,rapid_review,2025-10-01,2025-10-08,,,,domestic abuses",
        "E06000001,C,quick review,2025-10-01,2025-10-08,,,,",
        "Hartlepol,D,rapid_review,2025-10-01,2025-10-08,,,,",
    ))
    reasons = {(line, column): reason for line, column, _, reason in problems(plan)}
    assert reasons[(2, "themes")] == ('"poverty" is not a theme of the taxonomy (data/review_themes.csv): the data '
                                      "dictionary lists them")
    assert reasons[(3, "themes")].endswith('did you mean "Domestic abuse"?')
    assert reasons[(4, "kind")].startswith('"quick review" is not a kind of review: give one of: Rapid review;')
    assert reasons[(5, "partnership")].endswith('Did you mean "Hartlepool"?')


def test_kind_rules(store):
    """A rapid review is not published; a practice review needs its notification and rapid review; a serious
    case review its publication; a review id once."""
    plan = inspect(store, "reviews.csv", reviews_csv(
        "E06000001,A,rapid_review,2025-10-01,2025-10-08,2025-10-29,,2025-11-01,",
        "E06000001,B,lcspr,2025-10-01,,,,,",
        "E06000001,C,rapid_review,2025-10-01,2025-10-08,,,,",
        "E06000001,C,rapid_review,2025-10-02,2025-10-08,,,,",
        "E06000001,D,legacy_scr,,,,,,neglect",
    ))
    assert [(line, column) for line, column, _, _ in problems(plan)] == [
        (2, "published_date"), (3, "notification_date"), (3, "rapid_review_date"), (5, "review_id"),
        (6, "published_date")]
    assert problems(plan)[2][3] == "a local child safeguarding practice review needs the date of the rapid review that led to it"
    assert problems(plan)[3][3] == "review C of Hartlepool (E06000001) is already on line 4: each review once"
    assert problems(plan)[4][3] == "a serious case review (before 2018) needs the date it was published"


def test_recommendation_for_an_unknown_review(store):
    """A recommendation must come from a review in the register: in the database, or in the same workbook."""
    plan = inspect(store, "recommendations.csv", recommendations_csv(
        "E06000001,R9,1,police,2026-01-31,in_progress,", ",R9,2,police,2026-01-31,in_progress,"))
    assert problems(plan) == [
        (2, "review_id", "R9", '"R9" is not a review in the register of Hartlepool (E06000001): a recommendation must '
                               "come from a review in the register (upload the register first, or both as one "
                               "workbook)"),
        (3, "review_id", "R9", '"R9" is not a review in the register of any partnership: a recommendation must come '
                               "from a review in the register (upload the register first, or both as one workbook)"),
    ]


def test_recommendation_rules(store):
    """Completed needs its date and a date needs completed; due before the review is the wrong order."""
    commit_plan(store, inspect(store, "reviews.csv", reviews_csv()))
    plan = inspect(store, "recommendations.csv", recommendations_csv(
        ",R3,1,police,2025-03-31,completed,",
        ",R3,2,police,2025-03-31,in progress,2025-03-01",
        ",R3,3,police,2024-01-31,not started,",
        ",R3,4,the vicar,2025-03-31,not started,",
    ))
    assert [(line, column) for line, column, _, _ in problems(plan)] == [
        (2, "completed_date"), (3, "status"), (4, "due_date"), (5, "owner_agency")]
    assert problems(plan)[2][3] == ("31 Jan 2024 is before the review it comes from (28 Jun 2024): the dates are in "
                                    "the wrong order")


def test_uploader_may_upload_only_their_partnership(store):
    """Hartlepool's uploader imports Hartlepool's register, and is refused one with a Middlesbrough review."""
    commit_plan(store, inspect(store, "reviews.csv", reviews_csv(), actor=HARTLEPOOL_UPLOADER))
    outside = reviews_csv("Middlesbrough,M1,rapid_review,2025-10-01,2025-10-08,,,,")
    with pytest.raises(PermissionDenied, match=r"You may upload figures for Hartlepool only; this file has rows for "
                                               r"Middlesbrough \(E06000002\)"):
        inspect(store, "middlesbrough.csv", outside, actor=HARTLEPOOL_UPLOADER)


def test_workbook_with_both_sheets_is_one_load(store):
    """Sheets Reviews and Recommendations are read together: one load, the derived figures of both parts."""
    plan = inspect(store, "register.xlsx", register_workbook())
    assert (plan.layout, plan.problems, plan.summary.rows_read) == ("register", (), 13)
    result = commit_plan(store, plan)
    register = current_register(store)
    assert (len(register.reviews), len(register.themes), len(register.recommendations)) == (6, 10, 7)
    assert set(register.reviews["load_id"]) == set(register.recommendations["load_id"]) == {result.load_id}
    loads = store.loads()
    assert len(loads) == 1 and loads.iloc[0]["note"].startswith(
        "case review register: 6 reviews and 7 recommendations for E06000001; figures derived for 12 quarters")


def test_problems_in_a_workbook_name_the_sheet(store):
    """A problem on the recommendations sheet says so."""
    plan = inspect(store, "register.xlsx", register_workbook(
        recommendations=[",R3,1,police,2025-13-01,in_progress,"]))
    assert [p.message for p in plan.problems] == [
        'Sheet "Recommendations", row 2, column "due_date": "2025-13-01" is not a date: write it as 2026-01-04 or '
        "04/01/2026 (day first) or 4 Jan 2026"]


def test_import_and_rollback_round_trip(store):
    """A second register replaces the first and its figures; rolling it back restores both exactly; the first
    cannot be rolled back while the second stands; re-importing the same file is a no-op."""
    original = register_workbook()
    first = commit_plan(store, inspect(store, "register.xlsx", original))
    before = snapshot(store)
    changed = REVIEWS[:-1] + ("E06000001,R6,serious case review,,,,,2023-02-01,neglect",)
    second_plan = inspect(store, "register2.xlsx", register_workbook(reviews=changed))
    assert second_plan.summary.rows_to_change > 0
    second = commit_plan(store, second_plan)
    assert len(current_register(store).themes) == 9
    with pytest.raises(StoreError, match=f"load {second.load_id} .* has since loaded the case review register"):
        rollback(store, first.load_id, actor=OPERATOR)
    rollback(store, second.load_id, actor=OPERATOR)
    after = snapshot(store)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, obj=name)
    again = inspect(store, "register.xlsx", original)
    assert again.already_loaded["load_id"] == first.load_id


def test_dropping_a_review_with_loaded_recommendations_is_refused(store):
    """A reviews file without R4, whose recommendations are loaded, would orphan them."""
    commit_plan(store, inspect(store, "register.xlsx", register_workbook()))
    plan = inspect(store, "reviews.csv", reviews_csv(*[row for row in REVIEWS if ",R4," not in row]))
    assert problems(plan) == [(None, "review_id", "R4", "review R4 of E06000001 is not in this register, but 2 "
                                                        "recommendation(s) from it are loaded: keep the review, or "
                                                        "upload the recommendations without it together with the "
                                                        "register")]


def test_a_review_id_respelled_in_a_new_register_is_refused_with_the_reason(store):
    """R4 written r4 in a new register would leave its loaded recommendations under an id no review has."""
    commit_plan(store, inspect(store, "register.xlsx", register_workbook()))
    plan = inspect(store, "reviews.csv", reviews_csv(*[row.replace(",R4,", ",r4,") for row in REVIEWS]))
    assert problems(plan) == [(None, "review_id", "R4", "review R4 of E06000001 is spelled r4 in this register, but 2 "
                                                        "recommendation(s) are loaded under R4: spell the id as "
                                                        "before, or upload the recommendations together with the "
                                                        "register")]


def test_ids_that_differ_only_in_case_are_the_same_review(store):
    """"lcspr-7" and "LCSPR-7" are one review twice; a recommendation from "r3" is one from R3, kept as R3."""
    plan = inspect(store, "reviews.csv", reviews_csv(
        "E06000001,LCSPR-7,rapid_review,2025-10-01,2025-10-08,,,,",
        "E06000001,lcspr-7,rapid_review,2025-10-02,2025-10-09,,,,",
    ))
    assert problems(plan) == [(3, "review_id", "LCSPR-7", "review LCSPR-7 of Hartlepool (E06000001) is already on "
                                                          "line 2: each review once")]
    commit_plan(store, inspect(store, "reviews.csv", reviews_csv()))
    plan = inspect(store, "recommendations.csv", recommendations_csv(
        ",r3,1,police,2025-03-31,not started,", ",R3,R1,health,2025-03-31,not started,",
        ",R3,r1,health,2025-04-30,not started,"))
    assert problems(plan) == [(4, "recommendation_id", "R1", "recommendation R3 R1 of Hartlepool (E06000001) is "
                                                             "already on line 3: each recommendation once")]
    commit_plan(store, inspect(store, "recommendations.csv", recommendations_csv(",r3,1,police,2025-03-31,not started,")))
    stored = current_register(store).recommendations
    assert stored[["partnership_id", "review_id", "recommendation_id"]].values.tolist() == [["E06000001", "R3", "1"]]


def test_dates_before_2006_are_a_mistyped_year(store):
    """Local safeguarding children boards began on 1 April 2006: a review or a recommendation dated before is refused."""
    plan = inspect(store, "reviews.csv", reviews_csv("E06000001,S1,legacy_scr,,,,,1925-06-30,"))
    assert problems(plan) == [(2, "published_date", "1925-06-30", "30 Jun 1925 is before 1 April 2006, when local "
                                                                  "safeguarding children boards began: check the year")]
    assert problems(inspect(store, "reviews.csv", reviews_csv("E06000001,S1,legacy_scr,,,,,2006-04-01,"))) == []
    commit_plan(store, inspect(store, "reviews.csv", reviews_csv()))
    plan = inspect(store, "recommendations.csv", recommendations_csv(",R6,1,police,2005-12-31,not started,"))
    assert problems(plan) == [
        (2, "due_date", "2005-12-31", "31 Dec 2005 is before 1 April 2006, when local safeguarding children boards "
                                      "began: check the year"),
        (2, "due_date", "2005-12-31", "31 Dec 2005 is before the review it comes from (01 Feb 2023): the dates are in "
                                      "the wrong order"),
    ]


EXAMPLE_REASON = ('this is the register template\'s example row (its review id starts "EXAMPLE - delete this row"), '
                  "not a review of yours: delete the row and write your own")


def test_template_example_rows_are_refused_whoever_uploads_them(store):
    """Issue 19: the register template's rows are marked as examples in their review id and refused, one problem
    a row, so that an example left in never replaces Hartlepool's register; nothing is written."""
    reviews = inspect(store, "reviews.csv", register_template("reviews"))
    assert problems(reviews) == [
        (2, "review_id", "EXAMPLE - delete this row: RR-2025-03", EXAMPLE_REASON),
        (3, "review_id", "EXAMPLE - delete this row: CSPR-2025-01", EXAMPLE_REASON),
    ]
    with pytest.raises(ImportRejected):
        commit_plan(store, reviews)
    recommendations = inspect(store, "recommendations.csv", register_template("recommendations"),
                              actor=HARTLEPOOL_UPLOADER)
    assert problems(recommendations) == [
        (2, "review_id", "EXAMPLE - delete this row: CSPR-2025-01", EXAMPLE_REASON),
        (3, "review_id", "EXAMPLE - delete this row: CSPR-2025-01", EXAMPLE_REASON),
    ]
    assert store.loads().empty


def test_templates_import_once_their_examples_are_your_own_and_the_dictionary_lists_the_themes(store):
    """The two template files, with the example mark taken out of their review ids, import as they are; the
    dictionary has both files' columns, the two recurrence rules and the 16 themes with their sources."""
    reviews, recommendations = (register_template(part).replace(b"EXAMPLE - delete this row: ", b"")
                                for part in ("reviews", "recommendations"))
    assert inspect(store, "reviews.csv", reviews).problems == ()
    commit_plan(store, inspect(store, "reviews.csv", reviews))
    assert inspect(store, "recommendations.csv", recommendations).problems == ()
    dictionary = pd.read_csv(io.BytesIO(register_dictionary()), dtype=str, keep_default_na=False,
                             encoding="utf-8-sig")
    assert dictionary.groupby("file").size().to_dict() == {"recommendations": 11, "reviews": 9, "rules": 2,
                                                           "themes": 16}
    themes = dictionary[dictionary["file"] == "themes"].set_index("column")["description"]
    assert themes["babies_under_one"].endswith(
        "Source: Child Safeguarding Practice Review Panel annual reports: a recurring national theme.")
    assert themes["involving_fathers"].endswith(
        "Source: Local theme common in case reviews; not one of the Panel's recurring national themes.")
    rules = dictionary[dictionary["file"] == "rules"].set_index("column")["description"]
    assert list(rules.index) == ["Seen again", "Came back after sign-off"]
    assert rules["Came back after sign-off"].startswith(
        "A theme of a review came back after sign-off (the learning did not take hold) when a recommendation of the "
        "same partnership that addresses the theme had been signed off as completed before that review, within 3 "
        "years of the sign-off.")


def test_recommendations_name_the_themes_they_address(store):
    """The themes column is optional: given by id or name it is stored as ids; a file without it still loads (its
    recommendations address no theme); an unknown theme is refused with a suggestion."""
    commit_plan(store, inspect(store, "reviews.csv", reviews_csv()))
    header = RECOMMENDATION_HEADER.strip() + ",themes\n"
    commit_plan(store, inspect(store, "recommendations.csv", csv_bytes(header, (
        "E06000001,R3,1,police,2025-03-31,completed,2025-03-15,Neglect; domestic-abuse",
        "E06000001,R3,2,health,2025-06-30,in progress,,"))))
    stored = current_register(store).recommendations.set_index("recommendation_id")["themes"]
    assert stored["1"] == "neglect;domestic_abuse" and pd.isna(stored["2"])
    commit_plan(store, inspect(store, "recommendations.csv", recommendations_csv()))
    assert current_register(store).recommendations["themes"].isna().all()
    plan = inspect(store, "recommendations.csv", csv_bytes(header, (
        "E06000001,R3,1,police,2025-03-31,completed,2025-03-15,Neglectt",)))
    assert problems(plan) == [(2, "themes", "Neglectt", '"Neglectt" is not a theme of the taxonomy '
                                                       '(data/review_themes.csv); did you mean "Neglect"?')]


IMPACT_HEADER = RECOMMENDATION_HEADER.strip() + ",themes,impact_check,impact_checked_date,impact_result\n"


def test_impact_evidence_is_validated(store):
    """A check needs a completed recommendation, a date not before the completion and a result; a date or result needs
    a check; 'survey' and 'partly' are understood; none needs nothing."""
    commit_plan(store, inspect(store, "reviews.csv", reviews_csv()))
    plan = inspect(store, "recommendations.csv", csv_bytes(IMPACT_HEADER, (
        "E06000001,R3,1,police,2025-03-31,completed,2025-03-15,neglect,survey,2025-09-01,partly",
        "E06000001,R3,2,health,2025-06-30,in progress,,,re_audit,2025-09-01,improved",
        "E06000001,R3,3,local authority,2025-09-30,completed,2025-09-15,,case file sample,,",
        "E06000001,R4,1,education,2025-12-31,completed,2025-12-01,,re-audit,2025-11-30,not improved",
        "E06000001,R4,2,partnership,2026-03-31,completed,2026-01-10,,,2026-05-01,",
        "E06000001,R1,1,police,2025-11-30,completed,2025-11-20,,none,,")))
    assert problems(plan) == [
        (3, "impact_check", "re_audit", "the impact of a recommendation is checked once it is completed: make the "
                                        "status completed, or clear the impact check"),
        (4, "impact_checked_date", None, "the impact was checked by case file sample: give the date it was checked"),
        (4, "impact_result", None, "the impact was checked: give the result, one of: Improved; Partly improved; "
                                   "Not improved"),
        (5, "impact_checked_date", "2025-11-30", "30 Nov 2025 is before the date the recommendation was completed "
                                                 "(01 Dec 2025): the dates are in the wrong order"),
        (6, "impact_check", None, "a date or result of an impact check is given: say how the impact was checked, one "
                                  "of: Re-audit; Practitioner survey; Case file sample"),
    ]
