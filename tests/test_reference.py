"""Tests for the reference data loader (boards/reference.py) against the real files in data/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from boards.reference import (
    DATA_DIR,
    REFERENCE_DIR,
    Reference,
    ReferenceDataError,
    load_reference,
    natural_name,
    normalise_area_key,
    resolve_area,
)

ENGLAND_POPULATION_0_17_2024 = 12_183_016


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private, writable copy of data/ whose files a test may edit."""
    # copyfile, not copytree: the originals are read-only and their modes must not follow.
    for source in REFERENCE_DIR.rglob("*"):
        if source.is_file():
            target = tmp_path / "reference" / source.relative_to(REFERENCE_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    shutil.copyfile(DATA_DIR / "partnerships.csv", tmp_path / "partnerships.csv")
    return tmp_path


def edit_partnerships(data_dir: Path, edit) -> None:
    path = data_dir / "partnerships.csv"
    frame = pd.read_csv(path, dtype=str)
    edit(frame).to_csv(path, index=False)


def test_reference_dir_is_inside_the_repository():
    """REFERENCE_DIR is data/reference beside the boards package."""
    assert REFERENCE_DIR == Path(__file__).resolve().parent.parent / "data" / "reference"


def test_nine_regions(ref):
    """Exactly the nine English regions E12000001-E12000009."""
    assert ref.regions["region_code"].tolist() == [f"E1200000{i}" for i in range(1, 10)]
    assert ref.regions.loc[ref.regions["region_code"] == "E12000003", "region_name"].item() == "Yorkshire and The Humber"


def test_153_current_areas(ref):
    """153 unique current upper-tier LAs, with ONS codes that include the 2025 recodings."""
    areas = ref.areas
    assert len(areas) == 153
    assert areas["area_code"].is_unique and areas["old_code"].is_unique
    assert {"E08000038", "E08000039", "E09000001", "E06000053"} <= set(areas["area_code"])
    assert not {"E08000016", "E08000019", "E10000006"} & set(areas["area_code"])
    barnsley = areas.set_index("area_code").loc["E08000038"]
    assert (barnsley["old_code"], barnsley["name"]) == ("370", "Barnsley")


def test_every_area_has_region_type_and_hex(ref):
    """Each area has a known region, an LA type and its own hex."""
    areas = ref.areas
    assert areas["region_code"].isin(ref.regions["region_code"]).all()
    assert areas[["la_type", "hex_q", "hex_r"]].notna().all().all()
    assert not areas.duplicated(["hex_q", "hex_r"]).any()
    assert areas.groupby("region_code").size().to_dict() == {
        "E12000001": 12, "E12000002": 24, "E12000003": 15, "E12000004": 10, "E12000005": 14,
        "E12000006": 11, "E12000007": 33, "E12000008": 19, "E12000009": 15,
    }


def test_la_type_counts(ref):
    """21 counties, 63 unitaries, 36 metropolitan districts, 33 London boroughs (incl. City of London)."""
    assert ref.areas["la_type"].value_counts().to_dict() == {
        "Unitary Authority": 63,
        "Metropolitan District": 36,
        "London Borough": 33,
        "County": 21,
    }
    # d2i labels these 2023 unitaries "County"; the E06 code wins.
    types = ref.areas.set_index("area_code")["la_type"]
    assert types[["E06000063", "E06000064", "E06000065"]].tolist() == ["Unitary Authority"] * 3


def test_hex_positions_follow_recoding(ref):
    """The hexjson's E08000016/E08000019 cells land on Barnsley and Sheffield's current codes."""
    hexes = ref.areas.set_index("area_code")[["hex_q", "hex_r"]]
    assert tuple(hexes.loc["E08000038"]) == (9, 11)
    assert tuple(hexes.loc["E08000039"]) == (9, 10)
    assert tuple(hexes.loc["E09000001"]) == (12, 5)


def test_ten_neighbours_each(ref):
    """153 x 10 neighbours, ranked 1..10, all current areas, never the area itself."""
    neighbours = ref.neighbours
    assert len(neighbours) == 1530
    assert (neighbours.groupby("area_code")["rank"].apply(list) == [list(range(1, 11))] * 153).all()
    assert neighbours["neighbour_code"].isin(ref.areas["area_code"]).all()
    assert (neighbours["neighbour_code"] != neighbours["area_code"]).all()
    assert not neighbours.duplicated(["area_code", "neighbour_code"]).any()


def test_closeness_labels_normalised(ref):
    """Closeness labels are trimmed to the five spellings, counted as in the file."""
    assert ref.neighbours["closeness"].value_counts().to_dict() == {
        "Very close": 820,
        "Close": 513,
        "Somewhat close": 136,
        "Not close": 49,
        "Extremely close": 12,
    }


def test_barnsley_first_neighbour(ref):
    """Barnsley's nearest 2025 neighbour is Rotherham (372), via old codes."""
    first = ref.neighbours[(ref.neighbours["area_code"] == "E08000038") & (ref.neighbours["rank"] == 1)]
    assert first["neighbour_code"].item() == "E08000018"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("370", ["E08000038"]),
        ("E08000016", ["E08000038"]),
        ("e08000019", ["E08000039"]),
        ("E10000006", ["E06000063", "E06000064"]),
        ("909", ["E06000063", "E06000064"]),
        ("Cumbria", ["E06000063", "E06000064"]),
        ("E10000021", ["E06000061", "E06000062"]),
        ("Poole", ["E06000058"]),
        ("E10000009", ["E06000059"]),
        ("E06000048", ["E06000057"]),
        ("E08000020", ["E08000037"]),
        ("Kingston upon Hull, City of", ["E06000010"]),
        ("city of kingston-upon-hull", ["E06000010"]),
        ("Kingston upon Hull", ["E06000010"]),
        ("Bristol, City of", ["E06000023"]),
        ("City of Bristol", ["E06000023"]),
        ("Bristol", ["E06000023"]),
        ("Herefordshire, County of", ["E06000019"]),
        ("St. Helens", ["E08000013"]),
        ("St Helens", ["E08000013"]),
        ("Telford & Wrekin", ["E06000020"]),
        ("Stockton on Tees", ["E06000004"]),
        ("Bournemouth, Christchurch and Poole", ["E06000058"]),
        ("City of London", ["E09000001"]),
        ("London", []),
        ("Kingston upon Thames / Richmond upon Thames", ["E09000021", "E09000027"]),
        ("314 / 318", ["E09000021", "E09000027"]),
        ("E09000021 / E09000027", ["E09000021", "E09000027"]),
        ("Brent / Atlantis", []),
        ("Atlantis", []),
    ],
)
def test_resolve_area(ref, text, expected):
    """Codes, former codes and name variants resolve to the current area codes."""
    assert resolve_area(ref, text) == expected


