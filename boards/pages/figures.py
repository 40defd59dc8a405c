"""Every chart with its table alternative and a CSV download, drawn the same way on every page."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from boards.exports import to_csv_bytes
from boards.pack.images import chart_image, chromium_path
from boards.pages.plain import plain

# Plotly's mode bar is a row of unlabelled icon buttons that a keyboard cannot reach (an accessibility
# failure); its one useful action, saving an image, is offered as labelled buttons under each chart.
PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True}
NARROW_NOTE = ("This chart needs a wider screen: turn your phone sideways, or open <b>Table of this chart</b> "
               "below it.")
IMAGE_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


def static_table(frame: pd.DataFrame, columns: dict[str, str], *, datetime_format: str = "%d %b %Y, %H:%M") -> None:
    """``frame``'s ``columns`` (source name: heading) as a plain HTML table, written in Markdown.

    For short tables read, not explored: a real ``<table>`` that screen readers walk cell by
    cell. Markdown is drawn by the script every page already has; ``st.dataframe`` and
    ``st.table`` each make the browser fetch and run about a megabyte more (the grid, or Arrow's
    decoder) on the first page that has one. Text is escaped, so it reads as typed; numbers are
    right-aligned with thousands separators."""
    headings, alignments, cells = [], [], []
    for source, heading in columns.items():
        column = frame[source]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        if pd.api.types.is_datetime64_any_dtype(column):
            texts = [plain(text) for text in column.dt.strftime(datetime_format).fillna("")]
        elif numeric:
            texts = ["" if pd.isna(value) else f"{value:,}" for value in column]
        else:
            texts = ["" if pd.isna(text) else plain(_breakable(str(text))) for text in column]
        headings.append(plain(heading))
        alignments.append("---:" if numeric else "---")
        cells.append(texts)
    lines = [headings, alignments, *zip(*cells)]
    st.markdown("\n".join("| " + " | ".join(line) + " |" for line in lines))


# A file name is one long word: unbroken, it makes its cell scroll, and a scrolling cell is a region
# keyboard users cannot reach (axe: scrollable-region-focusable). A zero-width space after each
# separator of a long word lets it wrap there, and nowhere else.
_LONG_WORD = re.compile(r"\S{25,}")
_SEPARATOR = re.compile(r"([_./-])")


def _breakable(text: str) -> str:
    return _LONG_WORD.sub(lambda word: _SEPARATOR.sub("\\1\u200b", word.group()), text)


def print_copy(frame: pd.DataFrame, columns: dict[str, str], *, float_format: str = "{:,.2f}") -> None:
    """Every row of ``frame``'s ``columns`` (source name: heading) as a plain HTML table that only a print shows,
    in place of the grid just above it: a grid draws the rows and columns that fit on screen, and a print of it
    would stop there (assets/print.css hides the grid and shows this)."""
    shown = frame[list(columns)].rename(columns=columns)
    shown = shown.apply(lambda column: column.map(
        lambda v: float_format.format(v) if isinstance(v, float) and not np.isnan(v) else v))
    html = shown.to_html(index=False, escape=True, na_rep="", border=0)
    st.html(f'<div class="boards-print-only">{html}</div>')


def table_and_download(table: pd.DataFrame, *, file_name: str, key: str, column_config: dict | None = None,
                       printed: bool = False) -> None:
    """The table (column names readable as they are) and a button to download it as CSV; ``printed``: in full
    when the page is printed (for a table outside an expander, which a print leaves out)."""
    st.dataframe(table, hide_index=True, column_config=column_config, key=f"{key}_table")
    if printed:
        print_copy(table, {column: column for column in table.columns})
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
    wide: bool = False,
):
    """Draw ``figure``, say in one sentence what it shows (for screen readers and for everyone),
    and offer the same data as a table and a CSV. Returns the chart's selection event when
    ``on_select`` is "rerun". A ``wide`` chart (many rows of labels, or cells side by side) has a note above
    it, seen on a narrow screen only (assets/narrow.css), that says to turn the phone or read the table."""
    if wide:
        st.html(f'<p class="boards-narrow-note">{NARROW_NOTE}</p>')
    event = st.plotly_chart(
        figure,
        config=PLOTLY_CONFIG,
        key=key,
        on_select=on_select,
        selection_mode=selection_mode,
        width="stretch",
    )
    st.caption(summary)
    with st.expander("Table of this chart, and downloads"):
        table_and_download(table, file_name=file_name, key=key, column_config=column_config)
        chart_downloads(figure, file_stem=file_name.removesuffix(".csv"), key=key)
    return event


def chart_downloads(figure: go.Figure, *, file_stem: str, key: str) -> None:
    """Buttons that save the chart as PNG (for slides and documents) or SVG (to scale without blur), drawn by
    Plotly's own export on the server when pressed; a sentence instead where the server has no Chromium."""
    if chromium_path() is None:
        st.caption("Saving this chart as an image needs Chromium on the server; the table above has its figures.")
        return
    for image_format, mime in IMAGE_FORMATS.items():
        st.download_button(
            f"Download this chart ({image_format.upper()})",
            lambda image_format=image_format: chart_image(figure, image_format),
            file_name=f"{file_stem}.{image_format}", mime=mime, on_click="ignore", icon=":material/image:",
            key=f"{key}_{image_format}",
        )
