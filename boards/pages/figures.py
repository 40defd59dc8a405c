"""Every chart with its table alternative and a CSV download, drawn the same way on every page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from boards.exports import to_csv_bytes

# Plotly's mode bar is a row of unlabelled icon buttons (an accessibility failure) whose one
# useful action, saving a PNG, is covered by the table and CSV below each chart.
PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True}


def table_and_download(table: pd.DataFrame, *, file_name: str, key: str, column_config: dict | None = None) -> None:
    """The table (column names readable as they are) and a button to download it as CSV."""
    st.dataframe(table, hide_index=True, column_config=column_config, key=f"{key}_table")
    st.download_button(
        "Download this table (CSV)",
        to_csv_bytes(table),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_download",
    )


def figure_with_table(
    figure: go.Figure,
    table: pd.DataFrame,
    *,
    file_name: str,
    key: str,
    summary: str,
    column_config: dict | None = None,
    on_select: str = "ignore",
    selection_mode: str | tuple[str, ...] = ("points",),
):
    """Draw ``figure``, say in one sentence what it shows (for screen readers and for everyone),
    and offer the same data as a table and a CSV. Returns the chart's selection event when
    ``on_select`` is "rerun"."""
    event = st.plotly_chart(
        figure,
        config=PLOTLY_CONFIG,
        key=key,
        on_select=on_select,
        selection_mode=selection_mode,
        width="stretch",
    )
    st.caption(summary)
    with st.expander("Table of this chart, and download"):
        table_and_download(table, file_name=file_name, key=key, column_config=column_config)
    return event
