"""The dashboard: routes the pages and draws the frame every page shares.

Run with ``streamlit run dashboard.py [-- --db PATH]``.
"""

import argparse
import sys

import streamlit as st

from boards.accounts import settings
from boards.pages.frame import open_store, signed_in_actor

st.set_page_config(
    page_title="Safeguarding board effectiveness",
    page_icon=":material/shield_person:",
    layout="wide",
)

parser = argparse.ArgumentParser(add_help=False)
parser.add_argument("--db", default=None)
arguments, _ = parser.parse_known_args(sys.argv[1:])
store = open_store(arguments.db)
actor = signed_in_actor(store)

home = st.Page(
    "boards/pages/home.py",
    title="Home",
    icon=":material/home:",
    default=True,
    help="What the database holds: areas, indicators, periods, sources and how fresh each figure is.",
)
account = st.Page(
    "boards/pages/sign_in.py",
    title="Sign in" if actor is None else "Account",
    icon=":material/login:" if actor is None else ":material/account_circle:",
    url_path="account",
    help="Sign in to upload your partnership's return; see your role and sign out.",
)
admin = st.Page(
    "boards/pages/admin.py",
    title="Administration",
    icon=":material/admin_panel_settings:",
    help="Users and roles, settings, and the audit trail. Administrators only.",
)

if actor is None and not settings(store)["read_without_sign_in"]:
    pages = [st.Page("boards/pages/sign_in.py", title="Sign in", icon=":material/login:", default=True)]
else:
    pages = [home, account] + ([admin] if actor is not None and actor.can_manage() else [])
st.navigation(pages, position="top").run()
