"""Indicators derived from the case review register, as observations for the comparison engine.

For each partnership and quarter (``E`` its last day), from the partnership's current register:

- ``serious_incident_notifications``: notifications made in the quarter (context, not judged);
- ``notification_timeliness``: of those, the percentage made within 5 working days of the local
  authority becoming aware of the incident (Children Act 2004 s16C; Working Together 2023);
- ``rapid_review_timeliness``: of the rapid reviews due in the quarter (15 working days after the
  serious incident notification: the national panel's timescale), the percentage completed by
  then; one not completed counts as late, so a review never finished is never left out;
- ``review_publication_timeliness``: of the practice reviews whose deadline, 6 months after the
  decision to hold them, fell in the quarter, the percentage published by it (unpublished = late);
- ``review_actions_overdue``: of the recommendations open at ``E`` (made by then, not completed by
  then), the percentage past their due date (due before ``E``);
- ``review_actions_days_overdue``: the median days overdue at ``E`` of those overdue, in whole days;
- ``recurring_review_themes``: of the themes found by reviews in the 12 months to ``E``, the
  percentage that recur (found by an earlier review within 3 years: boards.reviews.themes);
- ``review_actions_impact_evidenced``: of the recommendations completed 6 months or more before ``E``
  (when evidence of their impact is due), the percentage whose impact was checked (a re-audit, a
  practitioner survey or a case file sample) by ``E``;
- ``review_themes_after_sign_off``: of the themes found by reviews in the 12 months to ``E``, the
  percentage that came back after a recommendation addressing them was signed off
  (boards.reviews.themes): the learning did not take hold.

Working days exclude weekends and English bank holidays (boards.reviews.workdays); the day of the
event is day 0. With nothing to count, a figure is ``z`` (not applicable), never 0%.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from boards.periods import Period, quarter, quarters_between
from boards.reviews.register import IMPACT_EVIDENCE_MONTHS, Register, publication_deadline
from boards.reviews.workdays import add_working_days
from boards.store import OBSERVATION_COLUMNS

NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15
RECURRENCE_WINDOW_MONTHS = 12
REGISTER_INDICATORS = (
    "serious_incident_notifications",
    "notification_timeliness",
    "rapid_review_timeliness",
    "review_publication_timeliness",
    "review_actions_overdue",
    "review_actions_days_overdue",
    "recurring_review_themes",
    "review_actions_impact_evidenced",
    "review_themes_after_sign_off",
)
DERIVED_NOTE = "Derived from the case review register"
_NOTHING_TO_COUNT = {
    "notification_timeliness": "No serious incident notifications in the quarter",
    "rapid_review_timeliness": "No rapid review was due in the quarter",
    "review_publication_timeliness": "No practice review was due for publication in the quarter",
    "review_actions_overdue": "No review recommendations open at the quarter end",
    "review_actions_days_overdue": "No review recommendation overdue at the quarter end",
    "recurring_review_themes": "No review themes found in the 12 months to the quarter end",
    "review_actions_impact_evidenced": "No review recommendation completed 6 months or more before the quarter end",
    "review_themes_after_sign_off": "No review themes found in the 12 months to the quarter end",
}


def review_timeliness(reviews: pd.DataFrame) -> pd.DataFrame:
    """Each review's deadlines and whether it met them (NaN where a date needed is missing)."""
    timed = reviews.copy()
    timed["notification_deadline"] = add_working_days(timed["incident_known_date"], NOTIFICATION_WORKING_DAYS)
    timed["rapid_review_deadline"] = pd.to_datetime(
        pd.Series(add_working_days(timed["notification_date"], RAPID_REVIEW_WORKING_DAYS), index=timed.index))
    timed["publication_deadline"] = publication_deadline(timed)
    timed["notified_on_time"] = _met(timed["notification_date"], timed["notification_deadline"])
    timed["rapid_review_on_time"] = _by_deadline(timed["rapid_review_date"], timed["rapid_review_deadline"])
    timed["published_on_time"] = _by_deadline(timed["published_date"], timed["publication_deadline"])
    return timed


def _by_deadline(done: pd.Series, deadline: pd.Series) -> np.ndarray:
    """1 where done by the deadline, 0 where done later or not done at all, NaN where there is no deadline."""
    return np.where(deadline.isna(), np.nan, (done.notna() & (done <= deadline)).astype(float))


def _met(done: pd.Series, deadline) -> np.ndarray:
    deadline = pd.Series(pd.to_datetime(deadline), index=done.index)
    known = done.notna() & deadline.notna()
    return np.where(known, (done <= deadline).astype(float), np.nan)


def recommendations_as_at(recommendations: pd.DataFrame, as_at) -> pd.DataFrame:
    """Recommendations (with ``reviewed_on``) and their state at the end of day ``as_at``: made, open,
    overdue and days overdue."""
    end = pd.Timestamp(as_at)
    state = recommendations.copy()
    state["made"] = state["reviewed_on"].notna() & (state["reviewed_on"] <= end)
    state["open"] = state["made"] & ~(state["completed_date"] <= end)
    state["overdue"] = state["open"] & (state["due_date"] < end)
    state["days_overdue"] = np.where(state["overdue"], (end - state["due_date"]).dt.days, np.nan)
    return state


def impact_as_at(recommendations: pd.DataFrame, as_at) -> pd.DataFrame:
    """The recommendations completed by the end of day ``as_at``, with whether evidence of their impact is due (completed
    6 months or more before) and whether they have it (a check other than none made by then)."""
    end = pd.Timestamp(as_at)
    done = recommendations[recommendations["completed_date"] <= end].copy()
    done["evidence_due"] = done["completed_date"] + pd.DateOffset(months=IMPACT_EVIDENCE_MONTHS) <= end
    done["evidenced"] = (done["impact_check"].notna() & (done["impact_check"] != "none")
                         & (done["impact_checked_date"] <= end))
    return done


