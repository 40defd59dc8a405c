"""Upload: the template, a file checked row by row, the dry run, confirm; the history of loads and rollback.

Analysts and administrators may read a DfE Explore Education Statistics file through a mapping: recognised
from its columns, chosen from the shipped ones (data/mappings/) or their own, uploaded beside it; the same
checks and dry run as ``boards import --mapping``.

Every write goes through the core (``boards.imports.pipeline``) with the signed-in actor, and the
core refuses by itself what that actor may not do; this page only chooses what to offer. Text
from uploads (file names, notes, cells) is shown in tables or escaped with ``plain``, never as
Markdown.
"""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from boards.access import PermissionDenied
from boards.catalogue import load_catalogue
from boards.exports import to_csv_bytes
from boards.imports.limits import MAX_MAPPING_BYTES, MAX_UPLOAD_MEGABYTES, MEGABYTE
from boards.imports.mappings import Mapping, mapping_from_upload, shipped_mappings
from boards.imports.pipeline import ImportPlan, ImportRejected, ImportResult, commit_plan, inspect_upload, rollback
from boards.imports.preview import by_partnership_and_indicator, load_history, loads_in_words, planned_figures
from boards.imports.problems import UnusableFile
from boards.imports.releases import release_words
from boards.imports.templates import data_dictionary, long_template, wide_template
from boards.pages.frame import current_actor, current_store
from boards.pages.plain import plain
from boards.store import StoreError

PLAN_KEY = "upload_plan"  # (inspection key, plan, its figures, refusal text)
CONFIRMED_KEY = "upload_confirmed"  # the inspection key whose plan the uploader confirmed
RESULT_KEY = "upload_result"  # (file id, data version after the commit, result)
ROLLBACK_PENDING_KEY = "rollback_pending"  # load id awaiting "Yes, roll back"
ROLLBACK_CONFIRMED_KEY = "rollback_confirmed"  # load id whose rollback was confirmed
WRAPPED_ROW = 68  # pixels; Streamlit wraps long text only in rows taller than 4rem (64 px)
RECOGNISED = "recognised"  # the mapping choices that are not a shipped mapping's file name
OWN_MAPPING = "own"

store = current_store()
actor = current_actor()
indicators = load_catalogue()


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun if n == 1 else noun + 's'}"


def when(moment) -> str:
    return f"{pd.Timestamp(moment):%d %b %Y at %H:%M} UTC"


st.title("Upload a quarterly return")

if actor is None:
    st.info(
        "Uploaders send figures for their own partnerships, and analysts and administrators for any area: "
        "sign in to upload.",
        icon=":material/lock:",
    )
    st.page_link("boards/pages/sign_in.py", label="Sign in on the Account page", icon=":material/login:")
elif not actor.can_upload():
    st.info(
        "Your viewer account can read the dashboard but not upload: uploaders send figures for their own "
        "partnerships, and analysts and administrators for any area; ask an administrator if you need to upload.",
        icon=":material/lock:",
    )
    st.page_link("boards/pages/sign_in.py", label="Your account", icon=":material/account_circle:")
elif actor.role == "uploader":
    st.write(f"You upload figures for: {plain(', '.join(actor.partnership_names))}.")
else:
    st.write("You may upload figures for any area, including published DfE and Ofsted files.")

st.subheader("Start from the template")
st.write(
    "Write one figure a row (long) or one row per area and quarter (wide). Percentages run from 0 to 100; "
    "where there is no figure write a symbol such as x (not available), never 0. "
    "The data dictionary explains every column and indicator."
)
long_column, wide_column, dictionary_column = st.columns(3)
long_column.download_button(
    "Template, one figure a row (CSV)", long_template(), file_name="quarterly_return_template.csv",
    mime="text/csv", icon=":material/download:",
)
wide_column.download_button(
    "Template, one column per indicator (CSV)", wide_template(indicators),
    file_name="quarterly_return_template_wide.csv", mime="text/csv", icon=":material/download:",
)
dictionary_column.download_button(
    "Data dictionary (CSV)", data_dictionary(indicators), file_name="quarterly_return_data_dictionary.csv",
    mime="text/csv", icon=":material/download:",
)

