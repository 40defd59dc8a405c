"""The recurrence rule: the same theme again in the same partnership within 3 years, exact boundaries."""

import pandas as pd
import pytest

from boards.reviews.themes import ThemeError, load_themes, resolve_theme, theme_findings


def findings(*reviews, themes=None):
    """Findings of reviews given as (partnership, review id, reviewed on), all with the theme neglect."""
    frame = pd.DataFrame(reviews, columns=["partnership_id", "review_id", "reviewed_on"]).assign(kind="lcspr")
    frame["reviewed_on"] = pd.to_datetime(frame["reviewed_on"])
    themed = pd.DataFrame(
        [(p, r, t) for p, r, _ in reviews for t in (themes or {}).get(r, ["neglect"])],
        columns=["partnership_id", "review_id", "theme_id"],
    )
    found = theme_findings(frame, themed)
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


def test_taxonomy_is_fixed_and_resolves_names():
    """Twelve themes in data/review_themes.csv, given by id or name in any case; a near miss is suggested."""
    assert [t.theme_id for t in load_themes()][:4] == [
        "information_sharing", "risk_assessment", "management_oversight", "multi_agency_working"]
    assert len(load_themes()) == 12
    assert resolve_theme("Management Oversight and Supervision") == ("management_oversight", None)
    assert resolve_theme("voice-of-the-child") == ("voice_of_the_child", None)
    assert resolve_theme("Domestic abuses")[1].endswith('did you mean "Domestic abuse"?')


def test_malformed_taxonomy_is_refused(tmp_path):
    """A repeated theme is a ThemeError naming the line."""
    path = tmp_path / "themes.csv"
    path.write_text("theme_id,name,description\nneglect,Neglect,x\nneglect,Neglect again,y\n")
    with pytest.raises(ThemeError, match="line 3"):
        load_themes(path)
