"""What the Overview page needs besides the comparison: its filters, its headline and its map.

- ``OverviewReference`` (read once per data version): each LA with its type, hex and partnership;
  region names; each partnership's statistical neighbours (``boards/sql``).
- ``Filters`` and ``matching_partnerships``: region, LA type, "statistical neighbours of X" and
  "similar deprivation to X" (the same IDACI quintile, ``boards/deprivation.py``).
- ``headline``: how many partnerships are worse than England beyond the 99.8% limit on several
  indicators, and which are of highest concern, straight from ``Comparison.scores``.
- ``league_table`` and ``area_concern``: the scores with region names and deprivation beside them, and
  per LA for the map.

No Streamlit here; nothing is re-derived: every figure is a row or a count of the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from boards.compare.score import (
    CHANCE_WORSE_95,
    CHANCE_WORSE_99_8,
    chance_of_any_worse,
    chance_of_strong,
    invented_words,
    rank_text,
)
from boards.deprivation import QUINTILE_NAMES, read_partnership_deprivation
from boards.store import Store

STRONG_FLAGS = 3  # "worse beyond 99.8% on 3 or more indicators": the headline's count
TOP_CONCERNS = 3  # partnerships named in the headline


@dataclass(frozen=True)
class OverviewReference:
    local_authorities: pd.DataFrame  # area_code, name, la_type, region_code, hex_q, hex_r, partnership_id
    regions: pd.DataFrame  # region_code, region_name
    neighbours: pd.DataFrame  # partnership_id, neighbour_id
    # partnership_id, idaci_score, idaci_rank, idaci_quintile, deprivation_note (boards/deprivation.py)
    deprivation: pd.DataFrame

    def region_names(self) -> dict[str, str]:
        return dict(zip(self.regions["region_code"], self.regions["region_name"]))

    def la_types(self) -> list[str]:
        return sorted(self.local_authorities["la_type"].unique())

    def neighbours_of(self, partnership_id: str) -> list[str]:
        rows = self.neighbours[self.neighbours["partnership_id"] == partnership_id]
        return rows["neighbour_id"].tolist()

    def similar_deprivation_to(self, partnership_id: str) -> list[str]:
        """The partnerships in the same IDACI quintile as ``partnership_id`` (none when it has no figure)."""
        quintile = self.deprivation.set_index("partnership_id")["idaci_quintile"].get(partnership_id)
        if quintile is None or pd.isna(quintile):
            return []
        return self.deprivation.loc[self.deprivation["idaci_quintile"] == quintile, "partnership_id"].tolist()


def read_reference(store: Store) -> OverviewReference:
    return OverviewReference(
        local_authorities=store.read("overview_local_authorities"),
        regions=store.read("compare_regions"),
        neighbours=store.read("compare_neighbours"),
        deprivation=read_partnership_deprivation(store),
    )


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the Overview to; empty means every partnership."""

    region_names: tuple[str, ...] = ()
    la_types: tuple[str, ...] = ()
    neighbours_of: str | None = None
    similar_deprivation_to: str | None = None

    def active(self) -> bool:
        return bool(self.region_names or self.la_types or self.neighbours_of or self.similar_deprivation_to)


def matching_partnerships(scores: pd.DataFrame, reference: OverviewReference, filters: Filters) -> set[str]:
    """Ids of the partnerships that pass every filter (all of them when none is set).

    A partnership is in a region when the engine puts it there (the region of most of its LAs),
    of an LA type when any of its LAs is, and among the neighbours of X when it is X or holds
    the DfE statistical neighbours of X's LAs, and of similar deprivation to X when it is in X's IDACI
    quintile (only X when X has no figure).
    """
    chosen = set(scores["partnership_id"].astype(str))
    if filters.region_names:
        codes = {code for code, name in reference.region_names().items() if name in filters.region_names}
        chosen &= set(scores.loc[scores["region_code"].isin(codes), "partnership_id"].astype(str))
    if filters.la_types:
        authorities = reference.local_authorities
        chosen &= set(authorities.loc[authorities["la_type"].isin(filters.la_types), "partnership_id"])
    if filters.neighbours_of:
        chosen &= {filters.neighbours_of, *reference.neighbours_of(filters.neighbours_of)}
    if filters.similar_deprivation_to:
        chosen &= {filters.similar_deprivation_to, *reference.similar_deprivation_to(filters.similar_deprivation_to)}
    return chosen


