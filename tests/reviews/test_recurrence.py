"""The recurrence rules, exact boundaries: a theme seen again in the same partnership within 3 years, and a theme
that came back after a recommendation addressing it was signed off."""

import pandas as pd
import pytest

from boards.reviews.themes import ThemeError, load_themes, resolve_theme, theme_findings

NO_RECOMMENDATIONS = pd.DataFrame(columns=["partnership_id", "review_id", "recommendation_id", "themes",
                                           "completed_date"])


def findings(*reviews, themes=None):
    """Findings of reviews given as (partnership, review id, reviewed on), all with the theme neglect."""
    frame = pd.DataFrame(reviews, columns=["partnership_id", "review_id", "reviewed_on"]).assign(kind="lcspr")
    frame["reviewed_on"] = pd.to_datetime(frame["reviewed_on"])
    themed = pd.DataFrame(
        [(p, r, t) for p, r, _ in reviews for t in (themes or {}).get(r, ["neglect"])],
        columns=["partnership_id", "review_id", "theme_id"],
    )
    found = theme_findings(frame, themed, NO_RECOMMENDATIONS)
    return {(row.review_id, row.theme_id): (row.recurs, row.earlier_review_id) for row in found.itertuples()}


def test_exactly_three_years_later_recurs_and_a_day_more_does_not():
    """10 Jan 2020 -> 10 Jan 2023 is within 3 years; 11 Jan 2023 is not."""
    result = findings(("P", "A", "2020-01-10"), ("P", "B", "2023-01-10"))
    assert result[("B", "neglect")] == (True, "A")
    result = findings(("P", "A", "2020-01-10"), ("P", "B", "2023-01-11"))
    recurs, earlier = result[("B", "neglect")]
    assert not recurs and pd.isna(earlier)


def test_leap_day_anniversary_is_the_28th():
    """29 Feb 2024 + 3 years is 28 Feb 2027: recurring on that day, not on 1 Mar 2027."""
    assert findings(("P", "A", "2024-02-29"), ("P", "B", "2027-02-28"))[("B", "neglect")][0]
    assert not findings(("P", "A", "2024-02-29"), ("P", "B", "2027-03-01"))[("B", "neglect")][0]


def test_same_day_is_not_again():
    """Two reviews on the same day found the theme together: neither recurs."""
    result = findings(("P", "A", "2024-05-01"), ("P", "B", "2024-05-01"))
    assert not result[("A", "neglect")][0] and not result[("B", "neglect")][0]


def test_other_partnership_and_other_theme_do_not_count():
    """Neglect in Q does not make neglect in P recur; domestic abuse does not make neglect recur."""
    result = findings(("Q", "A", "2024-05-01"), ("P", "B", "2025-05-01"), ("P", "C", "2025-06-01"),
                      themes={"C": ["domestic_abuse"]})
    assert not result[("B", "neglect")][0] and not result[("C", "domestic_abuse")][0]


def test_chain_names_the_latest_earlier_review():
    """A (2020), B (2022), C (2024): C recurs from B, though A is more than 3 years before C."""
    result = findings(("P", "A", "2020-06-01"), ("P", "B", "2022-06-01"), ("P", "C", "2024-06-01"))
    assert (result[("A", "neglect")][0], result[("B", "neglect")], result[("C", "neglect")]) == (
        False, (True, "A"), (True, "B"))


def test_undated_reviews_have_found_nothing():
    """A rapid review still under way (no date) neither recurs nor makes a later one recur."""
    result = findings(("P", "A", None), ("P", "B", "2025-01-01"))
    assert list(result) == [("B", "neglect")] and not result[("B", "neglect")][0]


def after_sign_off(reviews, recommendations):
    """(after sign-off, signed-off review, recommendation, sign-off day) of each neglect finding, by review id;
    reviews as (review id, reviewed on) of partnership P, recommendations as (review id, recommendation id,
    themes, completed date)."""
    frame = pd.DataFrame([("P", r, d) for r, d in reviews], columns=["partnership_id", "review_id", "reviewed_on"])
    frame = frame.assign(kind="lcspr", reviewed_on=pd.to_datetime(frame["reviewed_on"]))
    themed = frame[["partnership_id", "review_id"]].assign(theme_id="neglect")
    made = pd.DataFrame([("P", *row) for row in recommendations],
                        columns=["partnership_id", "review_id", "recommendation_id", "themes", "completed_date"])
    made["completed_date"] = pd.to_datetime(made["completed_date"])
    found = theme_findings(frame, themed, made)
    return {row.review_id: (row.after_sign_off, row.signed_off_review_id if row.after_sign_off else None,
                            row.signed_off_recommendation_id if row.after_sign_off else None,
                            f"{row.signed_off_on:%Y-%m-%d}" if row.after_sign_off else None)
            for row in found.itertuples()}


