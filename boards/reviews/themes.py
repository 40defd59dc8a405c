"""The fixed taxonomy of review themes, and the rules that say when a theme comes back.

The taxonomy is data (``data/review_themes.csv``: theme_id, name, description, source), so that every
partnership codes its reviews the same way and themes can be compared across England. It covers the
recurring national themes of the Child Safeguarding Practice Review Panel's annual reports (babies
under one, domestic abuse, parental mental health, neglect, extra-familial harm, children not in
school, race and culture, information sharing, risk assessment) and themes common in local reviews;
each row names its source. Themes are only ever added, so older registers still load.

Two rules, with ``reviewed_on`` the date of a review (its rapid review, the first review of the
case; a legacy serious case review, which had none, by its publication date):

**Seen again** (``recurs``): theme T of review B is seen again when some review A of the **same
partnership** found T **within 3 years** before it:

    reviewed_on(A) < reviewed_on(B) <= reviewed_on(A) + 3 years

- strictly earlier: two reviews on the same day found the theme together, not again;
- inclusive at 3 years: B on the third anniversary of A is within 3 years, the day after is not
  (29 February + 3 years is 28 February);
- reviews without a date (a rapid review still under way) have found nothing yet.
The earlier review named is the latest such A.

**Came back after sign-off** (``after_sign_off``): the learning did not take hold. Theme T of
review B came back after sign-off when a recommendation R of the same partnership that addresses
T (its ``themes``) had been signed off as completed before B, within 3 years:

    completed_date(R) < reviewed_on(B) <= completed_date(R) + 3 years

A recommendation still open when B found T (completed on B's date or later, or not at all) does
not make it come back after sign-off: the theme is then only seen again. The recommendation named
is the latest signed off (ties: the last by review id and recommendation id).
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

THEMES_PATH = Path(__file__).resolve().parent.parent.parent / "data" / "review_themes.csv"
THEME_COLUMNS = ("theme_id", "name", "description", "source")
RECURRENCE_YEARS = 3
FINDING_COLUMNS = ["partnership_id", "review_id", "kind", "theme_id", "reviewed_on", "recurs", "earlier_review_id",
                   "earlier_reviewed_on", "after_sign_off", "signed_off_review_id", "signed_off_recommendation_id",
                   "signed_off_on"]
SIGN_OFF_COLUMNS = ["signed_off_review_id", "signed_off_recommendation_id", "signed_off_on"]
# The rules in words, as the data dictionary and the About page state them.
RECURRENCE_RULES = {
    "Seen again": (
        "A theme of a review is seen again when an earlier review of the same partnership found the same theme "
        f"within {RECURRENCE_YEARS} years before it (strictly earlier; the third anniversary counts, the day after "
        "does not). Reviews are dated by their rapid review, a serious case review from before 2018 by its "
        "publication."),
    "Came back after sign-off": (
        "A theme of a review came back after sign-off (the learning did not take hold) when a recommendation of the "
        "same partnership that addresses the theme had been signed off as completed before that review, within "
        f"{RECURRENCE_YEARS} years of the sign-off. A recommendation still open when the theme was found again "
        f"does not count, nor one signed off more than {RECURRENCE_YEARS} years before."),
}


class ThemeError(ValueError):
    """The theme taxonomy file is malformed."""


@dataclass(frozen=True)
class Theme:
    theme_id: str
    name: str
    description: str
    source: str  # where the theme comes from: the national panel's recurring themes, or local practice


def theme_key(text: str) -> str:
    """Case, spacing, hyphens and underscores do not matter: 'Voice of the child' == 'voice_of_the_child'."""
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


@functools.cache
def load_themes(path: Path = THEMES_PATH) -> tuple[Theme, ...]:
    """The taxonomy in file order; ThemeError lists every problem."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows or tuple(cell.strip() for cell in rows[0]) != THEME_COLUMNS:
        raise ThemeError(f"{path}: the header must be {','.join(THEME_COLUMNS)}")
    themes, problems, seen = [], [], set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(THEME_COLUMNS) or not all(cell.strip() for cell in row):
            problems.append(f"line {line}: give a theme_id, a name, a description and a source")
            continue
        theme = Theme(*(cell.strip() for cell in row))
        if not re.fullmatch(r"[a-z][a-z0-9_]*", theme.theme_id):
            problems.append(f"line {line}: {theme.theme_id!r} is not snake_case")
        keys = {theme_key(theme.theme_id), theme_key(theme.name)}
        if keys & seen:
            problems.append(f"line {line}: {theme.theme_id!r} repeats an earlier theme")
        seen |= keys
        themes.append(theme)
    if problems or not themes:
        raise ThemeError(f"{path}: " + ("; ".join(problems) or "no themes"))
    return tuple(themes)


def theme_names() -> dict[str, str]:
    return {theme.theme_id: theme.name for theme in load_themes()}


