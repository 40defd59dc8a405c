"""Partnerships an administrator defines (boards/partnerships.py): merges, moves, dissolving, uploaders tied
to a partnership, history and audit, `boards init` keeping the edits; then a two-LA partnership end to end on
a copy of the demo database (its comparison, Overview row and profile).

The LAs are real (data/reference); the footprints made here are examples, not real partnerships' footprints.
"""

from __future__ import annotations

import shutil
import textwrap

import duckdb
import pandas as pd
import pytest

from boards.access import Actor, PermissionDenied, system_actor
from boards.accounts import actor_for, add_user, set_partnerships
from boards.catalogue import load_catalogue
from boards.compare.engine import compare
from boards.demo import prepare_reference
from boards.overview import league_table, read_reference
from boards.partnerships import (
    PartnershipError,
    assign_areas,
    create_partnership,
    dissolve_partnership,
    edited_history,
    footprint_table,
    rename_partnership,
)
from boards.profile import partnership_results
from boards.reference import load_reference
from boards.store import MIGRATIONS, AuditEntry, Store, StoreError, utc_now
from tests.postgres_server import on_both_back_ends

OPERATOR = system_actor("tester")
CAMBRIDGESHIRE, PETERBOROUGH = "E10000003", "E06000031"
READING, WEST_BERKSHIRE, WOKINGHAM = "E06000038", "E06000037", "E06000041"


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture
def store(store_location, reference):
    """A database as `boards init` leaves it: reference data and catalogue, one partnership per LA."""
    store = Store.open(store_location)
    prepare_reference(store, reference, load_catalogue())
    yield store
    store.close()


def members_of(store: Store, partnership_id: str) -> list[str]:
    members = store.partnership_members()
    return members.loc[members["partnership_id"] == partnership_id, "area_code"].tolist()


def test_as_shipped_each_la_is_its_own_partnership_and_nothing_is_edited(store):
    table = footprint_table(store)
    assert len(table) == 153
    assert table["member_count"].unique().tolist() == [1]
    assert len(store.partnership_history()) == 153
    assert edited_history(store).empty


@on_both_back_ends
def test_a_merge_is_an_assign_then_a_rename_with_history_and_audit(store):
    """Peterborough joins Cambridgeshire's partnership, which is then named for both: Peterborough's own
    partnership ends, and the history says what belonged to what, from when to when."""
    version = store.data_version()
    moved = assign_areas(store, OPERATOR, CAMBRIDGESHIRE, ["peterborough"])
    assert moved.summary == (
        "Cambridgeshire (E10000003) covers Cambridgeshire, Peterborough. Peterborough moved from Peterborough "
        "(E06000031) to Cambridgeshire (E10000003). Peterborough (E06000031) ended."
    )
    renamed = rename_partnership(store, OPERATOR, CAMBRIDGESHIRE, "Cambridgeshire and Peterborough")
    assert renamed.summary == (
        "Cambridgeshire (E10000003) is renamed Cambridgeshire and Peterborough. Cambridgeshire and Peterborough "
        "(E10000003) covers Cambridgeshire, Peterborough."
    )
    assert members_of(store, CAMBRIDGESHIRE) == [PETERBOROUGH, CAMBRIDGESHIRE]
    assert PETERBOROUGH not in store.partnership_names()
    assert store.partnership_names()[CAMBRIDGESHIRE] == "Cambridgeshire and Peterborough"
    assert len(footprint_table(store)) == 152
    # Every edit adds history rows, so the key of the dashboard's cached comparisons changes.
    assert store.data_version() == (version[0], version[1], 153 + 1 + 2)

    history = edited_history(store)
    history = history.sort_values(["area_code", "valid_from"], na_position="first")
    history = history.astype(object).where(history.notna(), None)
    rows = [(r.area_code, r.partnership_id, r.name, r.valid_from is None, r.valid_to is None, r.opened_by,
             r.closed_by) for r in history.itertuples()]
    assert rows == [
        (PETERBOROUGH, PETERBOROUGH, "Peterborough", True, False, None, "system:tester"),
        (PETERBOROUGH, CAMBRIDGESHIRE, "Cambridgeshire", False, False, "system:tester", "system:tester"),
        (PETERBOROUGH, CAMBRIDGESHIRE, "Cambridgeshire and Peterborough", False, True, "system:tester", None),
        (CAMBRIDGESHIRE, CAMBRIDGESHIRE, "Cambridgeshire", True, False, None, "system:tester"),
        (CAMBRIDGESHIRE, CAMBRIDGESHIRE, "Cambridgeshire and Peterborough", False, True, "system:tester", None),
    ]
    # The footprint in force is exactly the history's open rows.
    open_rows = store.partnership_history().query("valid_to.isna()")
    assert len(open_rows) == 153 and set(open_rows["partnership_id"]) == set(store.partnership_names())

    audit = store.audit_log()
    assert audit[["actor", "action", "target"]].values.tolist()[-2:] == [
        ["system:tester", "partnership_areas_assigned", CAMBRIDGESHIRE],
        ["system:tester", "partnership_renamed", CAMBRIDGESHIRE],
    ]
    assert audit["detail"].iloc[-2] == moved.summary


