"""Data: what the database holds and how fresh it is."""

import streamlit as st

from boards.catalogue import DOMAINS
from boards.exports import to_csv_bytes
from boards.imports.preview import loads_in_words
from boards.pages.figures import static_table
from boards.pages.frame import current_store, database_summary, demo_notice, shared_read

LOADS_SHOWN = 10

store = current_store()
summary = database_summary()

st.title("What the database holds")
st.caption(
    "Which local safeguarding partnerships in England are weak, on what, against whom, "
    "and whether it is real or noise."
)
demo_notice(set(summary["observations_by_source"]))

columns = st.columns(4)
columns[0].metric("Local authorities", summary["areas"])
columns[1].metric("Partnerships", summary["partnerships"])
columns[2].metric("Indicators", summary["indicators"])
columns[3].metric("Observations", f"{summary['observations']:,}")

latest = summary["latest_period_label"]
period_names = {
    "quarter": "Latest quarter (local returns)",
    "year_to_march": "Latest year to 31 March (DfE children in need)",
    "year_to_september": "Latest workforce year (DfE, to 30 September)",
}
st.subheader("Latest data")
st.markdown("\n".join(f"- {period_names[kind]}: **{label}**" for kind, label in latest.items()))
last_load = summary["last_load_at"]
st.caption(f"Last load: {last_load:%d %b %Y, %H:%M} UTC" if last_load else "No data loaded yet")

st.subheader("What each indicator holds")
freshness = shared_read("indicator_freshness").assign(domain=lambda f: f["domain"].map(DOMAINS))
static_table(
    freshness,
    {"domain": "Domain", "name": "Indicator", "sources": "Source", "latest_period": "Latest period",
     "areas_reported": "Areas reporting"},
)
st.download_button(
    "Download this table (CSV)",
    to_csv_bytes(freshness),
    file_name="indicator_freshness.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Loads")
loads = store.loads().iloc[::-1].reset_index(drop=True)
if len(loads) > LOADS_SHOWN:
    st.caption(f"The latest {LOADS_SHOWN} of {len(loads):,} loads, newest first; the download has them all.")
else:
    st.caption("Newest first.")
latest_loads = loads_in_words(loads.head(LOADS_SHOWN)).assign(
    rows=lambda f: [
        f"{added:,} added, {changed:,} changed, {unchanged:,} unchanged, {rejected:,} left out"
        for added, changed, unchanged, rejected in zip(
            f["rows_added"], f["rows_changed"], f["rows_unchanged"], f["rows_rejected"], strict=True
        )
    ]
)
static_table(
    latest_loads,
    {"load_id": "Load", "loaded_at": "When (UTC)", "loaded_by": "By", "file_name": "File", "source": "Source",
     "rows": "Rows", "status": "Status", "note": "Note"},
    datetime_format="%d %b %Y %H:%M",
)
st.download_button(
    "Download every load (CSV)",
    to_csv_bytes(loads),
    file_name="loads.csv",
    mime="text/csv",
    icon=":material/download:",
)
