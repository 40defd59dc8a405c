"""The tables the Case reviews page draws, from the register and the comparison (no Streamlit here).

Every table is as at a day ``as_at`` (the end of the chosen period):

Wherever partnerships are set side by side, figures are per review (the partnership's reviews dated
in the 3 years to ``as_at``), so that a large county with many reviews does not dominate:

- ``theme_matrix``: per partnership and theme, the reviews of the 3 years to ``as_at`` that found the
  theme, as a number and as a percentage of the partnership's reviews, how many of those findings saw it
  again and how many found it after a recommendation addressing it was signed off (boards.reviews.themes);
- ``partnerships_per_review``: per partnership, its reviews of the 3 years to ``as_at`` and, per review,
  the themes they found, those seen again, those back after sign-off, and the recommendations
  overdue at ``as_at``;
- ``recurrence_timeline``: one partnership's findings up to ``as_at``, with the earlier review each
  recurrence repeats and the signed-off recommendation a theme came back after;
- ``came_back_after_sign_off``: the findings of the 3 years to ``as_at`` that came back after sign-off,
  each with its recommendation;
- ``impact_evidence``: the recommendations completed by ``as_at``, each with its evidence of impact, or
  none yet, or none after 6 months (a concern);
- ``overdue_by_agency``: recommendations open at ``as_at`` by owner agency, overdue or not yet due,
  with the median days overdue (boards.reviews.derive);
- ``review_indicators``: a partnership's case review indicators beside England, its region and its
  statistical neighbours, taken from the comparison engine's results.
"""

from __future__ import annotations

import pandas as pd

from boards.reviews.derive import impact_as_at, median_days, recommendations_as_at
from boards.reviews.register import AGENCIES, IMPACT_CHECKS, IMPACT_EVIDENCE_MONTHS, IMPACT_RESULTS, KINDS, Register
from boards.reviews.themes import RECURRENCE_YEARS, theme_names

MATRIX_COLUMNS = ["partnership_id", "partnership_name", "theme_id", "theme", "reviews", "partnership_reviews",
                  "percent_of_reviews", "recurrences", "after_sign_off"]
PER_REVIEW_COLUMNS = ["partnership_id", "partnership_name", "reviews", "themes_per_review", "seen_again_per_review",
                      "after_sign_off_per_review", "overdue_per_review"]
TIMELINE_COLUMNS = ["review_id", "kind", "reviewed_on", "theme_id", "theme", "recurs", "earlier_review_id",
                    "earlier_reviewed_on", "after_sign_off", "signed_off_review_id", "signed_off_recommendation_id",
                    "signed_off_on"]
SIGN_OFF_COLUMNS = ["partnership_id", "partnership_name", "review_id", "reviewed_on", "theme", "signed_off_review_id",
                    "signed_off_recommendation_id", "owner_agency", "signed_off_on"]
IMPACT_COLUMNS = ["review_id", "recommendation_id", "agency", "completed_date", "impact", "impact_check",
                  "impact_checked_date", "impact_result"]
EVIDENCE, NOT_YET, NO_EVIDENCE = ("Evidence of impact", "No evidence yet",
                                  f"No evidence after {IMPACT_EVIDENCE_MONTHS} months")
AGENCY_COLUMNS = ["owner_agency", "agency", "open", "overdue", "not_yet_due", "median_days_overdue"]
INDICATOR_COLUMNS = ["indicator_id", "short_name", "unit", "decimals", "period_label", "status", "value",
                     "numerator", "denominator", "england", "region", "neighbour_median", "flag", "flag_level",
                     "sentence"]


def _window(findings: pd.DataFrame, as_at) -> pd.DataFrame:
    end = pd.Timestamp(as_at)
    start = end - pd.DateOffset(years=RECURRENCE_YEARS)
    return findings[(findings["reviewed_on"] > start) & (findings["reviewed_on"] <= end)]