if actor is None or not actor.can_upload():
    st.stop()


# -- a confirmed rollback runs first, so that the upload and the history below show its outcome --


def ask_rollback(load_id: int) -> None:
    st.session_state[ROLLBACK_PENDING_KEY] = load_id


def confirm_rollback(load_id: int) -> None:
    st.session_state.pop(ROLLBACK_PENDING_KEY, None)
    st.session_state[ROLLBACK_CONFIRMED_KEY] = load_id


def cancel_rollback() -> None:
    st.session_state.pop(ROLLBACK_PENDING_KEY, None)


def run_confirmed_rollback(load_id: int) -> tuple[bool, str]:
    """Roll back through the core, which refuses what the actor may not do: (done, message to show)."""
    try:
        with st.spinner(f"Rolling back load {load_id}…", show_time=True):
            undone = rollback(store, load_id, actor=actor)
    except (PermissionDenied, StoreError) as exc:
        return False, plain(exc)
    return True, (
        f"**Rolled back load {undone.load_id}.** {count(undone.rows_removed, 'figure')} it had added removed, "
        f"{count(undone.rows_restored, 'value')} it had replaced restored"
        + (f"; {count(undone.benchmarks_removed, 'published benchmark')} it had added removed, "
           f"{count(undone.benchmarks_restored, 'benchmark')} it had replaced restored."
           if undone.benchmarks_restored or undone.benchmarks_removed else ".")
    )


confirmed_rollback = st.session_state.pop(ROLLBACK_CONFIRMED_KEY, None)
rollback_outcome = None if confirmed_rollback is None else run_confirmed_rollback(confirmed_rollback)


# -- upload, check, dry run, confirm ---------------------------------------------------------