def test_create_takes_each_la_from_where_it_was_and_a_move_narrows_the_uploaders_of_the_other(store):
    """Berkshire West is formed from three one-LA partnerships; Wokingham then moves to another partnership,
    and the uploader for Berkshire West no longer uploads for it (the summary names them)."""
    created = create_partnership(store, OPERATOR, "P-BERKS-W", " Berkshire  West ", ["E06000037", "Reading", "Wokingham"])
    assert created.summary == (
        "Berkshire West (P-BERKS-W) covers Reading, West Berkshire, Wokingham. "
        "Reading moved from Reading (E06000038) to Berkshire West (P-BERKS-W). "
        "West Berkshire moved from West Berkshire (E06000037) to Berkshire West (P-BERKS-W). "
        "Wokingham moved from Wokingham (E06000041) to Berkshire West (P-BERKS-W). "
        "West Berkshire (E06000037) ended. Reading (E06000038) ended. Wokingham (E06000041) ended."
    )
    add_user(store, OPERATOR, username="wes", display_name="Wes", role="uploader", password="wes uploads berkshire",
             partnership_ids=["P-BERKS-W"])
    assert actor_for(store, "wes").area_codes == {"P-BERKS-W", READING, WEST_BERKSHIRE, WOKINGHAM}

    create_partnership(store, OPERATOR, "P-EAST-BERKS", "East Berkshire", ["Bracknell Forest", "Windsor and Maidenhead"])
    moved = assign_areas(store, OPERATOR, "P-EAST-BERKS", [WOKINGHAM])
    assert moved.summary.endswith(
        "Wokingham moved from Berkshire West (P-BERKS-W) to East Berkshire (P-EAST-BERKS). "
        "wes no longer uploads for Wokingham."
    )
    assert actor_for(store, "wes").area_codes == {"P-BERKS-W", READING, WEST_BERKSHIRE}
    assert members_of(store, "P-BERKS-W") == [WEST_BERKSHIRE, READING]


@on_both_back_ends
def test_ending_a_partnership_someone_uploads_for_is_refused_until_they_are_moved(store):
    """An uploader's scope never widens or empties by itself: merging Peterborough away is refused while Pat
    uploads for it, and goes through once an administrator has chosen what Pat uploads for."""
    add_user(store, OPERATOR, username="pat", display_name="Pat", role="uploader", password="pat uploads peterborough",
             partnership_ids=[PETERBOROUGH])
    audit_rows = len(store.audit_log())
    with pytest.raises(PartnershipError) as refused:
        assign_areas(store, OPERATOR, CAMBRIDGESHIRE, [PETERBOROUGH])
    assert str(refused.value) == (
        "Nothing was changed: this would end a partnership someone uploads for (Peterborough (E06000031) is what "
        "pat uploads for). A change of partnerships never widens or empties what an uploader may send, so first "
        "give them what they should upload for now (Administration, Users, 'Uploads for', or 'boards users "
        "set-areas'), then repeat this change."
    )
    assert members_of(store, PETERBOROUGH) == [PETERBOROUGH]
    assert len(store.audit_log()) == audit_rows
    assert edited_history(store).empty
    assert actor_for(store, "pat").area_codes == {PETERBOROUGH}

    set_partnerships(store, OPERATOR, "pat", [CAMBRIDGESHIRE])
    assign_areas(store, OPERATOR, CAMBRIDGESHIRE, [PETERBOROUGH])
    assert actor_for(store, "pat").area_codes == {CAMBRIDGESHIRE, PETERBOROUGH}
    # Dissolved, Cambridgeshire's partnership lives on with Cambridgeshire alone: Pat's scope narrows, named.
    dissolved = dissolve_partnership(store, OPERATOR, CAMBRIDGESHIRE)
    assert dissolved.summary.endswith("pat no longer uploads for Peterborough.")
    assert actor_for(store, "pat").area_codes == {CAMBRIDGESHIRE}


