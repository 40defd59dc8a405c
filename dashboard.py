"""The dashboard: routes the pages and draws the frame every page shares.

Served by server.py (``streamlit run server.py [-- --db PATH]``), or alone by ``streamlit run dashboard.py``.
"""

import argparse
import logging
import sys
from pathlib import Path

import streamlit as st

from boards.accounts import settings
from boards.pages.frame import open_store, signed_in_actor
from boards.store import StoreError

st.set_page_config(
    page_title="Safeguarding board effectiveness",
    # A file of the app's own: a Material icon here would be fetched from a font host, and fail offline.
    page_icon=str(Path(__file__).parent / "boards" / "pages" / "assets" / "page_icon.png"),
    layout="wide",
)

ASSETS = Path(__file__).parent / "boards" / "pages" / "assets"
# A browser's print of any page is clean on A4 (a style alone takes no room on the page).
st.html(f"<style>{(ASSETS / 'print.css').read_text(encoding='utf-8')}</style>")
# On a phone held upright, wide charts say to turn it (boards.pages.figures.figure_with_table).
st.html(f"<style>{(ASSETS / 'narrow.css').read_text(encoding='utf-8')}</style>")

parser = argparse.ArgumentParser(add_help=False)
parser.add_argument("--db", default=None)
arguments, _ = parser.parse_known_args(sys.argv[1:])
store = open_store(arguments.db)
try:
    actor = signed_in_actor(store)
    open_to_all = settings(store)["read_without_sign_in"]
except StoreError as exc:
    st.error(f"**This page could not be shown.** {exc}", icon=":material/error:")
    st.stop()

overview = st.Page(
    "boards/pages/overview.py",
    title="Overview",
    icon=":material/leaderboard:",
    default=True,
    help="Every partnership ranked by concern score, the indicator matrix and the map of England.",
)
profile = st.Page(
    "boards/pages/profile.py",
    title="Partnership",
    icon=":material/location_city:",
    url_path="partnership",
    help="One partnership: every indicator against England, its region and its statistical neighbours.",
)
explorer = st.Page(
    "boards/pages/explorer.py",
    title="Indicator",
    icon=":material/query_stats:",
    url_path="indicator",
    help="One indicator across every partnership: ranked values, the funnel plot and change over time.",
)
reviews = st.Page(
    "boards/pages/reviews.py",
    title="Case reviews",
    icon=":material/menu_book:",
    url_path="case-reviews",
    help="Review timeliness, recommendations carried out and themes that keep coming back.",
)
upload = st.Page(
    "boards/pages/upload.py",
    title="Upload",
    icon=":material/upload_file:",
    url_path="upload",
    help="Upload a quarterly return, see every problem row by row, confirm; the history of loads and rollback.",
)
data = st.Page(
    "boards/pages/home.py",
    title="Data",
    icon=":material/database:",
    url_path="data",
    help="What the database holds: areas, indicators, periods, sources and how fresh each figure is.",
)
about = st.Page(
    "boards/pages/about.py",
    title="About",
    icon=":material/info:",
    url_path="about",
    help="Every indicator's definition and source, the methods in plain words, and the licences.",
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

if actor is None and not open_to_all:
    pages = [st.Page("boards/pages/sign_in.py", title="Sign in", icon=":material/login:", default=True)]
else:
    pages = [overview, profile, explorer, reviews, upload, data, about, account]
    pages += [admin] if actor is not None and actor.can_manage() else []
# The page boundary: a visitor reads a sentence, never a traceback or a server path (showErrorDetails is
# "none" in .streamlit/config.toml); the details go to the server's log.
try:
    st.navigation(pages, position="top").run()
except StoreError as exc:
    st.error(f"**This page could not be shown.** {exc}", icon=":material/error:")
except Exception:
    logging.getLogger("boards.pages").exception("a page failed")
    st.error(
        "**Something went wrong on this page.** The details are in the server's log. Reload the page to try "
        "again; if it happens again, tell your administrator the time it happened.",
        icon=":material/error:",
    )
# Last, so that the script's element sits below everything else on the page.
st.html(f"<script>{(ASSETS / 'print.js').read_text(encoding='utf-8')}</script>", unsafe_allow_javascript=True)