def choose_mapping() -> tuple[Mapping | None, str | None, bool]:
    """The mapping a DfE file is read through: (mapping or None to recognise the file by its columns, why the
    uploaded mapping cannot be used, whether one is still awaited)."""
    shipped = {mapping.name: mapping for mapping in shipped_mappings(indicators)}
    choice = st.selectbox(
        "Mapping, for a DfE Explore Education Statistics file",
        [RECOGNISED, *shipped, OWN_MAPPING],
        format_func=lambda name: (
            f"{shipped[name].title} ({name})" if name in shipped
            else "Recognise the DfE file from its columns" if name == RECOGNISED
            else "My own mapping (a TOML file)"
        ),
        help="A mapping says which columns of a DfE file give which indicator. The shipped mappings are recognised "
        "from a file's columns; choose one to insist on it, or upload your own for another DfE table "
        "(its format is in data/mappings/README.md). Quarterly returns need none.",
    )
    if choice in shipped:
        return shipped[choice], None, False
    if choice == RECOGNISED:
        return None, None, False
    own = st.file_uploader(
        "Your mapping (TOML)", type=["toml"], max_upload_size=max(1, MAX_MAPPING_BYTES // MEGABYTE),
        help=f"Up to {MAX_MAPPING_BYTES:,} bytes; the shipped mappings are under 1,000.",
    )
    if own is None:
        return None, None, True
    try:
        return mapping_from_upload(own.name, own.getvalue(), indicators), None, False
    except UnusableFile as exc:
        return None, f"{exc} Nothing was read or written.", False


def inspect(
    uploaded, sheet: str | None, mapping: Mapping | None
) -> tuple[tuple, ImportPlan | None, pd.DataFrame | None, str | None]:
    """(key, plan, its figures, refusal) of this upload, checked once per file, sheet, mapping, user and database
    version."""
    mapping_key = None if mapping is None else (mapping.name, mapping.text)
    key = (uploaded.file_id, sheet, mapping_key, actor.username, store.data_version())
    cached = st.session_state.get(PLAN_KEY)
    if cached is not None and cached[0] == key:
        return cached
    plan = figures = refusal = None
    with st.spinner("Reading and checking every row of your file…", show_time=True):
        try:
            plan = inspect_upload(store, uploaded.name, uploaded.getvalue(), actor=actor, sheet=sheet, mapping=mapping)
            figures = planned_figures(store, plan, indicators)
        except UnusableFile as exc:
            # With a mapping chosen, the core's sentence names it and says what would read the file.
            refusal = f"{exc} Nothing was written." if mapping else (
                f"This file cannot be read as a quarterly return: {exc} Nothing was written.")
        except PermissionDenied as exc:
            refusal = str(exc)
    st.session_state[PLAN_KEY] = (key, plan, figures, refusal)
    return st.session_state[PLAN_KEY]


def show_problems(plan: ImportPlan) -> None:
    rows = plan.summary.rows_rejected
    st.error(
        f"**{count(len(plan.problems), 'problem')} in {count(rows, 'row')}: nothing was written.** "
        "Correct them in your file and upload it again. Each is listed below by its line in the file.",
        icon=":material/error:",
    )
    report = plan.problem_report[["line", "column", "value", "reason"]]
    label = plan.problems[0].line_label if plan.problems else "Line"
    st.dataframe(
        report,
        hide_index=True,
        row_height=WRAPPED_ROW,  # long reasons wrap instead of being cut off
        column_config={
            "line": st.column_config.NumberColumn(label, format="%d", width=60),
            "column": st.column_config.TextColumn("Column", width=130),
            "value": st.column_config.TextColumn("In the file", width=130),
            "reason": st.column_config.TextColumn("What is wrong", width="large"),
        },
    )
    st.download_button(
        "Download the problems (CSV)", to_csv_bytes(report), file_name=f"{PurePath(plan.file_name).stem}_problems.csv",
        mime="text/csv", icon=":material/download:",
    )


def confirm_upload(key: tuple) -> None:
    st.session_state[CONFIRMED_KEY] = key


def show_dry_run(plan: ImportPlan, figures: pd.DataFrame, key: tuple, ready: bool) -> None:
    """What committing would do; the confirm button only when ``ready`` (an older release not yet allowed is not)."""
    summary = plan.summary
    st.subheader("What this upload will do")
    st.caption("Nothing is written until you confirm.")
    metrics = st.columns(4)
    metrics[0].metric("Figures to add", f"{summary.rows_to_add:,}")
    metrics[1].metric("Figures to change", f"{summary.rows_to_change:,}")
    metrics[2].metric("Figures unchanged", f"{summary.rows_unchanged:,}")
    metrics[3].metric("Rows left out", f"{summary.rows_rejected:,}")
    extras = []
    if plan.mapping_title:
        extras.append(f"read through the mapping {plain(plan.mapping_title)}")
    if plan.release:
        extras.append(f"published figures from {release_words(plan.release)}")
    if summary.benchmarks:
        extras.append(f"{count(summary.benchmarks, 'National or Regional figure')} kept as benchmarks")
    extras += [f"{count(n, 'row')} left out on purpose: {plain(reason)}" for reason, n in summary.skipped.items()]
    if extras:
        sentence = "; ".join(extras)
        st.caption(sentence[0].upper() + sentence[1:] + ".")
    for warning in plan.warnings:
        st.warning(plain(warning), icon=":material/warning:")

    st.write("**By partnership and indicator**")
    st.dataframe(
        by_partnership_and_indicator(figures),
        hide_index=True,
        column_config={
            "partnership_name": "Partnership",
            "indicator_name": "Indicator",
            "periods": "Periods",
            "add": st.column_config.NumberColumn("To add", format="%d"),
            "change": st.column_config.NumberColumn("To change", format="%d"),
            "unchanged": st.column_config.NumberColumn("Unchanged", format="%d"),
        },
    )
    changes = figures[figures["action"] == "change"]
    if len(changes):
        st.write(f"**The {count(len(changes), 'value')} this upload replaces**")
        st.dataframe(
            changes[["partnership_name", "area_name", "indicator_name", "period_id", "current", "new",
                     "what_changes"]],
            hide_index=True,
            column_config={
                "partnership_name": "Partnership",
                "area_name": "Local authority",
                "indicator_name": "Indicator",
                "period_id": "Period",
                "current": "Now",
                "new": "After the upload",
                "what_changes": "What changes",
            },
        )
    st.button(
        f"Confirm: import {count(len(figures), 'figure')}", type="primary", icon=":material/check:",
        on_click=confirm_upload, args=(key,), disabled=not ready,
    )


def commit(plan: ImportPlan, uploaded, accept_valid_rows: bool, allow_older: bool) -> ImportResult | None:
    """Write the plan through the core, which checks the actor again; None (and why) if it refuses."""
    try:
        with st.spinner("Importing…", show_time=True):
            result = commit_plan(store, plan, accept_valid_rows=accept_valid_rows, allow_older=allow_older)
    except (ImportRejected, PermissionDenied, StoreError) as exc:
        st.error(plain(exc), icon=":material/error:")
        return None
    st.session_state.pop(PLAN_KEY, None)
    st.session_state[RESULT_KEY] = (uploaded.file_id, store.data_version(), result)
    return result


def show_result(result: ImportResult, file_name: str) -> None:
    if result.already_loaded_as is not None:
        st.info(f"This file was already imported as load {result.already_loaded_as}: nothing to do.",
                icon=":material/info:")
        return
    left_out = f", {count(result.rows_rejected, 'row')} with problems left out" if result.rows_rejected else ""
    st.success(
        f"**Imported as load {result.load_id}.** {count(result.rows_added, 'figure')} added, "
        f"{result.rows_changed:,} changed, {result.rows_unchanged:,} unchanged{left_out}. "
        "Every page now compares with these figures; the load is listed below and can be rolled back.",
        icon=":material/check_circle:",
    )
    st.text(f"File: {file_name}")


st.subheader("Upload your file")
# Streamlit's uploader refuses a larger file in the browser, marking it with an icon, and never passes it to
# this page: so the limit is said here, before a file is chosen.
st.write(
    f"Upload a file of up to {MAX_UPLOAD_MEGABYTES} MB. The uploader refuses a larger file by marking it in red, "
    "without checking it: split such a file (for example one per year) and upload each part."
)
mapping, mapping_refusal, mapping_awaited = (
    choose_mapping() if actor.can_upload_published() else (None, None, False)
)
uploaded = st.file_uploader(
    "Your quarterly return (CSV or Excel)",
    type=["csv", "xlsx", "tsv", "txt"],
    help="A CSV in either template layout, a tab-separated or Excel 'Unicode text' file, or an Excel workbook; "
    "DfE Explore Education Statistics files are recognised too.",
    max_upload_size=MAX_UPLOAD_MEGABYTES,
)
if mapping_refusal is not None:
    st.error(plain(mapping_refusal), icon=":material/block:")
elif mapping_awaited:
    st.info("Upload your mapping to read the DfE file through it.", icon=":material/info:")
elif uploaded is not None:
    sheet = None
    if uploaded.name.lower().endswith(".xlsx"):
        sheet = st.text_input("Sheet to read (leave blank for the first sheet)").strip() or None
    result_state = st.session_state.get(RESULT_KEY)
    if result_state is not None and result_state[0] == uploaded.file_id and result_state[1] == store.data_version():
        show_result(result_state[2], uploaded.name)
    else:
        key, plan, figures, refusal = inspect(uploaded, sheet, mapping)
        if refusal is not None:
            st.error(plain(refusal), icon=":material/block:")
        elif plan.already_loaded is not None:
            previous = plan.already_loaded
            st.info(
                f"This file was already imported as load {previous['load_id']} on {when(previous['loaded_at'])} "
                f"by {plain(previous['loaded_by'])}: nothing to do. To correct figures, upload a file with the "
                "new values.",
                icon=":material/info:",
            )
        else:
            accept = False
            if plan.problems:
                show_problems(plan)
                valid = plan.summary.rows_to_add + plan.summary.rows_to_change + plan.summary.rows_unchanged
                if valid or plan.summary.benchmarks:
                    accept = st.checkbox(
                        f"Import only the {count(valid, 'valid figure')}, leaving out the "
                        f"{count(plan.summary.rows_rejected, 'row')} with problems",
                        help="The rows left out and why are recorded with the load.",
                    )
            allow_older = False
            if plan.older_release:
                st.error(plain(plan.older_release), icon=":material/history:")
                allow_older = st.checkbox(
                    "Import it anyway: go back to the older release for these figures",
                    help="Only if the newer release is wrong; the load can be rolled back.",
                )
            ready = (accept or not plan.problems) and (allow_older or not plan.older_release)
            if st.session_state.get(CONFIRMED_KEY) == key and ready:
                st.session_state.pop(CONFIRMED_KEY)
                result = commit(plan, uploaded, accept, allow_older)
                if result is not None:
                    show_result(result, uploaded.name)
            elif accept or not plan.problems:
                show_dry_run(plan, figures, key, ready)


# -- history of loads and rollback -------------------------------------------------------------

st.subheader("Loads")
if rollback_outcome is not None:
    done, message = rollback_outcome
    if done:
        st.success(message, icon=":material/undo:")
    else:
        st.error(message, icon=":material/block:")

history = load_history(store, actor)
st.caption(
    "Every load, newest first. Uploaders may roll back loads of their own partnerships, analysts the loads they "
    "made, administrators any load."
)
st.dataframe(
    loads_in_words(history)[
        ["load_id", "loaded_at", "loaded_by", "file_name", "source", "rows_added", "rows_changed", "rows_rejected",
         "status"]
    ],
    hide_index=True,
    column_config={
        # Widths adding up to the page's 1,120 pixels, so that the status is not cut off.
        "load_id": st.column_config.NumberColumn("Load", format="%d", width=60),
        "loaded_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm", width=140),
        "loaded_by": st.column_config.TextColumn("By", width=100),
        "file_name": st.column_config.TextColumn("File", width=260),
        "source": st.column_config.TextColumn("Source", width=120),
        "rows_added": st.column_config.NumberColumn("Added", format="%d", width=70),
        "rows_changed": st.column_config.NumberColumn("Changed", format="%d", width=75),
        "rows_rejected": st.column_config.NumberColumn("Left out", format="%d", width=75),
        "status": st.column_config.TextColumn("Status", width=220),
    },
)

