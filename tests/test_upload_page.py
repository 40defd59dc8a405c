"""The upload page per role, run with AppTest on a copy of the demo database per test.

Bea uploads for Barnsley, Hal for Hartlepool; Vic is a viewer, Ana an analyst, Ada an administrator.
The demo's local returns start in 2024-25 Q3, so the sample files' 2024-25 Q2 figures are new and
their 2025-26 Q1 figure replaces a demo one (tests/data/upload_page/README.md).
"""

import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.access import PermissionDenied, system_actor
from boards.accounts import actor_for, add_user, utc_now
from boards.imports.limits import MAX_UPLOAD_BYTES, MAX_UPLOAD_MEGABYTES
from boards.imports.pipeline import commit_plan, inspect_upload, rollback
from boards.pages.plain import plain
from boards.store import BENCHMARK_COLUMNS, OBSERVATION_COLUMNS, Store

SAMPLES = Path(__file__).parent / "data" / "upload_page"
OPERATOR = system_actor("tester")
USERS = {
    "bea": ("Bea Barnsley", "uploader", ["E08000038"]),
    "hal": ("Hal Hartlepool", "uploader", ["E06000001"]),
    "vic": ("Vic Viewer", "viewer", []),
    "ana": ("Ana Analyst", "analyst", []),
    "ada": ("Ada Admin", "admin", []),
}
TABLES = ("observations", "observation_history", "loads", "load_problems", "audit_log")
WHO_CAN_UPLOAD = (
    "Uploaders send figures for their own partnerships, and analysts and administrators for any area: "
    "sign in to upload."
)
VIEWER_CANNOT = (
    "Your viewer account can read the dashboard but not upload: uploaders send figures for their own "
    "partnerships, and analysts and administrators for any area; ask an administrator if you need to upload."
)


@pytest.fixture(scope="module")
def seeded_db(demo_db_path, tmp_path_factory):
    """The demo database with the five users, built once per module; tests take copies."""
    path = tmp_path_factory.mktemp("upload") / "seeded.duckdb"
    shutil.copy(demo_db_path, path)
    store = Store.open(path)
    for username, (name, role, partnerships) in USERS.items():
        add_user(store, OPERATOR, username=username, display_name=name, role=role,
                 password=f"{username} test password", partnership_ids=partnerships)
    store.close()
    return path


@pytest.fixture
def db_path(seeded_db, tmp_path):
    path = tmp_path / "upload.duckdb"
    shutil.copy(seeded_db, path)
    return path


@pytest.fixture
def store(db_path):
    return Store.open(db_path)


@pytest.fixture
def demo_loads(store):
    """The demo build's loads, newest first (published files, invented returns, case reviews)."""
    return store.loads()["load_id"].tolist()[::-1]


@pytest.fixture
def new(demo_loads):
    """The id the first load a test makes gets."""
    return demo_loads[0] + 1


@pytest.fixture
def app(db_path, monkeypatch):
    monkeypatch.setenv("BOARDS_DB", str(db_path))
    st.cache_resource.clear()
    yield AppTest.from_file("../dashboard.py", default_timeout=60)
    st.cache_resource.clear()


def open_upload(app, store, username=None):
    """The upload page, signed in as ``username`` (None: signed out)."""
    if username is not None:
        app.session_state["actor"] = actor_for(store, username)
        app.session_state["last_activity"] = utc_now()
    app.switch_page("boards/pages/upload.py").run()
    assert not app.exception
    return app


def upload(app, name, data=None):
    data = (SAMPLES / name).read_bytes() if data is None else data
    app.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not app.exception
    return app


def button(app, starts_with):
    return next(b for b in app.button if b.label.startswith(starts_with))


def snapshot(store):
    return {name: store.table(name) for name in TABLES}


def assert_unchanged(store, before):
    for name, frame in snapshot(store).items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)


def assert_refused(store, before, actor, action):
    """Nothing written but the refusal's one audit row, by ``actor``."""
    audit = store.table("audit_log")
    assert audit[["actor", "action"]].values.tolist()[len(before["audit_log"]):] == [[actor, action]]
    assert_unchanged(store, {**before, "audit_log": audit})