def test_resolve_area_accepts_aliases_frame(ref):
    """resolve_area works on the aliases DataFrame as well as the Reference."""
    assert resolve_area(ref.aliases, "Sheffield") == ["E08000039"]


def test_names_are_shown_title_first(ref):
    """ONS's inverted names are shown as people write them, the title first, for areas and partnerships alike;
    their ONS forms still resolve."""
    assert natural_name("Bristol, City of") == "City of Bristol"
    assert natural_name("Herefordshire, County of") == "County of Herefordshire"
    assert natural_name("Bournemouth, Christchurch and Poole") == "Bournemouth, Christchurch and Poole"
    assert natural_name("City of London") == "City of London"
    names = ref.areas.set_index("area_code")["name"]
    assert names[["E06000010", "E06000019", "E06000023", "E09000001"]].tolist() == [
        "City of Kingston upon Hull", "County of Herefordshire", "City of Bristol", "City of London"]
    partnerships = ref.partnerships.set_index("area_code")["name"]
    assert partnerships[["E06000019", "E06000023"]].tolist() == ["County of Herefordshire", "City of Bristol"]
    assert not ref.areas["name"].str.contains(", (?:City|County) of$").any()


def test_normalise_area_key():
    """Case, spacing, '&', punctuation and hyphens fold; codes keep their form."""
    assert normalise_area_key("  Telford &  Wrekin ") == "telford and wrekin"
    assert normalise_area_key("Kingston-upon-Hull, City of") == "kingston upon hull city of"
    assert normalise_area_key("St. Helens") == "st helens"
    assert normalise_area_key("e06000001") == "E06000001"
    assert normalise_area_key(" 805 ") == "805"


def test_alias_kinds(ref):
    """Aliases are unique per (key, area) and typed; recodings and former codes are told apart."""
    aliases = ref.aliases
    assert not aliases.duplicated(["alias_key", "area_code"]).any()
    assert set(aliases["kind"]) == {"new_code", "old_code", "recoded_code", "former_code", "name", "former_name"}
    kinds = aliases.set_index(["alias_key", "area_code"])["kind"]
    assert kinds[("E08000016", "E08000038")] == "recoded_code"
    assert kinds[("E08000019", "E08000039")] == "recoded_code"
    assert kinds[("E10000006", "E06000063")] == "former_code"
    assert kinds[("E10000002", "E06000060")] == "former_code"
    assert kinds[("poole", "E06000058")] == "former_name"
    assert kinds[("825", "E06000060")] == "old_code"
    assert "london" not in set(aliases["alias_key"])
    assert not aliases["alias_key"].str.contains("/").any()


def test_population_2024_sums_to_england(ref):
    """The 153 areas' 2024 populations aged 0-17 add up exactly to the National row."""
    pop_2024 = ref.population[ref.population["year"] == 2024]
    assert len(pop_2024) == 153
    assert pop_2024["population_0_17"].sum() == ENGLAND_POPULATION_0_17_2024