@on_both_back_ends
def test_dissolving_returns_each_la_to_a_partnership_of_its_own(store):
    create_partnership(store, OPERATOR, "P-CAMBS-PBORO", "Cambridgeshire and Peterborough", [CAMBRIDGESHIRE, PETERBOROUGH])
    dissolved = dissolve_partnership(store, OPERATOR, "P-CAMBS-PBORO")
    assert dissolved.summary == (
        "Cambridgeshire moved from Cambridgeshire and Peterborough (P-CAMBS-PBORO) to Cambridgeshire (E10000003). "
        "Peterborough moved from Cambridgeshire and Peterborough (P-CAMBS-PBORO) to Peterborough (E06000031). "
        "Cambridgeshire and Peterborough (P-CAMBS-PBORO) ended."
    )
    assert footprint_table(store)["member_count"].unique().tolist() == [1]
    assert store.partnership_names()[PETERBOROUGH] == "Peterborough"
    # Four memberships ended (the shipped two, then the merged two) and two begun again.
    history = edited_history(store)
    assert len(history) == 6 and history["valid_to"].notna().sum() == 4
    with pytest.raises(PartnershipError, match="The id 'p-cambs-pboro' is or was already used"):
        create_partnership(store, OPERATOR, "p-cambs-pboro", "Anything", [CAMBRIDGESHIRE])


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: create_partnership(s, OPERATOR, "two words", "X", [READING]),
     "A partnership id is one word of letters, digits, - and _ (at most 40), such as P-CAMBS-PBORO."),
    (lambda s: create_partnership(s, OPERATOR, "P-X", "reading", [WOKINGHAM]),
     "Reading (E06000038) already has the name 'reading': choose another, so that no two partnerships read alike."),
    (lambda s: create_partnership(s, OPERATOR, "P-X", "X", ["Readingshire", READING]),
     "No current local authority is called or coded 'Readingshire': use the ONS code (E06000031) or the name "
     "(Peterborough)."),
    (lambda s: create_partnership(s, OPERATOR, "P-X", "X", []), "Name at least one local authority."),
    (lambda s: rename_partnership(s, OPERATOR, READING, "   "), "A partnership needs a name."),
    (lambda s: rename_partnership(s, OPERATOR, READING, "Reading"),
     "Reading (E06000038) already has that name: nothing to change."),
    (lambda s: assign_areas(s, OPERATOR, "P-NONE", [READING]),
     "There is no partnership 'P-NONE': 'boards partnerships list' shows them."),
    (lambda s: assign_areas(s, OPERATOR, READING, [READING]), "Reading (E06000038) already covers them: nothing to change."),
    (lambda s: dissolve_partnership(s, OPERATOR, READING),
     "Reading (E06000038) is already a partnership of its one LA: nothing to dissolve."),
])
def test_a_change_that_cannot_be_made_says_why_and_changes_nothing(store, change, message):
    with pytest.raises(PartnershipError) as refused:
        change(store)
    assert str(refused.value) == message
    assert edited_history(store).empty and len(store.audit_log()) == 0


def test_only_an_administrator_changes_partnerships(store):
    analyst = Actor("ana", "Ana", "analyst")
    with pytest.raises(PermissionDenied, match="Only an administrator may change partnerships."):
        rename_partnership(store, analyst, READING, "Reading Borough")


@on_both_back_ends
def test_a_change_worked_out_from_a_footprint_changed_meanwhile_writes_nothing(store):
    """Two administrators at once: the second change, worked out before the first was written, is refused."""
    stale = store.partnership_members()
    assign_areas(store, OPERATOR, CAMBRIDGESHIRE, [PETERBOROUGH])
    after = stale.assign(name=stale["name"].where(stale["partnership_id"] != READING, "Reading Borough"))
    audit = AuditEntry(utc_now(), "system:tester", "partnership_renamed", READING, None)
    with pytest.raises(StoreError, match="changed by someone else meanwhile"):
        store.replace_partnership_footprint(stale, after, at=audit.occurred_at, audit=audit)
    assert store.partnership_names()[READING] == "Reading"
    assert store.audit_log()["action"].tolist() == ["partnership_areas_assigned"]


def test_reloading_the_reference_keeps_an_administrators_edits(store, reference):
    """`boards init` reloads data/partnerships.csv: unedited partnerships follow the file, edited ones stay."""
    assign_areas(store, OPERATOR, CAMBRIDGESHIRE, [PETERBOROUGH])
    history = store.partnership_history()
    prepare_reference(store, reference, load_catalogue())
    assert members_of(store, CAMBRIDGESHIRE) == [PETERBOROUGH, CAMBRIDGESHIRE]
    assert len(footprint_table(store)) == 152
    pd.testing.assert_frame_equal(store.partnership_history(), history)