def downloads(app):
    return [element.proto.label for element in app.get("download_button")]


def figure(store, area, indicator, period):
    rows = store.table("observations").set_index(["area_code", "indicator_id", "period_id"])
    return rows.loc[(area, indicator, period), ["value", "numerator", "denominator", "status", "source", "load_id"]]


# -- who sees what ------------------------------------------------------------------------------


def test_signed_out_sees_who_can_upload_and_the_templates_but_no_uploader(app, store):
    """Reading is allowed, so the templates are offered; there is no uploader and no history."""
    open_upload(app, store)
    assert app.title[0].value == "Upload a quarterly return"
    assert [i.value for i in app.info] == [WHO_CAN_UPLOAD]
    assert downloads(app) == ["Template, one figure a row (CSV)", "Template, one column per indicator (CSV)",
                              "Data dictionary (CSV)"]
    assert len(app.get("file_uploader")) == 0
    assert len(app.dataframe) == 0
    assert [e.proto.page for e in app.get("page_link")] == ["account"]  # the sign-in page's URL


def test_viewer_is_told_why_and_gets_no_uploader(app, store):
    open_upload(app, store, "vic")
    assert [i.value for i in app.info] == [VIEWER_CANNOT]
    assert len(downloads(app)) == 3
    assert len(app.get("file_uploader")) == 0
    assert len(app.dataframe) == 0


def test_viewer_is_refused_by_the_core_too(store, demo_loads):
    """A hidden uploader is not the boundary: the core refuses a viewer's upload and rollback."""
    viewer = actor_for(store, "vic")
    with pytest.raises(PermissionDenied, match="^Vic Viewer has the Viewer \\(read only\\) role, which cannot upload"):
        inspect_upload(store, "b.csv", (SAMPLES / "barnsley_valid.csv").read_bytes(), actor=viewer)
    with pytest.raises(PermissionDenied, match=f"^Vic Viewer may not roll back load {demo_loads[0]}: viewers cannot"):
        rollback(store, demo_loads[0], actor=viewer)


@pytest.mark.parametrize(
    ("username", "sentence", "may_roll_back"),
    [
        ("bea", "You upload figures for: Barnsley.", False),
        ("ana", "You may upload figures for any area, including published DfE and Ofsted files.", False),
        ("ada", "You may upload figures for any area, including published DfE and Ofsted files.", True),
    ],
)
def test_who_may_upload_sees_scope_uploader_and_history(app, store, demo_loads, username, sentence, may_roll_back):
    """Scope in one sentence; the uploader; every load listed, rollback offered only where the core allows."""
    open_upload(app, store, username)
    assert sentence in [m.value for m in app.markdown]
    assert len(app.get("file_uploader")) == 1
    history = app.dataframe[0].value
    assert history["load_id"].tolist() == demo_loads
    rollbacks = [s for s in app.selectbox if s.label == "Load to roll back"]
    offered = [int(option.split(":")[0].removeprefix("Load ")) for s in rollbacks for option in s.options]
    assert offered == (demo_loads if may_roll_back else [])  # the demo's loads cover every area
    # Analysts and administrators also choose the mapping of a DfE file.
    mapping = ["Mapping, for a DfE Explore Education Statistics file"] if username != "bea" else []
    assert [s.label for s in app.selectbox] == mapping + (["Load to roll back"] if may_roll_back else [])
    if may_roll_back:
        assert all(option.endswith(" UTC)") and "(demo build, " in option for option in app.selectbox[-1].options)
    else:
        assert app.caption[-1].value == "None of these loads is yours to roll back."


def test_the_size_limit_is_said_before_a_file_is_chosen_and_is_the_cores(app, store):
    """One limit: the sentence, the uploader's own limit, the core's and the server's cap all come from
    MAX_UPLOAD_MEGABYTES (the browser counts a megabyte as 1,000,000 bytes; the server as 1,048,576)."""
    open_upload(app, store, "bea")
    assert (
        "Upload a file of up to 50 MB. The uploader refuses a larger file by marking it in red, without checking "
        "it: split such a file (for example one per year) and upload each part."
    ) in [m.value for m in app.markdown]
    assert app.get("file_uploader")[0].proto.max_upload_size_mb == MAX_UPLOAD_MEGABYTES == 50
    assert MAX_UPLOAD_BYTES == 50_000_000
    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MEGABYTES


