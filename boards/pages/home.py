"""Data: what the database holds and how fresh it is."""

import streamlit as st

from boards.catalogue import DOMAINS
from boards.exports import to_csv_bytes
from boards.pages.frame import current_store, demo_notice

store = current_store()
summary = store.summary()

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
freshness = store.read("indicator_freshness").assign(domain=lambda f: f["domain"].map(DOMAINS))
st.dataframe(
    freshness,
    height="content",
    hide_index=True,
    column_config={
        "domain": "Domain",
        "indicator_id": None,
        "name": "Indicator",
        "sources": "Source",
        "latest_period": "Latest period",
        "areas_reported": st.column_config.NumberColumn("Areas reporting", format="%d"),
    },
)
st.download_button(
    "Download this table (CSV)",
    to_csv_bytes(freshness),
    file_name="indicator_freshness.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Loads")
st.dataframe(
    store.loads(),
    hide_index=True,
    column_config={
        "load_id": st.column_config.NumberColumn("Load", format="%d"),
        "loaded_at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
        "loaded_by": "By",
        "file_name": "File",
        "file_hash": None,
        "source": "Source",
        "rows_added": "Added",
        "rows_changed": "Changed",
        "rows_unchanged": "Unchanged",
        "rows_rejected": "Rejected",
        "status": "Status",
        "note": "Note",
    },
)
