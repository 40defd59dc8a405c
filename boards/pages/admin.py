"""Administration: users and roles, partnerships, settings, and the audit trail. Administrators only."""

import pandas as pd
import streamlit as st

from boards.access import ROLE_LABELS, ROLES, PermissionDenied
from boards.accounts import (
    SETTING_HELP,
    SETTINGS_DEFAULTS,
    AccountError,
    add_user,
    change_setting,
    generate_password,
    reset_password,
    set_active,
    set_partnerships,
    set_role,
    settings,
)
from boards.exports import to_csv_bytes
from boards.pages.frame import current_actor, current_store
from boards.pages.plain import plain
from boards.partnerships import (
    PartnershipError,
    assign_areas,
    create_partnership,
    dissolve_partnership,
    edited_history,
    footprint_table,
    rename_partnership,
)
from boards.store import StoreError

store = current_store()
actor = current_actor()
st.title("Administration")
if actor is None or not actor.can_manage():
    st.error("Only an administrator can see this page.", icon=":material/block:")
    st.stop()

partnerships = store.partnership_names()
CHANGE_DONE = "partnership_change_done"  # the last change's summary, shown after the rerun that redraws the tables
FORM_KEY = "partnership_form_"  # the prefix of the partnership inputs' keys, emptied once a change is made


def attempt(action, success: str) -> None:
    """Run a core change and report it; the core's refusal is shown as it is."""
    try:
        action()
    except (AccountError, PermissionDenied, ValueError) as exc:
        st.error(plain(exc), icon=":material/error:")
    else:
        st.success(success, icon=":material/check_circle:")


def change_partnerships(action) -> None:
    """Run a partnership change; on success redraw the page (its tables and lists) and show what it did."""
    try:
        change = action()
    except (PartnershipError, PermissionDenied, StoreError) as exc:
        st.error(plain(exc), icon=":material/error:")
    else:
        st.session_state[CHANGE_DONE] = change.summary
        st.rerun()


def empty_partnership_inputs() -> None:
    """After a change, the inputs start empty again (set before they are drawn: Streamlit keeps a widget's
    value otherwise, and a form would offer the partnership just created once more)."""
    for key, value in list(st.session_state.items()):
        if str(key).startswith(FORM_KEY):
            if isinstance(value, str) and not str(key).startswith(f"{FORM_KEY}name_of_"):
                st.session_state[key] = ""
            elif isinstance(value, list):
                st.session_state[key] = []
            elif isinstance(value, bool):
                st.session_state[key] = False
            else:
                del st.session_state[key]  # a rename box: it shows the partnership's name as it now is


users_tab, partnerships_tab, settings_tab, audit_tab = st.tabs(["Users", "Partnerships", "Settings", "Audit trail"])

with users_tab:
    users = store.users()
    st.dataframe(
        users,
        hide_index=True,
        column_config={
            "username": "Username",
            "display_name": "Name",
            "role": "Role",
            "active": st.column_config.CheckboxColumn("Active"),
            "failed_attempts": "Failed sign-ins",
            "locked_until": st.column_config.DatetimeColumn("Locked until (UTC)", format="D MMM YYYY, HH:mm"),
            "email": "Email (single sign-on)",
            "created_at": None,
            "partnerships": "Uploads for",
        },
    )
    st.subheader("Add a user")
    with st.form("add_user", clear_on_submit=True):
        username = st.text_input("Username (one word)")
        display_name = st.text_input("Name")
        email = st.text_input("Email, for single sign-on (optional)")
        role = st.selectbox("Role", ROLES, format_func=ROLE_LABELS.get)
        chosen = st.multiselect("Partnerships they upload for", list(partnerships), format_func=partnerships.get)
        added = st.form_submit_button("Add user", type="primary")
    if added:
        password = generate_password()
        attempt(
            lambda: add_user(store, actor, username=username, display_name=display_name, role=role,
                             password=password, partnership_ids=chosen, email=email or None),
            f"Added {plain(username)}. Their password, shown once: `{password}`",
        )

    if len(users):
        st.subheader("Change a user")
        who = st.selectbox("User", users["username"].tolist())
        current = users.set_index("username").loc[who]
        left, right = st.columns(2)
        with left:
            new_role = st.selectbox("New role", ROLES, index=ROLES.index(current["role"]), format_func=ROLE_LABELS.get)
            if st.button("Change role"):
                attempt(lambda: set_role(store, actor, who, new_role), f"{plain(who)} is now {new_role}.")
            now_active = bool(current["active"])
            if st.button("Disable account" if now_active else "Enable account and clear lock"):
                attempt(lambda: set_active(store, actor, who, not now_active),
                        f"{plain(who)} {'disabled' if now_active else 'enabled'}.")
        with right:
            held = store.user_partnerships(who)
            new_areas = st.multiselect("Uploads for", list(partnerships), default=held, format_func=partnerships.get)
            if st.button("Save partnerships"):
                attempt(lambda: set_partnerships(store, actor, who, new_areas), f"Saved {plain(who)}'s partnerships.")
            if st.button("Reset password"):
                password = generate_password()
                attempt(lambda: reset_password(store, actor, who, password),
                        f"New password for {plain(who)}, shown once: `{password}`")