# -- upload, dry run, confirm --------------------------------------------------------------------


def test_uploader_imports_a_valid_file_after_the_dry_run(app, store, new):
    """Bea's file: the dry run says 2 to add, 1 to change (the demo's 2 of 3 to 5 of 7); confirm writes exactly that."""
    open_upload(app, store, "bea")
    before = snapshot(store)
    upload(app, "barnsley_valid.csv")
    assert_unchanged(store, before)  # the dry run writes nothing
    assert {m.label: m.value for m in app.metric} == {
        "Figures to add": "2", "Figures to change": "1", "Figures unchanged": "0", "Rows left out": "0"}
    by_indicator = app.dataframe[0].value
    assert by_indicator.to_dict("records") == [
        {"partnership_name": "Barnsley", "indicator_name": "Health attendance at partnership meetings",
         "periods": "2024-25 Q2", "add": 1, "change": 0, "unchanged": 0},
        {"partnership_name": "Barnsley", "indicator_name": "Police attendance at partnership meetings",
         "periods": "2024-25 Q2, 2025-26 Q1", "add": 1, "change": 1, "unchanged": 0},
    ]
    old = figure(store, "E08000038", "attendance_police", "2025-26 Q1")
    assert (old.numerator, old.denominator, old.source) == (2.0, 3.0, "demo")
    changes = app.dataframe[1].value
    assert changes[["period_id", "current", "new", "what_changes"]].to_dict("records") == [
        {"period_id": "2025-26 Q1", "current": "66.7 (2 of 3)", "new": "71.4286 (5 of 7)",
         "what_changes": "value, counts, source (demo to local)"}]

    button(app, "Confirm: import 3 figures").click().run()
    assert not app.exception
    assert app.success[0].value.startswith(f"**Imported as load {new}.** 2 figures added, 1 changed, 0 unchanged.")
    added = figure(store, "E08000038", "attendance_police", "2024-25 Q2")
    assert added.tolist() == [75.0, 6.0, 8.0, "reported", "local", new]
    assert figure(store, "E08000038", "attendance_health", "2024-25 Q2").tolist() == [87.5, 7.0, 8.0, "reported",
                                                                                      "local", new]
    changed = figure(store, "E08000038", "attendance_police", "2025-26 Q1")
    assert (round(changed.value, 4), changed.numerator, changed.denominator, changed.source) == (71.4286, 5.0, 7.0,
                                                                                                 "local")
    assert len(store.table("observations")) == len(before["observations"]) + 2
    load = store.load_record(new)
    assert (load["loaded_by"], load["file_name"], load["rows_added"], load["rows_changed"], load["status"]) == (
        "bea", "barnsley_valid.csv", 2, 1, "committed")
    audit = store.audit_log().iloc[-1]
    assert audit[["actor", "action", "target", "detail"]].tolist() == [
        "bea", "data_imported", f"load {new}", "barnsley_valid.csv (long layout)"]
    assert app.dataframe[-1].value["load_id"].tolist()[:2] == [new, new - 1]  # the history already shows it


def test_a_percentage_without_counts_is_warned_of_in_the_dry_run(app, store, new):
    """Police attendance without its counts: the dry run warns that it will not be compared, and why; the
    confirm button is still offered, and confirming imports both figures."""
    open_upload(app, store, "bea")
    upload(app, "barnsley_without_counts.csv")
    assert [w.value for w in app.warning] == [plain(
        '"Police attendance at partnership meetings": 1 figure (2024-25 Q2) without a numerator and denominator '
        "will not be compared with others: a percentage needs its numerator and denominator to be judged against "
        "England. Give them (the columns attendance_police_numerator and attendance_police_denominator in the "
        "wide layout) to have them judged.")]
    button(app, "Confirm: import 2 figures").click().run()
    assert app.success[0].value.startswith(f"**Imported as load {new}.** 2 figures added")