def theme_matrix(findings: pd.DataFrame, as_at, partnership_names: pd.Series) -> pd.DataFrame:
    """Every partnership of ``partnership_names`` (id -> name, in the order wanted) x every theme."""
    names = theme_names()
    recent = _window(findings, as_at)
    recent = recent[recent["partnership_id"].isin(partnership_names.index)]
    counted = recent.groupby(["partnership_id", "theme_id"]).agg(
        reviews=("review_id", "nunique"), recurrences=("recurs", "sum"), after_sign_off=("after_sign_off", "sum"))
    grid = pd.MultiIndex.from_product([partnership_names.index, list(names)], names=["partnership_id", "theme_id"])
    matrix = counted.reindex(grid, fill_value=0).reset_index()
    matrix["partnership_name"] = matrix["partnership_id"].map(partnership_names)
    matrix["theme"] = matrix["theme_id"].map(names)
    matrix["partnership_reviews"] = matrix["partnership_id"].map(recent.groupby("partnership_id")["review_id"].nunique()
                                                                 ).fillna(0).astype(int)
    matrix["percent_of_reviews"] = (matrix["reviews"] / matrix["partnership_reviews"].where(
        matrix["partnership_reviews"] > 0) * 100).round(0)
    return matrix.astype({"reviews": int, "recurrences": int, "after_sign_off": int})[MATRIX_COLUMNS]


def partnerships_per_review(findings: pd.DataFrame, register: Register, as_at,
                            partnership_names: pd.Series) -> pd.DataFrame:
    """Per partnership of ``partnership_names`` (in that order): its reviews that found themes in the 3 years to
    ``as_at``, and per review the themes found, seen again and back after sign-off, and the recommendations overdue
    at ``as_at`` (NaN without reviews)."""
    recent = _window(findings, as_at)
    counted = recent.groupby("partnership_id").agg(
        reviews=("review_id", "nunique"), themes=("theme_id", "size"), seen_again=("recurs", "sum"),
        after_sign_off=("after_sign_off", "sum")).reindex(partnership_names.index, fill_value=0)
    state = recommendations_as_at(register.only(partnership_names.index).recommendations_with_reviews(), as_at)
    overdue = state.groupby("partnership_id")["overdue"].sum().reindex(partnership_names.index, fill_value=0)
    reviews = counted["reviews"].where(counted["reviews"] > 0)
    table = pd.DataFrame({
        "partnership_id": partnership_names.index,
        "partnership_name": partnership_names.to_numpy(),
        "reviews": counted["reviews"].astype(int).to_numpy(),
        "themes_per_review": (counted["themes"] / reviews).round(2).to_numpy(),
        "seen_again_per_review": (counted["seen_again"] / reviews).round(2).to_numpy(),
        "after_sign_off_per_review": (counted["after_sign_off"] / reviews).round(2).to_numpy(),
        "overdue_per_review": (overdue / reviews).round(2).to_numpy(),
    })
    return table[PER_REVIEW_COLUMNS]


def recurrence_timeline(findings: pd.DataFrame, partnership_id: str, as_at) -> pd.DataFrame:
    """One partnership's findings up to ``as_at``, oldest first."""
    mine = findings[(findings["partnership_id"] == partnership_id) & (findings["reviewed_on"] <= pd.Timestamp(as_at))]
    timeline = mine.assign(theme=mine["theme_id"].map(theme_names()), kind=mine["kind"].map(KINDS))
    return timeline[TIMELINE_COLUMNS].reset_index(drop=True)


def came_back_after_sign_off(findings: pd.DataFrame, recommendations: pd.DataFrame, as_at,
                             partnership_names: pd.Series) -> pd.DataFrame:
    """The findings of the 3 years to ``as_at`` of the partnerships of ``partnership_names`` that came back after a
    recommendation addressing them was signed off, latest first, with that recommendation's owner agency."""
    recent = _window(findings, as_at)
    back = recent[recent["after_sign_off"] & recent["partnership_id"].isin(partnership_names.index)]
    owners = recommendations[["partnership_id", "review_id", "recommendation_id", "owner_agency"]].rename(
        columns={"review_id": "signed_off_review_id", "recommendation_id": "signed_off_recommendation_id"})
    back = back.merge(owners, on=["partnership_id", "signed_off_review_id", "signed_off_recommendation_id"], how="left")
    back = back.assign(partnership_name=back["partnership_id"].map(partnership_names),
                       theme=back["theme_id"].map(theme_names()), owner_agency=back["owner_agency"].map(AGENCIES))
    return back.sort_values(["reviewed_on", "partnership_name", "review_id", "theme"],
                            ascending=[False, True, True, True])[SIGN_OFF_COLUMNS].reset_index(drop=True)


