"""Deprivation context (boards/deprivation.py): IDACI 2019 by current LA and partnership, on the shipped file."""

import pandas as pd

from boards.deprivation import (
    area_deprivation,
    deprivation_text,
    partnership_deprivation,
    quintiles,
    read_partnership_deprivation,
)

CUMBRIA_NOTE = (
    "not available: the Indices of Deprivation 2019 give Cumbria as a whole, before it was split, and this area "
    "has no figure of its own"
)


def test_every_current_la_has_a_figure_or_a_reason(demo_store):
    """149 of the 153 LAs take their 2019 row; the four successors of Cumbria and Northamptonshire have none."""
    members = demo_store.read("deprivation_members")
    frame = area_deprivation(members["area_code"], demo_store.read("deprivation_aliases")).set_index("area_code")
    assert len(frame) == 153
    assert int(frame["idaci_score"].notna().sum()) == 149
    missing = frame[frame["idaci_score"].isna()]
    assert missing.index.tolist() == ["E06000061", "E06000062", "E06000063", "E06000064"]
    assert missing.loc["E06000063", "deprivation_note"] == CUMBRIA_NOTE
    # Middlesbrough is the most deprived (0.327, rank 1); recoded areas keep their 2019 rows.
    assert (frame.loc["E06000002", "idaci_score"], frame.loc["E06000002", "idaci_rank"]) == (0.327, 1)
    assert (frame.loc["E06000060", "idaci_score"], frame.loc["E06000060", "idaci_rank"]) == (0.085, 144)  # Bucks
    assert frame.loc["E08000038", "idaci_rank"] == 35  # Barnsley, E08000016 in 2019
    # Equal scores share a quintile, so the fifths are not exactly equal.
    assert frame["idaci_quintile"].value_counts().sort_index().tolist() == [29, 30, 30, 31, 29]


def test_partnership_text(demo_store):
    """A one-LA partnership reads as its LA; one without a figure says why."""
    frame = read_partnership_deprivation(demo_store).set_index("partnership_id")
    assert deprivation_text(frame.loc["E06000001"]) == (
        "28.3% of children income-deprived (IDACI 2019, rank 8 of 151; most deprived fifth)"
    )
    assert deprivation_text(frame.loc["E06000063"]) == CUMBRIA_NOTE


def test_a_partnership_of_several_las_weights_them_by_children():
    """(0.30 x 30,000 + 0.10 x 10,000) / 40,000 = 0.25; a member without a figure leaves the whole without one."""
    deprivation = pd.DataFrame(
        {
            "area_code": ["A", "B", "C", "D"],
            "idaci_score": [0.30, 0.10, 0.20, None],
            "idaci_rank": pd.array([1, 3, 2, None], dtype="Int64"),
            "idaci_quintile": pd.array([1, 3, 2, None], dtype="Int64"),
            "deprivation_note": ["", "", "", "not available: split"],
        }
    )
    members = pd.DataFrame(
        {
            "partnership_id": ["AB", "AB", "CD", "CD"],
            "area_code": ["A", "B", "C", "D"],
            "population_0_17": [30_000, 10_000, 5_000, 5_000],
        }
    )
    frame = partnership_deprivation(deprivation, members).set_index("partnership_id")
    assert frame.loc["AB", "idaci_score"] == 0.25
    assert pd.isna(frame.loc["AB", "idaci_rank"])  # a 2019 rank belongs to one LA
    assert pd.isna(frame.loc["CD", "idaci_score"])
    assert frame.loc["CD", "deprivation_note"] == "not available: split"


def test_quintiles_put_the_most_deprived_first():
    scores = pd.Series([0.5, 0.4, 0.3, 0.2, 0.1, None, 0.05, 0.45, 0.35, 0.25, 0.15])
    assert quintiles(scores).tolist() == [1, 2, 3, 4, 5, pd.NA, 5, 1, 2, 3, 4]


def test_partnerships_of_one_la_have_their_las_figures(demo_store):
    members = demo_store.read("deprivation_members")
    areas = area_deprivation(members["area_code"], demo_store.read("deprivation_aliases")).set_index("area_code")
    partnerships = read_partnership_deprivation(demo_store).set_index("partnership_id")
    assert partnerships["idaci_score"].equals(areas["idaci_score"].rename_axis("partnership_id"))
    assert partnerships["idaci_quintile"].equals(areas["idaci_quintile"].rename_axis("partnership_id"))
