"""What an upload would do, figure by figure, and which loads an actor may roll back.

``ImportPlan.summary`` counts the figures a commit would add, change or leave unchanged
(``Store.preview_load``). Before confirming, an uploader also needs to see WHICH current values
their file replaces, by partnership and indicator: ``planned_figures`` compares the plan with
the stored figures by the same rule as the store (a figure changes when its value, counts,
status, note or source differ), and its counts equal the plan's. ``load_history`` lists every
load with whether the actor may roll it back, decided by ``pipeline.check_rollback``, the very
check ``pipeline.rollback`` makes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from boards.access import Actor, PermissionDenied
from boards.catalogue import Indicator
from boards.imports.pipeline import ImportPlan, check_rollback
from boards.store import Store

ACTIONS = ("add", "change", "unchanged")
STATUS_WORDS = {
    "c": "c (confidential)",
    "x": "x (not available)",
    "z": "z (not applicable)",
    "low": "low (rounds to 0)",
    "u": "u (low reliability)",
    "missing": "missing",
}
# The stored fields a change is judged on (as the store's staging does), in the words shown to the uploader.
_COMPARED = {"value": "value", "numerator": "counts", "denominator": "counts", "status": "status", "note": "note"}
FIGURE_COLUMNS = ["partnership_name", "area_code", "area_name", "indicator_id", "indicator_name", "period_id",
                  "action", "current", "new", "what_changes", "current_source", "current_load_id"]


def figure_texts(values: ArrayLike, statuses: ArrayLike, numerators: ArrayLike,
                 denominators: ArrayLike) -> pd.Series:
    """Stored figures in words: "85.7143 (6 of 7)", "x (not available)", or "" where there is none. Each
    distinct number and status is written once and the words joined column by column."""
    status = pd.Categorical(statuses)
    words = pd.Series(np.asarray(status.map(lambda s: STATUS_WORDS.get(s, s)), dtype=object)).fillna("")
    value, numerator, denominator = (_numbers(numbers) for numbers in (values, numerators, denominators))
    counted = (numerator != "") & (denominator != "")
    reported = value.where(~counted, value + " (" + numerator + " of " + denominator + ")")
    return reported.where(np.asarray(status == "reported"), words.astype("str"))


def planned_figures(store: Store, plan: ImportPlan, indicators: Mapping[str, Indicator]) -> pd.DataFrame:
    """Every figure of the plan with what committing it does: add, change (from what) or leave unchanged.

    Columns FIGURE_COLUMNS; ``current`` and ``new`` are figure_texts, ``what_changes`` names the
    fields that differ ("value, source"). Benchmarks of a DfE file are not listed (the summary counts them).
    """
    incoming = plan.observations
    if incoming.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    current = store.read(
        "upload_current_figures",
        area_codes=sorted(incoming["area_code"].unique()),
        indicator_ids=sorted(incoming["indicator_id"].unique()),
    )
    key = ["area_code", "indicator_id", "period_id"]
    both = incoming.merge(current, on=key, how="left", suffixes=("", "_current"), indicator="found")
    found = (both.pop("found") == "both").to_numpy()
    differs = pd.DataFrame({column: _distinct(both[column], both[f"{column}_current"]) for column in _COMPARED})
    differs["source"] = both["source"].ne(plan.source).to_numpy()
    changed = found & differs.any(axis=1).to_numpy()
    action = pd.Series("unchanged", index=both.index).where(found, "add").where(~changed, "change")
    what_changes = pd.Series("", index=both.index, dtype="str")
    what_changes[changed] = [
        _changed_fields(row, old_source, plan.source)
        for row, old_source in zip(differs[changed].to_dict("records"), both["source"][changed])
    ]
    names = store.table("areas").set_index("area_code")["name"]
    partnerships = store.table("partnerships").drop_duplicates("area_code").set_index("area_code")["name"]
    return pd.DataFrame(
        {
            "partnership_name": both["area_code"].map(partnerships).fillna(both["area_code"]),
            "area_code": both["area_code"],
            "area_name": both["area_code"].map(names).fillna(both["area_code"]),
            "indicator_id": both["indicator_id"],
            "indicator_name": both["indicator_id"].map({i: indicator.name for i, indicator in indicators.items()})
            .fillna(both["indicator_id"]),
            "period_id": both["period_id"],
            "action": pd.Categorical(action, categories=ACTIONS),
            # A figure not yet stored has no status, so no words.
            "current": figure_texts(both["value_current"], both["status_current"], both["numerator_current"],
                                    both["denominator_current"]),
            "new": figure_texts(both["value"], both["status"], both["numerator"], both["denominator"]),
            "what_changes": what_changes,
            "current_source": both["source"].where(found, None),
            "current_load_id": both["load_id"].astype("Int64"),
        },
        columns=FIGURE_COLUMNS,
    ).sort_values(["partnership_name", "indicator_name", "period_id", "area_code"], ignore_index=True)


def by_partnership_and_indicator(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures to add, change and leave unchanged, per partnership and indicator, with the periods."""
    columns = ["partnership_name", "indicator_name", "periods", *ACTIONS]
    if figures.empty:
        return pd.DataFrame(columns=columns)
    groups = figures.groupby(["partnership_name", "indicator_name"], sort=True, observed=True)
    counts = groups["action"].value_counts().unstack(fill_value=0).reindex(columns=list(ACTIONS), fill_value=0)
    periods = groups["period_id"].agg(lambda p: ", ".join(sorted(set(p))))
    return counts.assign(periods=periods).rename_axis(columns=None).reset_index()[columns]


