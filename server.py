"""Serves dashboard.py through Streamlit's st.App, whose start-up imports what every page needs (pandas,
DuckDB, SciPy, the comparison engine, the charts: about a second on the 2-core machines) while the server
waits for its first visitor, instead of making that visitor wait for it.

    streamlit run server.py [-- --db PATH]      # what `python3 dev.py run` runs

``streamlit run dashboard.py`` serves the same dashboard without the head start, and without
``boards.web``: no anti-framing headers, and no session cookie (a reload signs the user out).
"""

from __future__ import annotations

import importlib
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from boards.web import SecurityHeaders, session_routes

# The frame (store, comparison engine, accounts) and the figures every page shows; page scripts themselves
# cannot be imported, since importing one would draw it.
PRELOADED = ("boards.pages.frame", "boards.pages.figures", "boards.charts.overview")


def _preload() -> None:
    for name in PRELOADED:
        importlib.import_module(name)


def _stop_on_hangup() -> None:
    """A closed terminal (SIGHUP) stops the server as SIGTERM does: cleanly, closing the database."""
    signal.signal(signal.SIGHUP, lambda number, frame: signal.raise_signal(signal.SIGTERM))


@asynccontextmanager
async def lifespan(app: st.App) -> AsyncIterator[None]:
    _stop_on_hangup()
    # Beside the server, not before it: the server answers at once, and a page run that starts while the
    # modules load waits for each on Python's import lock, never importing it twice.
    threading.Thread(target=_preload, name="preload", daemon=True).start()
    yield
    from boards.store import Store

    Store.close_all()


app = st.App("dashboard.py", lifespan=lifespan, routes=session_routes(), middleware=[Middleware(SecurityHeaders)])