def test_population_known_values(ref):
    """Barnsley (filed as E08000016) and Isles of Scilly 2024, read from the file."""
    pop = ref.population.set_index(["area_code", "year"])["population_0_17"]
    assert pop[("E08000038", 2024)] == 51799
    assert pop[("E06000053", 2024)] == 319
    assert pop[("E06000060", 2019)] == 122137  # filed under the county code E10000002


def test_population_former_areas_not_split_or_summed(ref):
    """Cumbria's years are not given to its successors, and BCP starts in 2019."""
    pop = ref.population
    assert pop.loc[pop["area_code"] == "E06000063", "year"].tolist() == [2023, 2024]
    assert pop.loc[pop["area_code"] == "E06000058", "year"].min() == 2019
    assert pop.loc[pop["area_code"] == "E06000059", "year"].min() == 2019
    assert len(pop) == 1935
    assert not pop.duplicated(["area_code", "year"]).any()
    assert pop["area_code"].isin(ref.areas["area_code"]).all()
    assert pop["year"].between(2012, 2024).all()


def test_inspections_latest_from_2026_file(ref):
    """Barnsley and Cumberland carry the scrape file's grade and end date."""
    inspections = ref.inspections
    barnsley = inspections[inspections["area_code"] == "E08000038"].iloc[-1]
    assert barnsley["overall_grade"] == 2
    assert barnsley["overall_label"] == "Good"
    assert barnsley["end_date"] == pd.Timestamp("2023-09-15")
    assert barnsley["start_date"] == pd.Timestamp("2023-09-11")
    cumberland = inspections[inspections["area_code"] == "E06000063"].iloc[-1]
    assert (cumberland["overall_grade"], cumberland["end_date"]) == (2, pd.Timestamp("2024-10-18"))
    assert cumberland["inspection_type"] == "ILACS standard inspection"
    dorset = inspections[inspections["area_code"] == "E06000059"].iloc[-1]
    assert (dorset["overall_grade"], dorset["end_date"]) == (1, pd.Timestamp("2025-03-21"))


def test_inspections_deduplicated_against_history(ref):
    """An inspection in both files appears once, from the scrape, with history filling its gaps."""
    inspections = ref.inspections
    barnsley = inspections[inspections["area_code"] == "E08000038"]
    assert barnsley["start_date"].tolist() == [pd.Timestamp("2018-10-08"), pd.Timestamp("2023-09-11")]
    assert barnsley["source"].tolist() == ["ofsted_history_2025", "ilacs_scrape_2026"]
    # The scrape lost Brighton and Hove's dates; the history row with its publication day supplies them.
    brighton = inspections[inspections["area_code"] == "E06000043"].iloc[-1]
    assert brighton["start_date"] == pd.Timestamp("2024-03-11")
    assert brighton["publication_date"] == pd.Timestamp("2024-05-16")
    assert brighton["overall_grade"] == 1
    assert not inspections.duplicated(["area_code", "start_date"]).any()


def test_inspections_shape_and_types(ref):
    """Every area has a latest inspection; dates are datetimes and grades Int64 1..4 or missing."""
    inspections = ref.inspections
    assert len(inspections) == 312
    assert set(inspections["area_code"]) == set(ref.areas["area_code"])
    assert (inspections["source"] == "ilacs_scrape_2026").sum() == 153
    for column in ("start_date", "end_date", "publication_date"):
        assert pd.api.types.is_datetime64_any_dtype(inspections[column])
    assert str(inspections["overall_grade"].dtype) == "Int64"
    assert inspections["overall_grade"].dropna().between(1, 4).all()
    ungraded = inspections.loc[inspections["overall_grade"].isna(), "area_code"].tolist()
    assert ungraded == ["E06000066", "E09000005"]  # Somerset and Brent, April 2026, no grade recorded
    assert set(inspections["inspection_type"]) == {"ILACS standard inspection", "ILACS short inspection"}
    finished = inspections["end_date"].fillna(inspections["start_date"])
    assert finished.notna().all()
    assert (inspections.assign(finished=finished).groupby("area_code")["finished"].is_monotonic_increasing).all()


def test_inspections_of_abolished_councils_dropped(ref):
    """Cumbria's 2022 judgement is not passed to Cumberland or Westmorland and Furness."""
    inspections = ref.inspections
    assert len(inspections[inspections["area_code"] == "E06000063"]) == 1
    assert len(inspections[inspections["area_code"] == "E06000064"]) == 1


def test_default_partnerships_one_per_area(ref):
    """By default each LA is its own partnership, named after it."""
    partnerships = ref.partnerships
    assert len(partnerships) == 153
    assert (partnerships["partnership_id"] == partnerships["area_code"]).all()
    names = ref.areas.set_index("area_code")["name"]
    assert (partnerships.set_index("area_code")["name"] == names.reindex(partnerships["area_code"])).all()


