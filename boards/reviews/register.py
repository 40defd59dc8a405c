"""The case review register: what its fields may hold, and the current register in the store.

A review (one row per case) is one of three kinds:

- ``rapid_review``: the rapid review that follows every serious incident notification, when it
  did not lead to a practice review;
- ``lcspr``: a local child safeguarding practice review (with the rapid review before it);
- ``legacy_scr``: a serious case review under the rules before Working Together 2018 (no
  notification to the national panel, no rapid review).

Dates: the local authority became aware of the incident (``incident_known_date``), notified the
Child Safeguarding Practice Review Panel (``notification_date``), completed the rapid review
(``rapid_review_date``), decided to hold a practice review (``decision_date``; blank means at the
rapid review, where the decision is normally made) and published it (``published_date``).

A review's date for themes and recommendations (``reviewed_on``) is its rapid review, the first
review of the case, or for a legacy serious case review its publication: recommendations exist
from that date. Recommendations have an owner agency, a due date, a status and, once
completed, the date they were completed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from boards.reviews.themes import theme_findings
from boards.store import Store

KINDS = {
    "rapid_review": "Rapid review",
    "lcspr": "Local child safeguarding practice review",
    "legacy_scr": "Serious case review (before 2018)",
}
KIND_SYNONYMS = {
    "rapid review": "rapid_review", "rr": "rapid_review",
    "local child safeguarding practice review": "lcspr", "child safeguarding practice review": "lcspr",
    "cspr": "lcspr", "practice review": "lcspr",
    "serious case review": "legacy_scr", "scr": "legacy_scr", "legacy serious case review": "legacy_scr",
    "legacy scr": "legacy_scr", "serious case review before 2018": "legacy_scr",
}
STATUSES = {"not_started": "Not started", "in_progress": "In progress", "completed": "Completed"}
STATUS_SYNONYMS = {"open": "in_progress", "started": "in_progress", "complete": "completed", "done": "completed"}
IMPACT_CHECKS = {"re_audit": "Re-audit", "practitioner_survey": "Practitioner survey",
                 "case_file_sample": "Case file sample", "none": "None"}
IMPACT_CHECK_SYNONYMS = {"audit": "re_audit", "reaudit": "re_audit", "survey": "practitioner_survey",
                         "case sample": "case_file_sample", "file sample": "case_file_sample", "not checked": "none"}
IMPACT_RESULTS = {"improved": "Improved", "partly_improved": "Partly improved", "not_improved": "Not improved"}
IMPACT_RESULT_SYNONYMS = {"partly": "partly_improved", "partial": "partly_improved", "no change": "not_improved",
                          "not improved": "not_improved", "worse": "not_improved"}
IMPACT_EVIDENCE_MONTHS = 6
AGENCIES = {
    "local_authority": "Local authority",
    "police": "Police",
    "health": "Health",
    "education": "Education",
    "probation": "Probation",
    "youth_justice": "Youth justice",
    "partnership": "Safeguarding partnership",
    "other": "Other agency",
}
AGENCY_SYNONYMS = {
    "la": "local_authority", "council": "local_authority", "children's social care": "local_authority",
    "childrens social care": "local_authority", "csc": "local_authority",
    "nhs": "health", "icb": "health", "integrated care board": "health",
    "schools": "education", "school": "education",
    "yjs": "youth_justice", "youth justice service": "youth_justice",
    "business unit": "partnership", "safeguarding children partnership": "partnership",
}
DATE_COLUMNS = ("incident_known_date", "notification_date", "rapid_review_date", "decision_date", "published_date")
REVIEW_FIELDS = ("partnership_id", "review_id", "kind", *DATE_COLUMNS)
THEME_FIELDS = ("partnership_id", "review_id", "theme_id")
RECOMMENDATION_FIELDS = ("partnership_id", "review_id", "recommendation_id", "owner_agency", "due_date", "status",
                         "completed_date", "themes", "impact_check", "impact_checked_date", "impact_result")
RECOMMENDATION_DATES = ("due_date", "completed_date", "impact_checked_date")
PUBLICATION_MONTHS = 6


def reviewed_on(reviews: pd.DataFrame) -> pd.Series:
    """The rapid review date, else (a legacy serious case review) the publication date."""
    return pd.to_datetime(reviews["rapid_review_date"]).fillna(pd.to_datetime(reviews["published_date"]))


def publication_deadline(reviews: pd.DataFrame) -> pd.Series:
    """6 calendar months after the decision to hold the review (its rapid review when no decision date is
    given), for practice reviews; NaT for the other kinds. 31 August + 6 months is 28 (29) February."""
    start = pd.to_datetime(reviews["decision_date"]).fillna(pd.to_datetime(reviews["rapid_review_date"]))
    deadline = start + pd.DateOffset(months=PUBLICATION_MONTHS)
    return deadline.where(reviews["kind"] == "lcspr")


@dataclass(frozen=True)
class Register:
    """Reviews (REVIEW_FIELDS + reviewed_on), their themes and their recommendations, as tidy frames."""

    reviews: pd.DataFrame
    themes: pd.DataFrame
    recommendations: pd.DataFrame

    @classmethod
    def of(cls, reviews: pd.DataFrame, themes: pd.DataFrame, recommendations: pd.DataFrame) -> Register:
        reviews = reviews.copy()
        for column in DATE_COLUMNS:
            reviews[column] = pd.to_datetime(reviews[column])
        reviews["reviewed_on"] = reviewed_on(reviews)
        recommendations = recommendations.copy()
        for column in RECOMMENDATION_DATES:
            recommendations[column] = pd.to_datetime(recommendations[column])
        return cls(reviews, themes, recommendations)

    def findings(self) -> pd.DataFrame:
        """Every theme of every dated review, whether it was seen again and whether it came back after a
        recommendation addressing it was signed off (boards.reviews.themes)."""
        return theme_findings(self.reviews, self.themes, self.recommendations)

    def recommendations_with_reviews(self) -> pd.DataFrame:
        """Recommendations with their review's kind and ``reviewed_on`` (the date they exist from)."""
        return self.recommendations.merge(
            self.reviews[["partnership_id", "review_id", "kind", "reviewed_on"]], on=["partnership_id", "review_id"]
        )

    def only(self, partnership_ids) -> Register:
        keep = set(partnership_ids)
        return Register(*(frame[frame["partnership_id"].isin(keep)].reset_index(drop=True)
                          for frame in (self.reviews, self.themes, self.recommendations)))

    @property
    def dates(self) -> pd.Series:
        """Every date the register holds."""
        parts = [self.reviews[c] for c in DATE_COLUMNS] + [self.recommendations[c] for c in RECOMMENDATION_DATES]
        return pd.concat([pd.to_datetime(p) for p in parts], ignore_index=True).dropna()


def current_register(store: Store) -> Register:
    """Every partnership's current register (the latest committed snapshot of each part)."""
    return Register.of(
        store.read("review_register_reviews"),
        store.read("review_register_themes"),
        store.read("review_register_recommendations"),
    )


def register_sources(store: Store) -> set[str]:
    """The sources (local, demo) of the loads the current register comes from."""
    return set(store.read("review_register_current")["source"])