def test_uploading_the_same_file_again_says_it_is_already_imported(app, store, new):
    open_upload(app, store, "bea")
    upload(app, "barnsley_valid.csv")
    button(app, "Confirm").click().run()
    loads = len(store.loads())
    upload(app, "barnsley_valid.csv")  # a new upload of identical bytes
    assert app.info[0].value.startswith(f"This file was already imported as load {new} on ")
    assert app.info[0].value.endswith(" by bea: nothing to do. To correct figures, upload a file with the new values.")
    assert not [b for b in app.button if b.label.startswith("Confirm")]
    assert len(store.loads()) == loads


def test_rows_outside_the_uploaders_partnership_are_refused_and_nothing_is_written(app, store):
    """Bea's file with a Hartlepool row: the core's refusal, no dry run, the store exactly as before."""
    open_upload(app, store, "bea")
    before = snapshot(store)
    upload(app, "barnsley_and_hartlepool.csv")
    assert [e.value for e in app.error] == [plain(
        "You may upload figures for Barnsley only; this file has rows for Hartlepool (E06000001). "
        "Nothing was written.")]
    assert not app.metric
    assert not [b for b in app.button if b.label.startswith("Confirm")]
    assert_refused(store, before, "bea", "upload_refused")


def test_the_same_file_is_accepted_from_an_analyst(app, store):
    open_upload(app, store, "ana")
    upload(app, "barnsley_and_hartlepool.csv")
    assert not app.error
    assert {m.label: m.value for m in app.metric}["Figures to add"] == "2"
    assert app.dataframe[0].value["partnership_name"].tolist() == ["Barnsley", "Hartlepool"]


def test_published_dfe_files_are_for_analysts_only(app, store):
    """An uploader is refused a DfE file even for their own area; an analyst is not."""
    open_upload(app, store, "bea")
    upload(app, "barnsley_dfe_repeat_plans.csv")
    assert [e.value for e in app.error] == [plain(
        "Only analysts and administrators may load published DfE or Ofsted files; uploaders load their "
        "partnership's quarterly return.")]
    app.session_state["actor"] = actor_for(store, "ana")
    app.run()
    assert not app.error
    assert {m.label: m.value for m in app.metric}["Figures unchanged"] == "1"


def test_a_file_with_problems_lists_each_row_and_writes_nothing(app, store):
    open_upload(app, store, "bea")
    before = snapshot(store)
    upload(app, "barnsley_problems.csv")
    assert app.error[0].value.startswith("**3 problems in 3 rows: nothing was written.**")
    problems = app.dataframe[0].value
    assert problems.to_dict("records") == [
        {"line": 2, "column": "numerator", "value": "9",
         "reason": 'the numerator 9 is larger than the denominator 8, which cannot be for "Police attendance at '
                   'partnership meetings" (a percentage)'},
        {"line": 3, "column": "value", "value": "eighty",
         "reason": '"eighty" is not a number or one of the symbols c, x, z, low, u, : or ~'},
        {"line": 4, "column": "area_code", "value": "Barnsly",
         "reason": '"Barnsly" is not a local authority we know: give its ONS code, 3-digit DfE code or name. '
                   'Did you mean "Barnsley"?'},
    ]
    assert "Download the problems (CSV)" in downloads(app)
    assert not app.metric and not [b for b in app.button if b.label.startswith("Confirm")]
    assert_refused(store, before, "bea", "upload_refused")


def test_importing_only_the_valid_rows_is_an_explicit_choice(app, store, new):
    """Ticking the choice shows the dry run of the 1 valid figure; confirm records the 3 rows left out."""
    open_upload(app, store, "bea")
    upload(app, "barnsley_problems.csv")
    assert [c.label for c in app.checkbox] == ["Import only the 1 valid figure, leaving out the 3 rows with problems"]
    app.checkbox[0].check().run()
    assert {m.label: m.value for m in app.metric} == {
        "Figures to add": "1", "Figures to change": "0", "Figures unchanged": "0", "Rows left out": "3"}
    button(app, "Confirm: import 1 figure").click().run()
    assert app.success[0].value.startswith(
        f"**Imported as load {new}.** 1 figure added, 0 changed, 0 unchanged, 3 rows with problems left out.")
    assert figure(store, "E08000038", "supervision_timeliness", "2024-25 Q2").tolist() == [82.5, 33.0, 40.0,
                                                                                          "reported", "local", new]
    assert store.load_problems(new)["line"].tolist() == [2, 3, 4]