def test_partnerships_file_sorted_by_area_code():
    """data/partnerships.csv holds 153 rows sorted by area_code."""
    frame = pd.read_csv(DATA_DIR / "partnerships.csv", dtype=str)
    assert frame.columns.tolist() == ["partnership_id", "partnership_name", "area_code"]
    assert len(frame) == 153
    assert frame["area_code"].is_monotonic_increasing


def test_multi_la_partnership(data_copy):
    """Two rows sharing an id and name make one partnership of two LAs."""
    members = ["E10000003", "E06000031"]

    def merge(frame: pd.DataFrame) -> pd.DataFrame:
        rows = frame["area_code"].isin(members)
        frame.loc[rows, "partnership_id"] = "P-CAMBS-PBORO"
        frame.loc[rows, "partnership_name"] = "Cambridgeshire and Peterborough"
        return frame

    edit_partnerships(data_copy, merge)
    partnerships = load_reference(data_copy).partnerships
    assert partnerships["partnership_id"].nunique() == 152
    joint = partnerships[partnerships["partnership_id"] == "P-CAMBS-PBORO"]
    assert joint["area_code"].tolist() == ["E06000031", "E10000003"]
    assert set(joint["name"]) == {"Cambridgeshire and Peterborough"}


def test_partnership_unknown_area(data_copy):
    """A member that is not a current area is rejected, with a hint for a recoded one."""
    edit_partnerships(data_copy, lambda f: f.replace({"area_code": {"E08000038": "E08000016"}}))
    with pytest.raises(ReferenceDataError, match=r"unknown area code 'E08000016' \(did you mean E08000038\?\)"):
        load_reference(data_copy)


def test_partnership_area_in_two(data_copy):
    """An LA listed under two partnerships is rejected, naming the LA."""
    extra = pd.DataFrame([{"partnership_id": "P-EXTRA", "partnership_name": "Extra", "area_code": "E06000031"}])
    edit_partnerships(data_copy, lambda f: pd.concat([f, extra]))
    with pytest.raises(ReferenceDataError, match=r"E06000031 \(Peterborough\) is in more than one partnership"):
        load_reference(data_copy)


def test_partnership_area_in_none(data_copy):
    """An LA left out of every partnership is rejected, naming the LA."""
    edit_partnerships(data_copy, lambda f: f[f["area_code"] != "E09000001"])
    with pytest.raises(ReferenceDataError, match=r"no partnership: E09000001 \(City of London\)"):
        load_reference(data_copy)


def test_partnership_blank_name(data_copy):
    """A member row without a partnership name is rejected, naming the LA."""

    def blank(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame["area_code"] == "E06000001", "partnership_name"] = ""
        return frame

    edit_partnerships(data_copy, blank)
    with pytest.raises(ReferenceDataError, match=r"blank .* E06000001 \(Hartlepool\)"):
        load_reference(data_copy)


def test_partnership_two_names_for_one_id(data_copy):
    """One partnership id with two different names is rejected."""

    def clash(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame["area_code"].isin(["E10000003", "E06000031"]), "partnership_id"] = "P-CAMBS-PBORO"
        return frame

    edit_partnerships(data_copy, clash)
    with pytest.raises(ReferenceDataError, match="P-CAMBS-PBORO has more than one name"):
        load_reference(data_copy)


def test_missing_reference_file(data_copy):
    """A missing raw file raises ReferenceDataError naming it."""
    (data_copy / "reference" / "dfe" / "sn_model_2025_wide.csv").unlink()
    with pytest.raises(ReferenceDataError, match="sn_model_2025_wide.csv"):
        load_reference(data_copy)


def test_inspections_keep_ofsteds_sub_judgements(ref):
    """Somerset's inspection of April 2026 has no overall grade (Ofsted ended it in 2026) but its four
    sub-judgements: leadership, help and protection and children in care Requires improvement (3), care
    leavers Good (2). Its grade is their mean rounded half up, Requires improvement, not missing; an earlier
    inspection keeps its overall grade and, from before care leavers were judged on their own, has none for them."""
    from boards.demo import inspection_grade

    somerset = ref.inspections[ref.inspections["area_code"] == "E06000066"].set_index("start_date")
    latest = somerset.loc[pd.Timestamp("2026-04-27")]
    assert pd.isna(latest["overall_grade"])
    assert latest[["leadership_grade", "help_protection_grade", "in_care_grade", "care_leavers_grade"]].tolist() == [
        3, 3, 3, 2
    ]
    assert inspection_grade(somerset).tolist() == [2.0, 3.0]
    assert pd.isna(somerset.loc[pd.Timestamp("2022-07-18"), "care_leavers_grade"])