yours = history[history["may_roll_back"]].set_index("load_id")
pending = st.session_state.get(ROLLBACK_PENDING_KEY)
if pending is not None:
    record = store.load_record(pending)
    name = plain(record["file_name"]) if record else "unknown file"
    added = record["rows_added"] if record else 0
    changed = record["rows_changed"] if record else 0
    benchmarks_added, benchmarks_replaced = store.load_benchmarks(pending)
    benchmarks = (
        f"; the {count(benchmarks_added, 'published benchmark')} it added removed and the "
        f"{count(benchmarks_replaced, 'benchmark')} it replaced restored" if benchmarks_added or benchmarks_replaced
        else ""
    )
    st.warning(
        f"**Roll back load {pending} ({name})?** The {count(added, 'figure')} it added will be removed and the "
        f"{count(changed, 'value')} it replaced restored{benchmarks}, for everyone who reads the dashboard.",
        icon=":material/warning:",
    )
    with st.container(horizontal=True):
        st.button(f"Yes, roll back load {pending}", type="primary", on_click=confirm_rollback, args=(pending,))
        st.button("Cancel", on_click=cancel_rollback)
elif yours.empty:
    st.caption("None of these loads is yours to roll back.")
else:
    chosen = st.selectbox(
        "Load to roll back",
        yours.index.tolist(),
        index=None,
        placeholder="Choose a load",
        format_func=lambda load_id: f"Load {load_id}: {yours.at[load_id, 'file_name']} "
        f"({yours.at[load_id, 'loaded_by']}, {when(yours.at[load_id, 'loaded_at'])})",
    )
    st.button("Roll back this load…", icon=":material/undo:", disabled=chosen is None, on_click=ask_rollback,
              args=(chosen,))
