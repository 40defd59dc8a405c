"""What changed since the previous period: rank movement, and flags new, cleared or persisting.

A flag here is what the profile lists as a concern: an indicator worse than England (at 95% or
99.8%, or an Ofsted judgement of concern) or a quarterly return not made ("did not report").
Both comparisons come from the engine (``boards.compare``); nothing is judged here.
"""

from __future__ import annotations

import pandas as pd

from boards.compare.engine import Comparison

FLAGGED = ("worse", "did not report")
NEW, CLEARED, PERSISTING = "new", "cleared", "persisting"


def previous_period_id(periods: pd.DataFrame, period_id: str) -> str | None:
    """The period of the same granularity that ended just before ``period_id`` (None for the first).

    ``periods`` has period_id, granularity and end_date (``compare_periods``)."""
    this = periods[periods["period_id"] == period_id]
    if this.empty:
        return None
    same = periods[(periods["granularity"] == this["granularity"].iloc[0])
                   & (pd.to_datetime(periods["end_date"]) < pd.to_datetime(this["end_date"].iloc[0]))]
    if same.empty:
        return None
    return str(same.sort_values("end_date")["period_id"].iloc[-1])


def _flagged(results: pd.DataFrame) -> pd.DataFrame:
    found = results[results["flag"].astype(str).isin(FLAGGED)]
    return found[["partnership_id", "indicator_id", "short_name", "flag"]].astype(str)


def flag_changes(current: Comparison, previous: Comparison) -> pd.DataFrame:
    """Every partnership's flags that are new, cleared or persisting since ``previous``.

    Columns: partnership_id, indicator_id, short_name, change, flag (now, or before for a cleared one)."""
    now, before = _flagged(current.area_results), _flagged(previous.area_results)
    keys = ["partnership_id", "indicator_id"]
    both = now.merge(before[keys], on=keys, how="outer", indicator=True)
    both = both.merge(before.rename(columns={"short_name": "_name_before", "flag": "_flag_before"}), on=keys, how="left")
    change = both["_merge"].map({"both": PERSISTING, "left_only": NEW, "right_only": CLEARED}).astype(str)
    table = pd.DataFrame({
        "partnership_id": both["partnership_id"],
        "indicator_id": both["indicator_id"],
        "short_name": both["short_name"].fillna(both["_name_before"]),
        "change": change,
        "flag": both["flag"].fillna(both["_flag_before"]),
    })
    order = {name: position for position, name in enumerate(current.area_results["indicator_id"].drop_duplicates())}
    table = table.assign(_order=table["indicator_id"].map(order).fillna(len(order)))
    return table.sort_values(["partnership_id", "_order"]).drop(columns="_order").reset_index(drop=True)


def since_previous(current: Comparison, previous: Comparison) -> pd.DataFrame:
    """One row per partnership of ``current``: its rank now and before, and its counts of flags new,
    cleared and persisting. ``rank_change`` > 0 means it moved up the list towards more concern."""
    ranks = current.scores[["partnership_id", "rank"]].merge(
        previous.scores[["partnership_id", "rank"]].rename(columns={"rank": "previous_rank"}),
        on="partnership_id", how="left")
    counts = flag_changes(current, previous).pivot_table(
        index="partnership_id", columns="change", values="indicator_id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=[NEW, CLEARED, PERSISTING], fill_value=0)
    table = ranks.merge(counts, left_on="partnership_id", right_index=True, how="left")
    table[[NEW, CLEARED, PERSISTING]] = table[[NEW, CLEARED, PERSISTING]].fillna(0).astype(int)
    table["rank_change"] = table["previous_rank"] - table["rank"]
    return table.rename(columns={NEW: "new_flags", CLEARED: "cleared_flags", PERSISTING: "persisting_flags"})


def rank_movement_words(rank: int, previous_rank: float, total: int) -> str:
    """'Rank 3 of 153 by concern, up from 5 last period' (1 is the partnership of most concern)."""
    if pd.isna(previous_rank):
        return f"rank {rank} of {total} by concern; no rank for the period before"
    previous_rank = int(previous_rank)
    if previous_rank == rank:
        return f"rank {rank} of {total} by concern, unchanged from the period before"
    direction = "towards more concern" if rank < previous_rank else "towards less concern"
    return f"rank {rank} of {total} by concern, from {previous_rank} in the period before ({direction})"


def since_words(since: pd.Series) -> str:
    """'3 new, 0 cleared flags; up 5 places': the overview's "since last quarter" cell (up is towards rank 1,
    the most concern)."""
    parts = [f"{int(since['new_flags'])} new", f"{int(since['cleared_flags'])} cleared"]
    if pd.isna(since["rank_change"]):
        movement = "not ranked before"
    elif since["rank_change"] == 0:
        movement = "same rank"
    else:
        places = abs(int(since["rank_change"]))
        movement = f"{'up' if since['rank_change'] > 0 else 'down'} {places} place{'s' if places > 1 else ''}"
    return ", ".join(parts) + f" flags; {movement}"