def test_an_unusable_file_is_explained(app, store):
    open_upload(app, store, "bea")
    upload(app, "notes.csv", b"Our figures are in the attached letter\n")
    assert app.error[0].value.startswith(plain("This file cannot be read as a quarterly return: "))
    assert app.error[0].value.endswith(plain("Nothing was written."))


# -- rollback ------------------------------------------------------------------------------------


def test_uploader_rolls_back_their_own_load_after_confirming(app, store, new):
    open_upload(app, store, "bea")
    before = snapshot(store)
    upload(app, "barnsley_valid.csv")
    button(app, "Confirm").click().run()
    app.file_uploader[0].set_value(None).run()
    assert app.dataframe[0].value.loc[0, "load_id"] == new
    assert app.selectbox[-1].options[0].startswith(f"Load {new}: barnsley_valid.csv (bea, ")
    app.selectbox[-1].select(new).run()
    button(app, "Roll back this load").click().run()
    assert app.warning[0].value == (
        f"**Roll back load {new} (barnsley\\_valid\\.csv)?** The 2 figures it added will be removed and the 1 value it "
        "replaced restored, for everyone who reads the dashboard.")
    assert store.load_record(new)["status"] == "committed"  # asking is not doing
    button(app, f"Yes, roll back load {new}").click().run()
    assert not app.exception
    assert app.success[0].value == (
        f"**Rolled back load {new}.** 2 figures it had added removed, 1 value it had replaced restored.")
    pd.testing.assert_frame_equal(store.table("observations"), before["observations"])
    assert store.load_record(new)["status"] == "rolled_back"
    audit = store.audit_log().iloc[-1]
    assert audit[["actor", "action", "target"]].tolist() == ["bea", "load_rolled_back", f"load {new}"]
    assert app.dataframe[0].value.loc[0, "status"].startswith("rolled back by bea, ")


def test_another_partnerships_uploader_cannot_roll_back(app, store):
    """Hal is not offered Bea's load; forcing the confirm step anyway gets the core's refusal and changes nothing."""
    bea_load = commit_plan(store, inspect_upload(store, "b.csv", (SAMPLES / "barnsley_valid.csv").read_bytes(),
                                                 actor=actor_for(store, "bea"))).load_id
    open_upload(app, store, "hal")
    assert app.dataframe[0].value["load_id"].tolist()[0] == bea_load  # listed for Hal to read
    assert not app.selectbox  # but not offered: nothing of Hal's to roll back
    assert app.caption[-1].value == "None of these loads is yours to roll back."
    before = snapshot(store)
    app.session_state["rollback_pending"] = bea_load
    app.run()
    button(app, f"Yes, roll back load {bea_load}").click().run()
    assert [e.value for e in app.error] == [plain(
        f"Hal Hartlepool may not roll back load {bea_load}: it holds figures for areas outside your partnership.")]
    assert_refused(store, before, "hal", "rollback_refused")
    with pytest.raises(PermissionDenied):
        rollback(store, bea_load, actor=actor_for(store, "hal"))


def test_a_rollback_the_core_refuses_for_a_later_load_is_explained(app, store, new):
    """Bea's load, then an analyst's load replacing one of its values: Bea's cannot go first."""
    commit_plan(store, inspect_upload(store, "b.csv", (SAMPLES / "barnsley_valid.csv").read_bytes(),
                                      actor=actor_for(store, "bea")))
    later = (b"area_code,period,indicator,value,numerator,denominator,note\n"
             b"E08000038,2024-25 Q2,attendance_police,,7,8,\n")
    commit_plan(store, inspect_upload(store, "later.csv", later, actor=actor_for(store, "ana")))
    open_upload(app, store, "bea")
    app.selectbox[-1].select(new).run()
    button(app, "Roll back this load").click().run()
    button(app, f"Yes, roll back load {new}").click().run()
    assert [e.value for e in app.error] == [plain(
        f"Load {new} (b.csv) cannot be rolled back: later load {new + 1} replaced 1 of the values it wrote. "
        f"Roll back load {new + 1} first.")]
    assert store.load_record(new)["status"] == "committed"


