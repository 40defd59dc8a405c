"""The Data page (what the database holds), run in-process with AppTest on the session's demo database."""

import re
import shutil

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from boards.catalogue import DOMAINS, load_catalogue
from boards.pages.plain import plain
from boards.store import SCHEMA_VERSION, Store


def markdown_tables(app: AppTest) -> list[pd.DataFrame]:
    """The page's Markdown tables, every cell as written (escaped); a cell's escaped pipe stays in it."""
    tables = []
    for element in app.markdown:
        lines = element.value.splitlines()
        if len(lines) < 2 or not lines[1].startswith("| ---"):
            continue
        rows = [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]
        tables.append(pd.DataFrame(rows[2:], columns=rows[0]))
    return tables


@pytest.fixture
def home(demo_db_path, monkeypatch):
    monkeypatch.setenv("BOARDS_DB", str(demo_db_path))
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    app.switch_page("boards/pages/home.py").run()
    yield app
    st.cache_resource.clear()


def test_title_and_counts(home):
    """The page names itself and shows the database's counts."""
    assert not home.exception
    assert home.title[0].value == "What the database holds"
    metrics = {m.label: m.value for m in home.metric}
    assert metrics == {
        "Local authorities": "153",
        "Partnerships": "153",
        "Indicators": "37",
        "Observations": f"{Store.open(home.session_state['store'].path).summary()['observations']:,}",
    }


def test_says_plainly_that_local_returns_are_invented(home):
    """The demo notice is on the page because demo rows are shown."""
    assert any("Demonstration data" in w.value and "invented" in w.value for w in home.warning)


def test_freshness_table_equals_the_store(home):
    """The indicator table shows exactly what the store computes, as a plain HTML table."""
    store = home.session_state["store"]
    shown = markdown_tables(home)[0]
    expected = store.read("indicator_freshness")
    assert list(shown.columns) == ["Domain", "Indicator", "Source", "Latest period", "Areas reporting"]
    assert shown["Indicator"].tolist() == [plain(name) for name in expected["name"]]
    assert shown["Areas reporting"].tolist() == [f"{areas:,}" for areas in expected["areas_reported"]]
    assert len(shown) == 37
    # Catalogue order, with the domains' display labels.
    assert shown[["Domain", "Indicator"]].iloc[0].tolist() == ["Demand", "Referral rate"]
    assert shown["Domain"].iloc[-1] == plain(DOMAINS[list(load_catalogue().values())[-1].domain])
    caseload = shown.set_index("Indicator").loc["Caseload per case\\-holding social worker"]
    assert (caseload["Source"], caseload["Latest period"]) == ("published", "Year to 30 Sep 2025")


def test_loads_newest_first_with_their_rows_in_words(home):
    """The demo build's nine loads, newest first, each with what it added in one sentence."""
    shown = markdown_tables(home)[1]
    assert list(shown.columns) == ["Load", "When \\(UTC\\)", "By", "File", "Source", "Rows", "Status", "Note"]
    assert shown["Load"].tolist() == ["9", "8", "7", "6", "5", "4", "3", "2", "1"]
    local = shown[shown["Load"] == "8"].iloc[0]
    assert local["File"] == "synthetic local returns \\(seed 20250401\\)"
    assert local["Rows"] == "14\\,688 added\\, 0 changed\\, 0 unchanged\\, 0 left out"
    assert (local["Source"], local["Status"]) == ("demonstration", "imported")
    assert [b.label for b in home.get("download_button")] == ["Download this table (CSV)", "Download every load (CSV)"]


def test_static_table_shows_markup_as_typed():
    """A file name that is Markdown is shown as text, not as a link; a pipe does not split its cell."""
    def page():
        import pandas as pd

        from boards.pages.figures import static_table

        static_table(
            pd.DataFrame({"file_name": ["[report](https://example.org)"], "loaded_at": [pd.Timestamp("2026-07-01 09:05")],
                          "rows_added": [1234], "note": ["a | b"]}),
            {"file_name": "File", "loaded_at": "When", "rows_added": "Added", "note": "Note"},
        )

    app = AppTest.from_function(page).run()
    assert app.markdown[0].value.splitlines()[:2] == ["| File | When | Added | Note |", "| --- | --- | ---: | --- |"]
    shown = markdown_tables(app)[0]
    # Escaped, and (a word of 25 characters or more) breakable after each separator by a zero-width space.
    assert shown.iloc[0].tolist() == [
        "\\[report\\]\\(https\\:\\/\u200b\\/\u200bexample\\.\u200borg\\)", "01 Jul 2026\\, 09\\:05", "1,234",
        "a \\| b"]