def test_signed_off_then_seen_again_came_back_after_sign_off():
    """A (1 Mar 2023) found neglect; its recommendation 2, addressing neglect, was signed off on 1 Sep 2023;
    B (1 Feb 2025) found neglect again: it came back after sign-off, naming A-2; and it was seen again too."""
    reviews = [("A", "2023-03-01"), ("B", "2025-02-01")]
    result = after_sign_off(reviews, [("A", "1", "domestic_abuse", "2023-06-01"), ("A", "2", "neglect;voice_of_the_child",
                                                                                 "2023-09-01")])
    assert result == {"A": (False, None, None, None), "B": (True, "A", "2", "2023-09-01")}
    assert findings(*[("P", r, d) for r, d in reviews])[("B", "neglect")] == (True, "A")


def test_still_open_when_seen_again_is_seen_again_only():
    """A-1 addressing neglect was signed off on 1 Feb 2025, the very day B found neglect again, and A-2 never:
    neither was signed off before B, so B saw neglect again but it did not come back after sign-off."""
    result = after_sign_off([("A", "2023-03-01"), ("B", "2025-02-01")],
                            [("A", "1", "neglect", "2025-02-01"), ("A", "2", "neglect", None)])
    assert result["B"] == (False, None, None, None)
    assert findings(("P", "A", "2023-03-01"), ("P", "B", "2025-02-01"))[("B", "neglect")] == (True, "A")


def test_seen_again_after_the_three_year_window_does_not_count():
    """A-1 addressing neglect was signed off on 10 Jan 2020: B on 10 Jan 2023 came back after sign-off, C on
    11 Jan 2023 did not (more than 3 years after the sign-off)."""
    signed_off = [("A", "1", "neglect", "2020-01-10")]
    assert after_sign_off([("A", "2019-06-01"), ("B", "2023-01-10")], signed_off)["B"] == (
        True, "A", "1", "2020-01-10")
    assert after_sign_off([("A", "2019-06-01"), ("C", "2023-01-11")], signed_off)["C"] == (False, None, None, None)


def test_the_latest_sign_off_is_named_and_other_themes_do_not_count():
    """A-1 (neglect, signed off 2021) and B-1 (neglect, signed off 2022) both precede C (2023): C names B-1; a
    recommendation addressing domestic abuse only never makes neglect come back."""
    result = after_sign_off([("A", "2020-06-01"), ("B", "2021-06-01"), ("C", "2023-06-01")],
                            [("A", "1", "neglect", "2021-01-01"), ("B", "1", "neglect", "2022-01-01"),
                             ("B", "2", "domestic_abuse", "2022-06-01")])
    assert result["C"] == (True, "B", "1", "2022-01-01")
    assert after_sign_off([("A", "2020-06-01"), ("B", "2021-06-01")],
                          [("A", "1", "domestic_abuse", "2021-01-01")])["B"] == (False, None, None, None)


def test_taxonomy_is_fixed_and_resolves_names():
    """Sixteen themes in data/review_themes.csv, given by id or name in any case; a near miss is suggested. The twelve
    of older registers come first, unchanged; the Panel's nine recurring national themes are all there, each naming
    the Panel's annual reports as its source."""
    themes = load_themes()
    assert [t.theme_id for t in themes][:4] == [
        "information_sharing", "risk_assessment", "management_oversight", "multi_agency_working"]
    assert len(themes) == 16
    national = [t.theme_id for t in themes if t.source.startswith("Child Safeguarding Practice Review Panel annual")]
    assert national == ["information_sharing", "risk_assessment", "neglect", "domestic_abuse", "parental_mental_health",
                        "babies_under_one", "extra_familial_harm", "children_not_in_school", "race_and_culture"]
    assert resolve_theme("race and culture") == ("race_and_culture", None)
    assert resolve_theme("Extra-familial harm") == ("extra_familial_harm", None)
    assert resolve_theme("Management Oversight and Supervision") == ("management_oversight", None)
    assert resolve_theme("voice-of-the-child") == ("voice_of_the_child", None)
    assert resolve_theme("Domestic abuses")[1].endswith('did you mean "Domestic abuse"?')


def test_malformed_taxonomy_is_refused(tmp_path):
    """A repeated theme is a ThemeError naming the line."""
    path = tmp_path / "themes.csv"
    path.write_text("theme_id,name,description,source\nneglect,Neglect,x,s\nneglect,Neglect again,y,s\n")
    with pytest.raises(ThemeError, match="line 3"):
        load_themes(path)
