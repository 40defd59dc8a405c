"""The frame every page shares: the database, its failures shown as a page, the demo notice."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from boards.database import open_database
from boards.store import Store, StoreError, resolve_db_path


@st.cache_resource(show_spinner=False)
def _prepared_store(path: str, _progress: Callable[[float, str], None]) -> Store:
    return open_database(path, progress=_progress)


def open_store(cli_db: str | None = None) -> Store:
    """The process's store, built on first run with a progress bar; a clear page if it cannot open."""
    path = str(resolve_db_path(cli_db))
    bar = st.empty()

    def progress(fraction: float, message: str) -> None:
        bar.progress(fraction, text=f"First run: building the demo database. {message}…")

    try:
        store = _prepared_store(path, progress)
    except StoreError as exc:
        bar.empty()
        st.error(f"**The database cannot be opened.** {exc}", icon=":material/error:")
        st.stop()
    bar.empty()
    st.session_state["store"] = store
    return store


def current_store() -> Store:
    """The store opened by ``dashboard.py`` for this run."""
    return st.session_state["store"]


def demo_notice(sources: set[str]) -> None:
    """Say plainly, wherever invented figures appear, that they are invented."""
    if "demo" in sources:
        st.warning(
            "**Demonstration data.** The local quarterly returns in this database (partner attendance, "
            "case review timeliness, audits, supervision) are invented from a fixed random seed. "
            "They describe no real area. Published DfE and Ofsted figures are real.",
            icon=":material/science:",
        )
