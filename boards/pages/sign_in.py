"""Sign in and out: username and password, or the organisation's single sign-on."""

import streamlit as st

from boards.access import ROLE_LABELS
from boards.accounts import SignInError, sign_in
from boards.pages.frame import current_actor, current_store, end_session, remember_sign_in, single_sign_on_configured
from boards.pages.plain import plain

store = current_store()
actor = current_actor()

if actor is not None:
    st.title("Your account")
    st.write(f"Signed in as **{plain(actor.display_name)}** ({plain(actor.username)}), {ROLE_LABELS[actor.role].lower()}.")
    if actor.role == "uploader":
        st.write(f"You upload figures for: {plain(', '.join(actor.partnership_names))}.")
    if st.button("Sign out", icon=":material/logout:"):
        end_session(store, "signed out")
        st.rerun()
    st.stop()

st.title("Sign in")
st.caption("Signing in lets you upload your partnership's quarterly return. Reading the dashboard may not need it.")
with st.form("sign_in", enter_to_submit=True):
    username = st.text_input("Username", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        outcome = sign_in(store, username, password)
    except SignInError as exc:
        st.error(str(exc), icon=":material/lock:")
    else:
        remember_sign_in(store, outcome.actor)
        st.rerun()
if single_sign_on_configured():
    st.divider()
    if st.button("Sign in with your organisation account", icon=":material/badge:"):
        st.login()
