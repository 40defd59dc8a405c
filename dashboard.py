"""The dashboard: routes the pages and draws the frame every page shares.

Run with ``streamlit run dashboard.py [-- --db PATH]``.
"""

import argparse
import sys

import streamlit as st

from boards.pages.frame import open_store

st.set_page_config(
    page_title="Safeguarding board effectiveness",
    page_icon=":material/shield_person:",
    layout="wide",
)

parser = argparse.ArgumentParser(add_help=False)
parser.add_argument("--db", default=None)
arguments, _ = parser.parse_known_args(sys.argv[1:])
open_store(arguments.db)

page = st.navigation(
    [
        st.Page(
            "boards/pages/home.py",
            title="Home",
            icon=":material/home:",
            default=True,
            help="What the database holds: areas, indicators, periods, sources and how fresh each figure is.",
        ),
    ],
    position="top",
)
page.run()