def test_latest_periods_listed(home):
    """The three kinds of period each show their latest label."""
    text = " ".join(m.value for m in home.markdown)
    assert "Latest quarter (local returns): **2026-27 Q2 (Jul-Sep 2026)**" in text
    assert "Latest year to 31 March (DfE children in need): **2024-25 (year to 31 Mar 2025)**" in text
    assert "Latest workforce year (DfE, to 30 September): **Year to 30 Sep 2025**" in text


def test_newer_schema_gives_a_clear_page(tmp_path, monkeypatch):
    """A database from a newer version shows an error page, not a traceback."""
    import duckdb

    path = tmp_path / "newer.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', current_timestamp)")
    con.close()
    monkeypatch.setenv("BOARDS_DB", str(path))
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=30).run()
    assert not app.exception
    assert app.error[0].value == (
        f"**The dashboard cannot open its database.** The database newer.duckdb has schema version 99, newer "
        f"than this application's {SCHEMA_VERSION}. Upgrade the application to open it."
    )


def test_a_database_error_on_a_page_is_a_sentence_without_paths(home, monkeypatch):
    """A DuckDB failure inside a page (here a full disk while reading) reaches the visitor as a sentence, with
    no traceback; an unexpected error as another sentence, its details left to the server's log."""
    import duckdb

    from boards.store import Store

    def full_disk(self, *args, **kwargs):
        with self._cursor():
            raise duckdb.IOException('IO Error: Could not write file "/srv/boards/boards.duckdb": No space left')

    monkeypatch.setattr(Store, "summary", full_disk)
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    app.switch_page("boards/pages/home.py").run()
    assert not app.exception
    assert app.error[0].value.startswith("**This page could not be shown.** The database ")
    assert app.error[0].value.endswith(
        '(IO Error: Could not write file "/srv/boards/boards.duckdb": No space left), so nothing was changed. '
        "If the disk or the memory is full, free some and try again."
    )

    monkeypatch.setattr(Store, "summary", lambda self: 1 / 0)
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    app.switch_page("boards/pages/home.py").run()
    assert not app.exception
    assert app.error[0].value == (
        "**Something went wrong on this page.** The details are in the server's log. Reload the page to try "
        "again; if it happens again, tell your administrator the time it happened."
    )


def test_every_load_rolled_back_says_there_is_nothing_yet(demo_db_path, tmp_path, monkeypatch):
    """After an administrator rolls back every load, the pages say the database holds no figures
    instead of failing."""
    from boards.access import system_actor
    from boards.imports.pipeline import rollback

    path = tmp_path / "emptied.duckdb"
    shutil.copy(demo_db_path, path)
    store = Store.open(path)
    monkeypatch.setenv("BOARDS_DB", str(path))
    st.cache_resource.clear()
    app = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    assert app.title[0].value == "Safeguarding board effectiveness"
    for load_id in sorted(store.table("loads")["load_id"], reverse=True):
        rollback(store, int(load_id), actor=system_actor("tester"))
    app.run()
    assert not app.exception
    assert app.info[0].value.startswith("**No figures yet.** This database holds no period with data")
    st.cache_resource.clear()


def test_a_second_session_after_the_first_run_build(tmp_path, monkeypatch):
    """The first session on an empty database builds the demo with a progress bar; the next session of the
    same server opens the same store and draws its page (the cached store replays nothing)."""
    monkeypatch.setenv("BOARDS_DB", str(tmp_path / "first_run.duckdb"))
    st.cache_resource.clear()
    first = AppTest.from_file("../dashboard.py", default_timeout=120).run()
    assert not first.exception
    second = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    assert not second.exception, [e.value for e in second.exception]
    assert second.title[0].value == "Safeguarding board effectiveness"
    assert second.session_state["store"] is first.session_state["store"]
    st.cache_resource.clear()
