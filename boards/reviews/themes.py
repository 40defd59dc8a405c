"""The fixed taxonomy of review themes, and the rule that says when a theme recurs.

The taxonomy is data (``data/review_themes.csv``: theme_id, name, description), so that every
partnership codes its reviews the same way and themes can be compared across England.

Recurrence: a theme of a review *recurs* when an earlier review of the **same partnership**
found the same theme **within 3 years** before it. Precisely, with ``reviewed_on`` the date of
the review (its rapid review, the first review of the case; a legacy serious case review, which
had none, by its publication date), theme T of review B recurs when some review A of the same
partnership with theme T has

    reviewed_on(A) < reviewed_on(B) <= reviewed_on(A) + 3 years

- strictly earlier: two reviews on the same day found the theme together, not again;
- inclusive at 3 years: B on the third anniversary of A is within 3 years, the day after is not
  (29 February + 3 years is 28 February);
- reviews without a date (a rapid review still under way) have found nothing yet.
The earlier review named is the latest such A.
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
THEME_COLUMNS = ("theme_id", "name", "description")
RECURRENCE_YEARS = 3
FINDING_COLUMNS = ["partnership_id", "review_id", "kind", "theme_id", "reviewed_on", "recurs", "earlier_review_id",
                   "earlier_reviewed_on"]


class ThemeError(ValueError):
    """The theme taxonomy file is malformed."""


@dataclass(frozen=True)
class Theme:
    theme_id: str
    name: str
    description: str


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
            problems.append(f"line {line}: give a theme_id, a name and a description")
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


def theme_findings(reviews: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """Every theme of every dated review, with whether it recurs (FINDING_COLUMNS).

    ``reviews``: partnership_id, review_id, kind, reviewed_on; ``themes``: partnership_id,
    review_id, theme_id.
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
    return found[FINDING_COLUMNS].sort_values(["partnership_id", "reviewed_on", "review_id", "theme_id"],
                                              ignore_index=True)
