"""Area cells to current LA codes through the reference aliases in the database."""

import pytest

from boards.imports.areas import AreaIndex, Resolution


@pytest.fixture(scope="module")
def areas(reference_db):
    from boards.store import Store

    store = Store(reference_db)
    index = AreaIndex.from_store(store)
    store.close()
    return index


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("E06000023", ("E06000023",)),
        ("801", ("E06000023",)),
        ("bristol", ("E06000023",)),
        ("Bristol, City of", ("E06000023",)),
        ("City of Bristol", ("E06000023",)),
        ("  BRISTOL  ", ("E06000023",)),
        ("Brighton & Hove", ("E06000043",)),
        ("Brighton and Hove", ("E06000043",)),
        ("Kingston upon Hull, City of", ("E06000010",)),
        ("County of Herefordshire", ("E06000019",)),
        ("e08000016", ("E08000038",)),
        ("City of London", ("E09000001",)),
    ],
)
def test_codes_and_names_resolve(areas, text, codes):
    """New codes, 3-digit codes, names in any case and spacing, & or and, City of variants, recoded codes."""
    assert areas.resolve(text) == Resolution(codes)


def test_former_area_with_one_successor_is_noted(areas):
    """Poole is now part of BCP; the figure says where it came from."""
    assert areas.resolve("Poole") == Resolution(("E06000058",), "Reported as Poole", former=True)
    assert areas.resolve("E06000029") == Resolution(("E06000058",), "Reported under former code E06000029", former=True)


def test_joint_return_covers_both_areas(areas):
    """Kingston and Richmond's shared trust, by names, ONS codes or DfE codes."""
    note = "Joint return for Kingston upon Thames / Richmond upon Thames"
    for text in ("Kingston upon Thames / Richmond upon Thames", "E09000021 / E09000027", "314 / 318"):
        assert areas.resolve(text) == Resolution(("E09000021", "E09000027"), note, joint=True)


def test_split_former_area_explains_the_split(areas):
    """Cumbria became two areas: the figure cannot be given to either."""
    assert areas.resolve("Cumbria").error == (
        '"Cumbria" is a former area now split between Cumberland (E06000063) and Westmorland and Furness '
        "(E06000064): give a row for each of them"
    )


def test_unknown_area_names_the_value_and_suggests(areas):
    """An unknown name is named back, with the closest real name when there is one."""
    assert areas.resolve("Kingstn upon Thames").error == (
        '"Kingstn upon Thames" is not a local authority we know: give its ONS code, 3-digit DfE code or name. '
        'Did you mean "Kingston upon Thames"?'
    )
    assert areas.resolve("Atlantis").error == (
        '"Atlantis" is not a local authority we know: give its ONS code, 3-digit DfE code or name'
    )
    assert areas.resolve("Kingston upon Thames / Atlantis").error == (
        '"Kingston upon Thames / Atlantis" is a joint return, but "Atlantis" is not a local authority we know: '
        "give its ONS code, 3-digit DfE code or name"
    )


@pytest.mark.parametrize(
    ("text", "what"),
    [("Total", "a total row"), ("ENGLAND", "a total row"), ("All", "a total row"), ("Grand total:", "a total row"),
     ("E92000001", "a total row"), ("North East", "a region's total row"), ("E12000001", "a region's total row")],
)
def test_a_total_row_is_named_as_such(areas, text, what):
    """A total row's area cell (Total, England, All, a region) is named a total row, not an unknown area."""
    assert areas.resolve(text).error == (
        f'"{text}" is {what}, not a local authority: delete the row. A return gives one row per local authority; '
        "England and regional figures come from DfE or are added up from them"
    )