def league_table(scores: pd.DataFrame, reference: OverviewReference) -> pd.DataFrame:
    """``Comparison.scores`` in rank order with each region's name and deprivation (a new frame; scores
    untouched): ``idaci_score`` as a percentage of children, ``deprivation`` in words (its quintile, or
    why there is no figure) and ``invented`` the share of the score resting on invented figures, in words."""
    table = scores[
        ["rank", "partnership_id", "partnership_name", "region_code", "score", "summary",
         "worse", "worse_99_8", "worsening", "did_not_report", "tested", "rank_low", "rank_high", "score_low",
         "score_high"]
    ].copy()
    table.insert(1, "rank_interval", [rank_text(*ranks) for ranks in zip(
        table["rank"], table["rank_low"], table["rank_high"], strict=True)])
    table.insert(5, "region_name", table["region_code"].map(reference.region_names()))
    deprivation = reference.deprivation.set_index("partnership_id")
    ids = table["partnership_id"].astype(str)
    table["idaci_score"] = (ids.map(deprivation["idaci_score"]) * 100).round(1)
    table["deprivation"] = [deprivation_words(deprivation, pid) for pid in ids]
    table["invented"] = [invented_words(share) for share in scores["invented_share"]]
    table["partnership_id"] = table["partnership_id"].astype(str)
    table["partnership_name"] = table["partnership_name"].astype(str)
    return table.sort_values("rank", kind="stable").reset_index(drop=True)  # ties keep the engine's order


def deprivation_words(deprivation: pd.DataFrame, partnership_id: str) -> str:
    """'most deprived fifth', or 'not available' and why (``deprivation`` indexed by partnership id)."""
    if partnership_id not in deprivation.index:
        return "not available"
    row = deprivation.loc[partnership_id]
    if pd.isna(row["idaci_quintile"]):
        return row["deprivation_note"] or "not available"
    return QUINTILE_NAMES[int(row["idaci_quintile"])]


@dataclass(frozen=True)
class Headline:
    partnerships: int  # how many the headline is about
    strong: int  # worse beyond 99.8% (or 3 robust SDs) on STRONG_FLAGS or more indicators
    any_worse: int  # worse than England on at least one indicator
    not_reporting: int  # did not report at least one indicator they should have
    top: tuple[tuple[str, float], ...]  # (name, score) of the highest concerns with a score above 0
    chance_strong: float  # how many partnerships chance alone would put at ``strong``, given their tests
    chance_any_worse: float  # how many chance alone would make worse on at least one indicator

    def chance_sentence(self) -> str:
        return (
            f"By chance alone, with no real difference and each partnership's number of tests, about "
            f"{self.chance_any_worse:.0f} would be worse than England on at least one indicator and "
            f"{self.chance_strong:.1f} worse beyond 99.8% or 3 robust SDs on {STRONG_FLAGS} or more (chance as "
            f"the engine's verdicts gave it in the simulation benchmark: {100 * CHANCE_WORSE_95:.2f}% a test at 95%, "
            f"{100 * CHANCE_WORSE_99_8:.3f}% at 99.8%)."
        )

    def top_sentence(self) -> str:
        if not self.top:
            return "No partnership has a concern score above 0."
        names = [f"{name} ({score:.2f})" for name, score in self.top]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"Highest concern score: {listed}."


def headline(table: pd.DataFrame) -> Headline:
    """Counts over ``table`` (rows of ``Comparison.scores``, in rank order)."""
    concerning = table[table["score"] > 0].sort_values("rank", kind="stable").head(TOP_CONCERNS)
    return Headline(
        partnerships=len(table),
        strong=int((table["worse_99_8"] >= STRONG_FLAGS).sum()),
        any_worse=int((table["worse"] > 0).sum()),
        not_reporting=int((table["did_not_report"] > 0).sum()),
        top=tuple(zip(concerning["partnership_name"].astype(str), concerning["score"].astype(float))),
        chance_strong=float(chance_of_strong(table["tested"], STRONG_FLAGS).sum()),
        chance_any_worse=float(chance_of_any_worse(table["tested"]).sum()),
    )


def area_concern(reference: OverviewReference, table: pd.DataFrame) -> pd.DataFrame:
    """One row per LA with its partnership's name, rank (and its interval), score and summary (hexes are LAs)."""
    scored = table[["partnership_id", "partnership_name", "rank", "rank_interval", "score", "summary"]]
    return reference.local_authorities.merge(scored, on="partnership_id", how="left")