def test_admin_may_roll_back_any_load(app, store, new):
    commit_plan(store, inspect_upload(store, "h.csv", (SAMPLES / "hartlepool_valid.csv").read_bytes(),
                                      actor=actor_for(store, "hal")))
    open_upload(app, store, "ada")
    assert len(app.selectbox[-1].options) == new  # every load, the demo build's too
    app.selectbox[-1].select(new).run()
    button(app, "Roll back this load").click().run()
    button(app, "Cancel").click().run()
    assert not app.warning and store.load_record(new)["status"] == "committed"
    app.selectbox[-1].select(new).run()
    button(app, "Roll back this load").click().run()
    button(app, f"Yes, roll back load {new}").click().run()
    assert app.success[0].value.startswith(f"**Rolled back load {new}.** 2 figures it had added removed")
    assert store.audit_log().iloc[-1][["actor", "action"]].tolist() == ["ada", "load_rolled_back"]


# -- text from uploads is never markup -----------------------------------------------------------


def test_file_names_and_cells_are_shown_as_text(app, store, new):
    """A file name with Markdown is escaped in messages; cells with HTML appear only inside tables."""
    name = "**Board** [see](https://example.com) ![x](https://example.com/p.png).csv"
    cells = (b"area_code,period,indicator,value,numerator,denominator,note\n"
             b"E08000038,2024-25 Q2,attendance_police,<img src=x onerror=alert(1)>,,,\n")
    open_upload(app, store, "bea")
    upload(app, name, cells)
    assert app.dataframe[0].value["value"].tolist() == ["<img src=x onerror=alert(1)>"]
    upload(app, name, (SAMPLES / "barnsley_valid.csv").read_bytes())
    button(app, "Confirm").click().run()
    assert [t.value for t in app.text] == [f"File: {name}"]
    app.session_state["rollback_pending"] = new
    app.run()
    assert plain(name) in app.warning[0].value
    markdown = [e.value for e in [*app.markdown, *app.warning, *app.success, *app.error, *app.info]]
    assert not any("](https" in text or "<img" in text for text in markdown)


def test_plain_escapes_every_markup_character():
    assert plain("a_b *c* [d](e) <f> $g$ :red[h]") == (
        "a\\_b \\*c\\* \\[d\\]\\(e\\) \\<f\\> \\$g\\$ \\:red\\[h\\]")
    assert plain("Line 1\nLine 2") == "Line 1 Line 2"


def test_rolling_back_a_load_of_benchmarks_says_what_it_undoes(app, store, new):
    """An analyst's load of only England and North East benchmarks, one new and one replacing the demo's: the
    confirm step and the outcome count the benchmarks (they said 0 figures and 0 values)."""
    benchmarks = store.table("published_benchmarks").query("geography_code == 'E92000001'").iloc[:1]
    replacing = benchmarks.assign(value=benchmarks["value"] + 1)
    adding = benchmarks.assign(geography_code="E12000001", period_id="2099-00")
    store.commit_load(
        pd.DataFrame(columns=list(OBSERVATION_COLUMNS)), source="published", loaded_by="ana",
        file_name="england.csv", benchmarks=pd.concat([replacing, adding])[list(BENCHMARK_COLUMNS)],
    )
    open_upload(app, store, "ana")
    app.selectbox[-1].select(new).run()
    button(app, "Roll back this load").click().run()
    assert app.warning[0].value == (
        f"**Roll back load {new} (england\\.csv)?** The 0 figures it added will be removed and the 0 values it "
        "replaced restored; the 1 published benchmark it added removed and the 1 benchmark it replaced restored, "
        "for everyone who reads the dashboard.")
    button(app, f"Yes, roll back load {new}").click().run()
    assert app.success[0].value == (
        f"**Rolled back load {new}.** 0 figures it had added removed, 0 values it had replaced restored; "
        "1 published benchmark it had added removed, 1 benchmark it had replaced restored.")
    pd.testing.assert_frame_equal(
        store.table("published_benchmarks").query("geography_code == 'E92000001'").iloc[:1], benchmarks)
