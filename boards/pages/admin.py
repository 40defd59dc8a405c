"""Administration: users and roles, settings, and the audit trail. Administrators only."""

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

store = current_store()
actor = current_actor()
st.title("Administration")
if actor is None or not actor.can_manage():
    st.error("Only an administrator can see this page.", icon=":material/block:")
    st.stop()

partnerships = store.partnership_names()


def attempt(action, success: str) -> None:
    """Run a core change and report it; the core's refusal is shown as it is."""
    try:
        action()
    except (AccountError, PermissionDenied, ValueError) as exc:
        st.error(plain(exc), icon=":material/error:")
    else:
        st.success(success, icon=":material/check_circle:")


users_tab, settings_tab, audit_tab = st.tabs(["Users", "Settings", "Audit trail"])

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
                attempt(lambda: change_setting(store, actor, key, str(value).lower()), f"{key} set to {value}.")

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