def resolve_theme(text: str) -> tuple[str | None, str | None]:
    """(theme id, None) for a theme given by id or name, else (None, why not, with a suggestion)."""
    keys = {}
    for theme in load_themes():
        keys[theme_key(theme.theme_id)] = theme.theme_id
        keys[theme_key(theme.name)] = theme.theme_id
    found = keys.get(theme_key(text))
    if found:
        return found, None
    reason = f'"{text}" is not a theme of the taxonomy (data/review_themes.csv)'
    guess = difflib.get_close_matches(theme_key(text), list(keys), n=1, cutoff=0.7)
    if guess:
        return None, reason + f'; did you mean "{theme_names()[keys[guess[0]]]}"?'
    return None, reason + ": the data dictionary lists them"


def theme_findings(reviews: pd.DataFrame, themes: pd.DataFrame, recommendations: pd.DataFrame) -> pd.DataFrame:
    """Every theme of every dated review, whether it was seen again and whether it came back after sign-off
    (FINDING_COLUMNS).

    ``reviews``: partnership_id, review_id, kind, reviewed_on; ``themes``: partnership_id, review_id, theme_id;
    ``recommendations``: partnership_id, review_id, recommendation_id, themes (theme ids separated by ';'),
    completed_date.
    """
    dated = reviews.loc[reviews["reviewed_on"].notna(), ["partnership_id", "review_id", "kind", "reviewed_on"]]
    found = themes.merge(dated, on=["partnership_id", "review_id"])
    found["reviewed_on"] = pd.to_datetime(found["reviewed_on"])
    if found.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    found = found.sort_values(["partnership_id", "theme_id", "reviewed_on", "review_id"], ignore_index=True)
    # The latest strictly earlier finding of the same theme in the same partnership: the previous date's
    # last row (rows on the same date share it).
    key = ["partnership_id", "theme_id"]
    last_on_date = found.groupby([*key, "reviewed_on"], sort=False).tail(1)
    earlier = last_on_date.assign(
        earlier_review_id=last_on_date["review_id"], earlier_reviewed_on=last_on_date["reviewed_on"]
    )[[*key, "reviewed_on", "earlier_review_id", "earlier_reviewed_on"]]
    earlier[["earlier_review_id", "earlier_reviewed_on"]] = earlier.groupby(key)[
        ["earlier_review_id", "earlier_reviewed_on"]].shift()
    found = found.merge(earlier, on=[*key, "reviewed_on"], how="left")
    limit = found["earlier_reviewed_on"] + pd.DateOffset(years=RECURRENCE_YEARS)
    found["recurs"] = found["earlier_reviewed_on"].notna() & (found["reviewed_on"] <= limit)
    lapsed = ~found["recurs"]
    found.loc[lapsed, "earlier_review_id"] = None
    found.loc[lapsed, "earlier_reviewed_on"] = pd.NaT
    found = found.merge(_latest_sign_off(found, recommendations), on=["partnership_id", "review_id", "theme_id"],
                        how="left")
    found["after_sign_off"] = found["signed_off_on"].notna()
    return found[FINDING_COLUMNS].sort_values(["partnership_id", "reviewed_on", "review_id", "theme_id"],
                                              ignore_index=True)


def addressed_themes(recommendations: pd.DataFrame) -> pd.DataFrame:
    """One row per recommendation and theme it addresses (its ``themes``, ids separated by ';')."""
    listed = recommendations["themes"].fillna("").astype(str).str.split(";")
    addressed = recommendations.assign(theme_id=listed).explode("theme_id")
    addressed["theme_id"] = addressed["theme_id"].str.strip()
    return addressed[addressed["theme_id"] != ""].reset_index(drop=True)


def _latest_sign_off(found: pd.DataFrame, recommendations: pd.DataFrame) -> pd.DataFrame:
    """For each finding that came back after sign-off, the latest recommendation signed off before it."""
    signed_off = addressed_themes(recommendations[recommendations["completed_date"].notna()])
    signed_off = signed_off.assign(signed_off_on=pd.to_datetime(signed_off["completed_date"]))[
        ["partnership_id", "theme_id", "review_id", "recommendation_id", "signed_off_on"]].rename(
        columns={"review_id": "signed_off_review_id", "recommendation_id": "signed_off_recommendation_id"})
    pairs = found[["partnership_id", "review_id", "theme_id", "reviewed_on"]].merge(
        signed_off, on=["partnership_id", "theme_id"])
    within = (pairs["signed_off_on"] < pairs["reviewed_on"]) & (
        pairs["reviewed_on"] <= pairs["signed_off_on"] + pd.DateOffset(years=RECURRENCE_YEARS))
    latest = pairs[within].sort_values(["signed_off_on", "signed_off_review_id", "signed_off_recommendation_id"])
    latest = latest.groupby(["partnership_id", "review_id", "theme_id"]).tail(1)
    return latest[["partnership_id", "review_id", "theme_id", *SIGN_OFF_COLUMNS]]