def test_migration_9_starts_the_history_from_the_partnerships_held(tmp_path):
    """A database of schema 8 with a two-LA partnership keeps it, as shipped (no start date), in the history."""
    path = tmp_path / "v8.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at TIMESTAMP NOT NULL)")
    for version, name, sql in MIGRATIONS[:8]:
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [version, name])
    con.execute(textwrap.dedent("""
        INSERT INTO partnerships VALUES ('P-CP', 'Cambridgeshire and Peterborough', 'E06000031'),
                                        ('P-CP', 'Cambridgeshire and Peterborough', 'E10000003')"""))
    con.close()
    store = Store.open(path)
    assert store.schema_version() == 10
    history = store.table("partnership_history").astype(object)
    assert history.where(history.notna(), None).values.tolist() == [
        ["P-CP", "Cambridgeshire and Peterborough", "E06000031", None, None, None, None],
        ["P-CP", "Cambridgeshire and Peterborough", "E10000003", None, None, None, None],
    ]
    store.close()


# -- a two-LA partnership end to end, on the demo ---------------------------------------------


@pytest.fixture(scope="module")
def merged(demo_db_path, tmp_path_factory):
    """The demo with Peterborough merged into Cambridgeshire's partnership, renamed for both."""
    path = tmp_path_factory.mktemp("merged") / "merged.duckdb"
    shutil.copy(demo_db_path, path)
    store = Store.open(path)
    assign_areas(store, OPERATOR, CAMBRIDGESHIRE, [PETERBOROUGH])
    rename_partnership(store, OPERATOR, CAMBRIDGESHIRE, "Cambridgeshire and Peterborough")
    yield store
    store.close()


def row(results: pd.DataFrame, indicator_id: str) -> pd.Series:
    found = results[results["indicator_id"] == indicator_id]
    assert len(found) == 1
    return found.iloc[0]


def test_a_merged_partnership_is_compared_on_its_members_combined_counts(merged, demo_store):
    """Counts add up (ICPCs within 15 days: Cambridgeshire 566 of 791 and Peterborough 358 of 415 make 924 of
    1,206); a percentage DfE publishes without counts cannot be combined and is not compared."""
    before = compare(demo_store, "2026-27 Q2").area_results
    after = compare(merged, "2026-27 Q2")
    icpc = [row(before[before["partnership_id"] == p], "icpc_timeliness") for p in (CAMBRIDGESHIRE, PETERBOROUGH)]
    assert [(r["numerator"], r["denominator"]) for r in icpc] == [(566.0, 791.0), (358.0, 415.0)]
    ours = after.area_results[after.area_results["partnership_id"] == CAMBRIDGESHIRE]
    combined = row(ours, "icpc_timeliness")
    assert (combined["numerator"], combined["denominator"], round(combined["value"], 4)) == (924.0, 1206.0, 76.6169)
    local = row(ours, "strategy_discussion_partners")
    assert (local["period_id"], local["numerator"], local["denominator"]) == ("2026-27 Q2", 754.0, 1230.0)
    rate = row(ours, "s47_rate")
    assert (rate["numerator"], rate["denominator"]) == (3487.0, 200545.0)
    assert (row(ours, "assessment_timeliness")["status"], row(ours, "assessment_timeliness")["flag"]) == ("x", "not compared")
    assert len(after.scores) == 152
    assert PETERBOROUGH not in set(after.scores["partnership_id"].astype(str))


def test_an_earlier_period_is_compared_on_the_footprint_in_force(merged):
    """The history is kept and shown, not applied to past periods: 2025-26 Q1 already has the merged partnership,
    so its trend compares like with like."""
    earlier = compare(merged, "2025-26 Q1")
    scores = earlier.scores.set_index(earlier.scores["partnership_id"].astype(str))
    assert scores.loc[CAMBRIDGESHIRE, "partnership_name"] == "Cambridgeshire and Peterborough"
    assert len(scores) == 152


def test_the_merged_partnership_has_one_overview_row_and_a_profile_of_both_las(merged):
    compared = compare(merged, "2026-27 Q2")
    reference = read_reference(merged)
    table = league_table(compared.scores, reference)
    ours = table[table["partnership_id"] == CAMBRIDGESHIRE]
    assert ours[["partnership_name", "region_name"]].values.tolist() == [["Cambridgeshire and Peterborough", "East of England"]]
    assert len(table) == 152
    authorities = reference.local_authorities.set_index("area_code")
    assert authorities.loc[[CAMBRIDGESHIRE, PETERBOROUGH], "partnership_id"].tolist() == [CAMBRIDGESHIRE] * 2
    members = merged.read("profile_members", partnership_id=CAMBRIDGESHIRE)
    assert members[["area_name", "area_code"]].values.tolist() == [
        ["Cambridgeshire", CAMBRIDGESHIRE], ["Peterborough", PETERBOROUGH]]
    results = partnership_results(compared.area_results, CAMBRIDGESHIRE)
    assert len(results) == 37