LOAD_SOURCE_WORDS = {"local": "quarterly return", "published": "published", "demo": "demonstration"}


def loads_in_words(loads: pd.DataFrame) -> pd.DataFrame:
    """``loads`` with ``status`` and ``source`` as a reader says them: "imported", or "rolled back by
    ana, 03 Nov 2026 14:05"; "quarterly return", "published", "demonstration"."""
    status = [
        "imported" if row.status == "committed"
        else f"rolled back by {row.rolled_back_by}, {pd.Timestamp(row.rolled_back_at):%d %b %Y %H:%M}"
        for row in loads.itertuples()
    ]
    return loads.assign(status=status, source=loads["source"].map(LOAD_SOURCE_WORDS).fillna(loads["source"]))


def load_history(store: Store, actor: Actor | None) -> pd.DataFrame:
    """Every load, newest first, with ``may_roll_back``: committed and allowed for this actor by the core's check."""
    loads = store.loads().iloc[::-1].reset_index(drop=True)
    allowed = []
    for load in loads.itertuples():
        if load.status != "committed":
            allowed.append(False)
            continue
        try:
            check_rollback(store, actor, load_id=load.load_id, loaded_by=load.loaded_by)
        except PermissionDenied:
            allowed.append(False)
        else:
            allowed.append(True)
    return loads.assign(may_roll_back=allowed)


def _changed_fields(differs: dict[str, bool], old_source: str, new_source: str) -> str:
    """The fields that differ, in words: "value, counts, source (demo to local)"."""
    words = [_COMPARED[column] for column in _COMPARED if differs[column]]
    if differs["source"]:
        words.append(f"source ({old_source} to {new_source})")
    return ", ".join(dict.fromkeys(words))


def _numbers(numbers: ArrayLike) -> pd.Series:
    """Each number with thousands separators and at most four decimals ("1,234.5"), "" for a blank; each
    distinct number is written once."""
    codes, distinct = pd.factorize(pd.Series(np.asarray(numbers, dtype=float)))
    texts = [f"{number:,.4f}".rstrip("0").rstrip(".") for number in distinct]
    return pd.Series(np.array([*texts, ""], dtype=object)[codes], dtype="str")


def _distinct(new: pd.Series, old: pd.Series) -> pd.Series:
    """IS DISTINCT FROM, as SQL: two blanks are the same, a blank and a value differ."""
    new_blank, old_blank = new.isna(), old.isna()
    equal = (new_blank & old_blank) | (~new_blank & ~old_blank & (new.astype(object) == old.astype(object)))
    return ~equal