def median_days(days: pd.Series) -> float:
    """The median in whole days, halves rounded up (an even count may give 10.5 days: 11)."""
    return float(np.floor(days.median() + 0.5))


def derive_observations(register: Register, partnership_ids, quarters: list[Period]) -> pd.DataFrame:
    """Observations (OBSERVATION_COLUMNS) of REGISTER_INDICATORS for every partnership and quarter."""
    partnerships = sorted(set(partnership_ids))
    register = register.only(partnerships)
    timed = review_timeliness(register.reviews)
    recommendations = register.recommendations_with_reviews()
    findings = register.findings()
    rows = []
    for period in quarters:
        start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)

        def within(dates: pd.Series, first=start, last=end) -> pd.Series:
            return (dates >= first) & (dates <= last)

        notified = timed[within(timed["notification_date"])]
        counts = {
            "serious_incident_notifications": _count(notified, partnerships),
            "notification_timeliness": _share(notified, "notified_on_time", partnerships),
            "rapid_review_timeliness": _share(timed[within(timed["rapid_review_deadline"])], "rapid_review_on_time",
                                              partnerships),
            "review_publication_timeliness": _share(timed[within(timed["publication_deadline"])],
                                                    "published_on_time", partnerships),
        }
        state = recommendations_as_at(recommendations, end)
        open_now = state[state["open"]].assign(overdue=lambda f: f["overdue"].astype(float))
        counts["review_actions_overdue"] = _share(open_now, "overdue", partnerships)
        overdue = state[state["overdue"]]
        medians = overdue.groupby("partnership_id")["days_overdue"].agg(median_days).reindex(partnerships)
        counts["review_actions_days_overdue"] = pd.DataFrame({"value": medians, "numerator": np.nan,
                                                              "denominator": np.nan})
        window_start = end - pd.DateOffset(months=RECURRENCE_WINDOW_MONTHS) + pd.Timedelta(days=1)
        recent = findings[within(findings["reviewed_on"], window_start)].assign(
            recurs=lambda f: f["recurs"].astype(float))
        counts["recurring_review_themes"] = _share(recent, "recurs", partnerships)
        counts["review_themes_after_sign_off"] = _share(
            recent.assign(after_sign_off=recent["after_sign_off"].astype(float)), "after_sign_off", partnerships)
        impact = impact_as_at(register.recommendations, end)
        due = impact[impact["evidence_due"]]
        counts["review_actions_impact_evidenced"] = _share(due.assign(evidenced=due["evidenced"].astype(float)),
                                                           "evidenced", partnerships)
        for indicator_id, figures in counts.items():
            rows.append(_observations(indicator_id, period.period_id, figures))
    if not rows:
        return pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
    return pd.concat(rows, ignore_index=True)[list(OBSERVATION_COLUMNS)]


def _count(rows: pd.DataFrame, partnerships: list[str]) -> pd.DataFrame:
    counted = rows.groupby("partnership_id").size().reindex(partnerships, fill_value=0).astype(float)
    return pd.DataFrame({"value": counted, "numerator": np.nan, "denominator": np.nan})


def _share(rows: pd.DataFrame, flag: str, partnerships: list[str]) -> pd.DataFrame:
    """Numerator (rows with ``flag`` 1), denominator (rows where ``flag`` is known) and the percentage."""
    known = rows[rows[flag].notna()]
    grouped = known.groupby("partnership_id")[flag].agg(["sum", "count"]).reindex(partnerships, fill_value=0)
    numerator, denominator = grouped["sum"].astype(float), grouped["count"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.round(numerator / denominator * 100, 1)
    return pd.DataFrame({"value": value, "numerator": numerator, "denominator": denominator})


def _observations(indicator_id: str, period_id: str, figures: pd.DataFrame) -> pd.DataFrame:
    reported = figures["value"].notna().to_numpy()
    return pd.DataFrame(
        {
            "area_code": figures.index.to_numpy(dtype=object),
            "indicator_id": indicator_id,
            "period_id": period_id,
            "value": np.where(reported, figures["value"], np.nan),
            "numerator": np.where(reported, figures["numerator"], np.nan),
            "denominator": np.where(reported, figures["denominator"], np.nan),
            "status": np.where(reported, "reported", "z"),
            "note": np.where(reported, DERIVED_NOTE, _NOTHING_TO_COUNT.get(indicator_id, DERIVED_NOTE)),
        }
    )


# Rapid reviews and practice reviews began with Working Together 2018 (in force 29 June 2018).
EARLIEST_QUARTER = quarter(2018, 2)
DERIVED_QUARTERS = 12  # three years, the window of the recurrence rule


def quarter_of(day) -> Period:
    """The financial quarter a day falls in."""
    day = pd.Timestamp(day)
    fy = day.year if day.month >= 4 else day.year - 1
    return quarter(fy, (day.month - 4) % 12 // 3 + 1)


def derived_quarters(dates: pd.Series, today: date) -> list[Period]:
    """The quarters an upload derives figures for: from the quarter of the register's earliest date (not
    before Jul-Sep 2018, nor more than 12 quarters back) to the latest quarter ended by ``today``.
    Older quarters keep the figures derived when they were recent."""
    dates = pd.to_datetime(dates).dropna()
    last = quarter_of(quarter_of(today).start - timedelta(days=1))
    if dates.empty or dates.min().date() > last.end:
        return []
    recent = quarters_between(EARLIEST_QUARTER, last)[-DERIVED_QUARTERS:]
    first = max(quarter_of(dates.min()), recent[0])
    return [p for p in recent if p >= first]