def impact_evidence(register: Register, partnership_ids, as_at) -> pd.DataFrame:
    """The recommendations completed by ``as_at``, latest first, each with its impact: evidence of impact (a check
    other than none made by ``as_at``), no evidence yet (completed less than 6 months before), or no evidence after
    6 months (a concern)."""
    done = impact_as_at(register.only(partnership_ids).recommendations, as_at)
    checked = done["evidenced"]
    done["impact"] = [EVIDENCE if c else NO_EVIDENCE if d else NOT_YET for c, d in zip(checked, done["evidence_due"])]
    done["impact_checked_date"] = done["impact_checked_date"].where(checked)
    done["impact_check"] = done["impact_check"].where(checked).map(IMPACT_CHECKS)
    done["impact_result"] = done["impact_result"].where(checked).map(IMPACT_RESULTS)
    done["agency"] = done["owner_agency"].map(AGENCIES)
    return done.sort_values(["completed_date", "review_id", "recommendation_id"], ascending=[False, True, True])[
        IMPACT_COLUMNS].reset_index(drop=True)


def overdue_by_agency(register: Register, partnership_ids, as_at) -> pd.DataFrame:
    """Recommendations open at ``as_at`` by owner agency (every agency listed, in AGENCIES order)."""
    state = recommendations_as_at(register.only(partnership_ids).recommendations_with_reviews(), as_at)
    open_now = state[state["open"]]
    grouped = open_now.groupby("owner_agency").agg(open=("open", "size"), overdue=("overdue", "sum"))
    grouped = grouped.reindex(list(AGENCIES), fill_value=0).astype(int)
    medians = open_now[open_now["overdue"]].groupby("owner_agency")["days_overdue"].agg(median_days)
    table = grouped.assign(
        not_yet_due=grouped["open"] - grouped["overdue"],
        median_days_overdue=medians.reindex(grouped.index),
    ).reset_index(names="owner_agency")
    table["agency"] = table["owner_agency"].map(AGENCIES)
    return table[AGENCY_COLUMNS]


def review_indicators(area_results: pd.DataFrame, partnership_id: str) -> pd.DataFrame:
    """The partnership's case review results of a comparison, in catalogue order."""
    rows = area_results[(area_results["partnership_id"] == partnership_id)
                        & (area_results["domain"] == "case_reviews")]
    return rows[INDICATOR_COLUMNS].reset_index(drop=True)


def neighbours_of(neighbours: pd.DataFrame, partnership_id: str) -> list[str]:
    """The partnership and its statistical neighbours (compare_neighbours.sql rows)."""
    return [partnership_id, *neighbours.loc[neighbours["partnership_id"] == partnership_id, "neighbour_id"]]


def most_recurring(findings: pd.DataFrame, as_at, count: int) -> list[str]:
    """The ``count`` partnerships with the most findings per review in the 3 years to ``as_at`` that came back after
    sign-off, then seen again (ties by the number seen again, then id); only partnerships with a recurrence."""
    recent = _window(findings, as_at)
    totals = recent.groupby("partnership_id").agg(reviews=("review_id", "nunique"), recurs=("recurs", "sum"),
                                                  after_sign_off=("after_sign_off", "sum"))
    totals = totals[(totals["recurs"] > 0) | (totals["after_sign_off"] > 0)].assign(
        after_per_review=lambda t: t["after_sign_off"] / t["reviews"], again_per_review=lambda t: t["recurs"] / t["reviews"])
    ranked = totals.reset_index().sort_values(["after_per_review", "again_per_review", "recurs", "partnership_id"],
                                              ascending=[False, False, False, True])
    return ranked["partnership_id"].head(count).tolist()