with partnerships_tab:
    done = st.session_state.pop(CHANGE_DONE, None)
    if done:
        empty_partnership_inputs()
        st.success(plain(done), icon=":material/check_circle:")
    st.markdown(
        "Each local authority is in exactly one safeguarding partnership. As shipped, each LA is a partnership "
        "of its own: no public list of multi-LA footprints could be cited. Comparisons use the LAs a "
        "partnership covers now, for every period, so its trend compares like with like; every change is in "
        "the audit trail and in the history below. A change that would end a partnership someone uploads for "
        "is refused until you have changed what they upload for (Users tab)."
    )
    footprints = footprint_table(store)
    st.dataframe(
        footprints.sort_values(["member_count", "name"], ascending=[False, True]),
        hide_index=True,
        column_config={
            "partnership_id": "Id",
            "name": "Partnership",
            "member_count": st.column_config.NumberColumn("LAs", format="%d"),
            "members": "Local authorities",
        },
    )
    areas = store.partnership_members().sort_values("area_name")
    area_labels = dict(zip(areas["area_code"], areas["area_name"] + " (now in " + areas["name"] + ")"))

    st.subheader("Define a partnership")
    with st.form("create_partnership"):
        new_id = st.text_input("Id (one word, such as P-CAMBS-PBORO)", key=f"{FORM_KEY}id")
        new_name = st.text_input("Partnership name", key=f"{FORM_KEY}name")
        new_areas = st.multiselect("Its local authorities (each moves from the partnership it is in now)",
                                   list(area_labels), format_func=area_labels.get, key=f"{FORM_KEY}areas")
        created = st.form_submit_button("Create partnership", type="primary")
    if created:
        change_partnerships(lambda: create_partnership(store, actor, new_id, new_name, new_areas))

    st.subheader("Change a partnership")
    names = dict(zip(footprints["partnership_id"], footprints["name"] + " (" + footprints["partnership_id"] + ")"))
    which = st.selectbox("Partnership to change", list(names), format_func=names.get)
    if which is not None:
        left, right = st.columns(2)
        with left:
            renamed = st.text_input("New name", value=footprints.set_index("partnership_id").loc[which, "name"],
                                    key=f"{FORM_KEY}name_of_{which}")
            if st.button("Rename"):
                change_partnerships(lambda: rename_partnership(store, actor, which, renamed))
            moving = st.multiselect("Local authorities to move into it", [c for c in area_labels
                                    if areas.set_index("area_code").loc[c, "partnership_id"] != which],
                                    format_func=area_labels.get, key=f"{FORM_KEY}moving_{which}")
            if st.button("Move them in"):
                change_partnerships(lambda: assign_areas(store, actor, which, moving))
        with right:
            sure = st.checkbox("End this partnership: each of its LAs becomes a partnership of its own",
                               key=f"{FORM_KEY}dissolve_{which}")
            if st.button("Dissolve partnership", disabled=not sure):
                change_partnerships(lambda: dissolve_partnership(store, actor, which))

    st.subheader("History: which LA was in which partnership, when")
    history = edited_history(store)
    if history.empty:
        st.caption("No partnership has been changed: each LA is its own partnership, as data/partnerships.csv ships it.")
    else:
        def when(column: str, otherwise: str) -> pd.Series:
            return history[column].dt.strftime("%-d %b %Y, %H:%M UTC").fillna(otherwise)

        st.dataframe(
            pd.DataFrame({
                "Local authority": history["area_name"],
                "Partnership": history["name"] + " (" + history["partnership_id"] + ")",
                "From": when("valid_from", "as shipped"),
                "To": when("valid_to", "in force"),
                "Begun by": history["opened_by"].fillna("data/partnerships.csv"),
                "Ended by": history["closed_by"].fillna(""),
            }),
            hide_index=True,
        )

with settings_tab:
    values = settings(store)
    with st.form("settings"):
        edited = {}
        for key, default in SETTINGS_DEFAULTS.items():
            if isinstance(default, bool):
                edited[key] = st.checkbox(SETTING_HELP[key].capitalize(), value=values[key])
            else:
                edited[key] = st.number_input(SETTING_HELP[key].capitalize(), min_value=1, value=values[key], step=1)
        saved = st.form_submit_button("Save settings", type="primary")
    if saved:
        for key, value in edited.items():
            if value != values[key]:
                attempt(lambda key=key, value=value: change_setting(store, actor, key, str(value).lower()),
                        f"{key} set to {value}.")

with audit_tab:
    log = store.audit_log()
    st.dataframe(
        log.iloc[::-1],
        hide_index=True,
        column_config={
            "audit_id": st.column_config.NumberColumn("#", format="%d"),
            "occurred_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm:ss"),
            "actor": "Who",
            "action": "Action",
            "target": "On",
            "detail": "Detail",
        },
    )
    st.download_button("Download the audit trail (CSV)", to_csv_bytes(log), file_name="audit_trail.csv",
                       mime="text/csv", icon=":material/download:")
