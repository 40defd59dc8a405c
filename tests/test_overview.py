"""The Overview's core (boards/overview.py): filters, headline and map areas, on the demo database
and on small frames where a partnership covers several LAs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boards.compare.engine import compare
from boards.overview import (
    Filters,
    OverviewReference,
    area_concern,
    headline,
    league_table,
    matching_partnerships,
    read_reference,
)

NEWCASTLE_AND_ITS_NEIGHBOURS = {
    "E06000002", "E06000009", "E06000018", "E06000044", "E06000045", "E08000003",
    "E08000006", "E08000021", "E08000025", "E08000035", "E08000039",
}


@pytest.fixture(scope="module")
def reference(demo_store) -> OverviewReference:
    return read_reference(demo_store)


@pytest.fixture(scope="module")
def latest(demo_store):
    return compare(demo_store, "2026-27 Q2")


@pytest.fixture
def joint() -> tuple[pd.DataFrame, OverviewReference]:
    """Three LAs in two partnerships: Cambridgeshire (a county) with Peterborough (a unitary)."""
    scores = pd.DataFrame(
        {
            "rank": [1, 2],
            "partnership_id": ["CAMBS_PETERBOROUGH", "E06000033"],
            "partnership_name": ["Cambridgeshire and Peterborough", "Southend-on-Sea"],
            "region_code": ["E12000006", "E12000006"],
            "score": [20.0, float("nan")],
            "summary": ["2 worse, of 20 assessed", "nothing assessed"],
            "worse": [2, 0], "worse_99_8": [1, 0], "worsening": [0, 0], "did_not_report": [0, 0], "tested": [18, 0],
            "rank_low": [1, 2], "rank_high": [2, 2], "score_low": [15.0, float("nan")], "score_high": [25.0, float("nan")],
            "invented_share": [0.25, float("nan")],
        }
    )
    reference = OverviewReference(
        local_authorities=pd.DataFrame(
            {
                "area_code": ["E06000031", "E10000003", "E06000033"],
                "name": ["Peterborough", "Cambridgeshire", "Southend-on-Sea"],
                "la_type": ["Unitary Authority", "County", "Unitary Authority"],
                "region_code": ["E12000006"] * 3,
                "hex_q": [10, 11, 12],
                "hex_r": [8, 8, 6],
                "partnership_id": ["CAMBS_PETERBOROUGH", "CAMBS_PETERBOROUGH", "E06000033"],
            }
        ),
        regions=pd.DataFrame({"region_code": ["E12000006"], "region_name": ["East of England"]}),
        neighbours=pd.DataFrame({"partnership_id": ["E06000033"], "neighbour_id": ["CAMBS_PETERBOROUGH"]}),
        deprivation=pd.DataFrame(
            {
                "partnership_id": ["CAMBS_PETERBOROUGH", "E06000033"],
                "idaci_score": [0.151, None],
                "idaci_rank": pd.array([None, None], dtype="Int64"),
                "idaci_quintile": pd.array([4, None], dtype="Int64"),
                "deprivation_note": ["", "not available: no 2019 figure"],
            }
        ),
    )
    return scores, reference


def test_reference_holds_every_la_with_its_type_hex_and_partnership(reference):
    authorities = reference.local_authorities
    assert len(authorities) == 153
    assert authorities["la_type"].value_counts().to_dict() == {
        "Unitary Authority": 63, "Metropolitan District": 36, "London Borough": 33, "County": 21,
    }
    hartlepool = authorities.set_index("area_code").loc["E06000001"]
    assert (hartlepool["hex_q"], hartlepool["hex_r"], hartlepool["partnership_id"]) == (12, 14, "E06000001")
    assert reference.la_types() == ["County", "London Borough", "Metropolitan District", "Unitary Authority"]
    assert list(reference.region_names().values())[:2] == ["North East", "North West"]


def test_no_filter_keeps_every_partnership(latest, reference):
    assert not Filters().active()
    assert matching_partnerships(latest.scores, reference, Filters()) == set(latest.scores["partnership_id"].astype(str))


def test_region_filter_uses_the_engines_region(latest, reference):
    north_east = matching_partnerships(latest.scores, reference, Filters(region_names=("North East",)))
    assert len(north_east) == 12
    assert north_east == set(latest.scores.loc[latest.scores["region_code"] == "E12000001", "partnership_id"].astype(str))


def test_neighbours_filter_is_the_partnership_and_its_ten_neighbours(latest, reference):
    chosen = matching_partnerships(latest.scores, reference, Filters(neighbours_of="E08000021"))
    assert chosen == NEWCASTLE_AND_ITS_NEIGHBOURS


def test_filters_combine(latest, reference):
    assert len(matching_partnerships(latest.scores, reference, Filters(la_types=("Metropolitan District",)))) == 36
    both = Filters(region_names=("North East", "London"), la_types=("Metropolitan District",))
    assert len(matching_partnerships(latest.scores, reference, both)) == 5
    assert matching_partnerships(
        latest.scores, reference, Filters(region_names=("North East",), neighbours_of="E08000021")
    ) == {"E06000002", "E08000021"}


def test_a_partnership_of_several_las_has_each_of_their_types(joint):
    scores, reference = joint
    assert matching_partnerships(scores, reference, Filters(la_types=("County",))) == {"CAMBS_PETERBOROUGH"}
    assert matching_partnerships(scores, reference, Filters(la_types=("Unitary Authority",))) == {
        "CAMBS_PETERBOROUGH", "E06000033",
    }
    assert matching_partnerships(scores, reference, Filters(neighbours_of="E06000033")) == {
        "E06000033", "CAMBS_PETERBOROUGH",
    }


def test_similar_deprivation_is_the_same_idaci_quintile(latest, reference):
    """Newcastle upon Tyne (24.7% of children income-deprived) is in the most deprived fifth of partnerships
    by IDACI: 29 of them; a partnership with no figure (Cumberland) is compared with itself only."""
    chosen = matching_partnerships(latest.scores, reference, Filters(similar_deprivation_to="E08000021"))
    assert len(chosen) == 29 and "E08000021" in chosen
    quintiles = reference.deprivation.set_index("partnership_id")["idaci_quintile"]
    assert set(quintiles[list(chosen)]) == {1}
    assert Filters(similar_deprivation_to="E08000021").active()
    assert matching_partnerships(latest.scores, reference, Filters(similar_deprivation_to="E06000063")) == {"E06000063"}
    both = Filters(neighbours_of="E08000021", similar_deprivation_to="E08000021")
    assert matching_partnerships(latest.scores, reference, both) == {"E08000021", *(
        set(reference.neighbours_of("E08000021")) & chosen)}


def test_league_table_shows_deprivation_beside_the_score(joint):
    scores, reference = joint
    table = league_table(scores, reference).set_index("partnership_id")
    assert table.loc["CAMBS_PETERBOROUGH", ["idaci_score", "deprivation"]].tolist() == [15.1, "second least deprived fifth"]
    assert pd.isna(table.loc["E06000033", "idaci_score"])
    assert table.loc["E06000033", "deprivation"] == "not available: no 2019 figure"


def test_league_table_says_how_much_of_each_score_is_invented(joint):
    """A quarter of the weight on invented figures reads '25% invented'; no score, 'none'."""
    scores, reference = joint
    table = league_table(scores, reference).set_index("partnership_id")
    assert table["invented"].to_dict() == {"CAMBS_PETERBOROUGH": "25% invented", "E06000033": "none"}


def test_every_la_of_a_partnership_takes_its_score(joint):
    scores, reference = joint
    areas = area_concern(reference, league_table(scores, reference)).set_index("area_code")
    assert areas.loc[["E06000031", "E10000003"], "score"].tolist() == [20.0, 20.0]
    assert areas.loc["E10000003", "partnership_name"] == "Cambridgeshire and Peterborough"
    assert pd.isna(areas.loc["E06000033", "score"])


def test_league_table_is_the_engines_scores_with_region_names(latest, reference):
    table = league_table(latest.scores, reference)
    scores = latest.scores
    assert table["partnership_id"].tolist() == scores["partnership_id"].astype(str).tolist()
    assert table["rank"].tolist() == scores["rank"].tolist()
    assert table["score"].tolist() == scores["score"].tolist()
    assert table.loc[0, ["partnership_name", "region_name", "rank_interval"]].tolist() == [
        "Kensington and Chelsea", "London", "1 (1-3)"
    ]
    assert table.loc[1, "region_name"] == "East Midlands"
    assert table.loc[0, ["idaci_score", "deprivation"]].tolist() == [12.9, "second least deprived fifth"]


def test_headline_counts_and_names_the_highest_concerns(latest, reference):
    summary = headline(league_table(latest.scores, reference))
    assert (summary.partnerships, summary.strong, summary.any_worse, summary.not_reporting) == (153, 2, 82, 15)
    assert summary.top_sentence() == (
        "Highest concern score: Kensington and Chelsea (2.02), Nottingham (1.98) and Dudley (1.94)."
    )
    # What chance alone gives each partnership's number of tests, summed: 1 - 0.9715^k for any worse (2.85% a
    # test, the rate of "worse" at 95% the engine's verdicts gave in the simulation benchmark).
    tested = latest.scores["tested"].to_numpy(dtype=float)
    assert summary.chance_any_worse == pytest.approx(float(np.sum(1 - 0.9715**tested)))
    assert summary.chance_sentence().startswith(
        f"By chance alone, with no real difference and each partnership's number of tests, about "
        f"{summary.chance_any_worse:.0f} would be worse than England on at least one indicator"
    )


def test_headline_without_concern_says_so(joint):
    scores, reference = joint
    calm = league_table(scores.assign(score=[0.0, float("nan")], worse=[0, 0], worse_99_8=[0, 0]), reference)
    summary = headline(calm)
    assert (summary.strong, summary.any_worse, summary.top) == (0, 0, ())
    assert summary.top_sentence() == "No partnership has a concern score above 0."
