"""Deprivation as context: the Income Deprivation Affecting Children Index (IDACI) of each LA.

Deprivation is the best-evidenced predictor of Ofsted's judgements of children's services (Webb,
Bennett and Bywaters 2022), so each partnership's score is shown beside it, and the Overview can
compare a partnership with those of similar deprivation as well as with its statistical
neighbours. Deprivation is context only: it never enters the concern score.

Source: English Indices of Deprivation 2019, File 11 (upper-tier LA summaries), IDACI sheet
(``data/reference/deprivation/``, MHCLG, Open Government Licence v3.0). The figure used is the
IDACI average score: the population-weighted mean over the area's LSOAs of the share of children
aged 0 to 15 living in income-deprived families (0.283 for Hartlepool: 28.3%), and its rank among
the 151 upper-tier areas of 2019 (1 = most deprived).

2019 geography onto the 153 current LAs: recoded areas (Buckinghamshire, North Yorkshire and
Somerset, whose footprints did not change; Barnsley and Sheffield) take their 2019 row. Cumbria
and Northamptonshire were split after 2019 (Cumberland and Westmorland and Furness; North and West
Northamptonshire); File 11 has no row for their successors, and the IoD 2025 lower-tier figures
cannot be combined into them without LSOA child populations, which the project does not hold, so
they are "not available" with that reason rather than given their former county's figure.

Quintiles are of the current LAs with a figure (1 = the most deprived fifth), by average score. A
partnership of several LAs takes its members' average weighted by their children aged 0 to 17
(the latest ONS mid-year estimate): close to, not exactly, the IoD's own LSOA-weighted average.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from boards.reference import REFERENCE_DIR, resolve_area
from boards.store import Store

IDACI_FILE = REFERENCE_DIR / "deprivation" / "IoD2019_File_11_UTLA_summaries__IDACI.csv"
QUINTILES = 5
SPLIT_SINCE_2019 = (
    "not available: the Indices of Deprivation 2019 give {former} as a whole, before it was split, and "
    "this area has no figure of its own"
)
DEPRIVATION_COLUMNS = ["area_code", "idaci_score", "idaci_rank", "idaci_quintile", "deprivation_note"]


def area_deprivation(area_codes: pd.Series, aliases: pd.DataFrame) -> pd.DataFrame:
    """One row per current LA (``area_codes``): IDACI average score and 2019 rank, quintile, and why a figure is
    missing; the 2019 codes are resolved through the reference ``aliases``."""
    raw = pd.read_csv(IDACI_FILE, dtype=str, encoding="utf-8-sig")
    raw.columns = [" ".join(column.split()) for column in raw.columns]  # the sheet's stray spaces
    rows, notes = [], {}
    for code, name, score, rank in zip(
        raw["Upper Tier Local Authority District code (2019)"], raw["Upper Tier Local Authority District name (2019)"],
        raw["IDACI - Average score"], raw["IDACI - Rank of average score"],
    ):
        successors = resolve_area(aliases, code)
        if len(successors) == 1:
            rows.append((successors[0], float(score), int(rank)))
        else:
            notes |= {area: SPLIT_SINCE_2019.format(former=name) for area in successors}
    found = pd.DataFrame(rows, columns=["area_code", "idaci_score", "idaci_rank"])
    frame = pd.DataFrame({"area_code": area_codes}).merge(found, on="area_code", how="left")
    frame["idaci_rank"] = frame["idaci_rank"].astype("Int64")
    frame["idaci_quintile"] = quintiles(frame["idaci_score"])
    frame["deprivation_note"] = frame["area_code"].map(notes).fillna("")
    return frame[DEPRIVATION_COLUMNS]


def quintiles(score: pd.Series) -> pd.Series:
    """1 for the most deprived fifth of the scores given (highest IDACI score) to 5 for the least; <NA> where
    there is no score. Ties share the lower quintile."""
    position = score.rank(ascending=False, method="min")
    known = int(score.notna().sum())
    quintile = np.ceil(position / known * QUINTILES)
    return quintile.astype("Int64")


def read_partnership_deprivation(store: Store) -> pd.DataFrame:
    """``partnership_deprivation`` of the partnerships in the store."""
    members = store.read("deprivation_members")
    return partnership_deprivation(area_deprivation(members["area_code"], store.read("deprivation_aliases")), members)


def partnership_deprivation(deprivation: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """One row per partnership of ``members`` (partnership_id, area_code, population_0_17): its IDACI score
    (members weighted by children aged 0 to 17), 2019 rank when it is one LA, quintile among partnerships, and
    the note of a member without a figure (then the partnership has none)."""
    members = members.merge(deprivation, on="area_code", how="left")
    members["weighted"] = members["idaci_score"] * members["population_0_17"]
    grouped = members.groupby("partnership_id", sort=True)
    frame = pd.DataFrame(
        {
            "weighted": grouped["weighted"].sum(min_count=1),
            "children": grouped["population_0_17"].sum(min_count=1),
            "complete": grouped["idaci_score"].agg(lambda scores: bool(scores.notna().all())),
            "members": grouped["area_code"].size(),
            "deprivation_note": grouped["deprivation_note"].agg(lambda notes: "; ".join(n for n in notes if n)),
        }
    )
    # At the published 3 decimals, so that a partnership of one LA has exactly its LA's score (and its ties).
    frame["idaci_score"] = np.where(frame["complete"], (frame["weighted"] / frame["children"]).round(3), np.nan)
    single = frame["members"] == 1
    by_area = deprivation.set_index("area_code")["idaci_rank"]
    own_rank = grouped["area_code"].first().map(by_area)
    frame["idaci_rank"] = own_rank.where(single).astype("Int64")  # a 2019 rank belongs to one LA
    frame["idaci_quintile"] = quintiles(frame["idaci_score"])
    frame = frame.reset_index()
    return frame[["partnership_id", "idaci_score", "idaci_rank", "idaci_quintile", "deprivation_note"]]


def deprivation_text(row: pd.Series) -> str:
    """'28.3% of children income-deprived (IDACI 2019, rank 8 of 151; most deprived fifth)', or why there is none."""
    if pd.isna(row["idaci_score"]):
        return row["deprivation_note"] or "not available"
    rank = f", rank {row['idaci_rank']} of 151" if pd.notna(row["idaci_rank"]) else ""
    quintile = QUINTILE_NAMES[int(row["idaci_quintile"])]
    return f"{row['idaci_score'] * 100:.1f}% of children income-deprived (IDACI 2019{rank}; {quintile})"


QUINTILE_NAMES = {
    1: "most deprived fifth",
    2: "second most deprived fifth",
    3: "middle fifth",
    4: "second least deprived fifth",
    5: "least deprived fifth",
}
