"""The choices every page shares (period, partnership, indicator), kept in the URL.

Each selector is kept in step with a query parameter of the same name, holding the code rather
than the label (``?period=2026-27 Q2&partnership=E08000021&indicator=rereferral_rate``), so a link
opens the same view, survives a renamed area, and the browser's back button works. Streamlit's
own ``bind="query-params"`` is not used because it writes the displayed label into the URL.
Pages call these instead of making their own selectors, so names and defaults are the same
everywhere, and a period chosen on one page is still chosen on the next.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from boards.pages.frame import comparable_periods, current_store, latest_period_id
from boards.pages.plain import plain

PERIOD = "period"
PARTNERSHIP = "partnership"
INDICATOR = "indicator"


def url_selectbox(container, label: str, options: list[str], *, key: str, default: str | None, **kwargs) -> str | None:
    """A selectbox whose value follows ``?key=`` when the URL changes and writes it back when it does.

    The last choice is also kept under a key of its own, because Streamlit forgets a widget's
    value on a page that does not draw it: a period chosen on one page stays chosen on the next.
    """
    chosen = f"_{key}_chosen"
    current = st.session_state.get(key, st.session_state.get(chosen))
    in_url = st.query_params.get(key)
    if in_url is not None and in_url != st.session_state.get(chosen):
        if in_url in options:  # opened from a link, from another page, or by the back button
            current = in_url
        else:
            st.warning(f"The link asked for {key} \"{plain(in_url)}\", which this database does not hold.",
                       icon=":material/link_off:")
    st.session_state[key] = current if current in options else default
    value = container.selectbox(label, options, key=key, **kwargs)
    if value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    st.session_state[chosen] = value
    return value


def choose_period(container=st, *, label: str = "Period") -> str:
    """A period with data, newest first; the latest quarter unless the URL says otherwise."""
    periods = comparable_periods()
    if periods.empty:  # every load rolled back, or a database given without data
        st.info("**No figures yet.** This database holds no period with data: an analyst or administrator "
                "can load DfE files or a quarterly return on the Upload page.", icon=":material/database_off:")
        st.stop()
    labels = dict(zip(periods["period_id"], periods["label"]))
    return url_selectbox(
        container,
        label,
        list(labels),
        key=PERIOD,
        default=latest_period_id(),
        format_func=labels.__getitem__,
        help="Annual DfE figures are compared as at the end of the quarter: the latest year DfE had published by then.",
    )


FIGURES = {"all": "All figures", "published": "Published figures only"}


def choose_figures(container=st) -> bool:
    """All figures, or published DfE and Ofsted figures only (``?figures=published``): True for published only."""
    chosen = url_selectbox(
        container,
        "Figures",
        list(FIGURES),
        key="figures",
        default="all",
        format_func=FIGURES.__getitem__,
        help="Published figures only: the DfE and Ofsted figures alone, without local quarterly returns "
        "(uploads, and the demonstration's invented ones).",
    )
    return chosen == "published"


def partnership_names() -> pd.Series:
    """Partnership names by id, in alphabetical order of name."""
    names = current_store().partnership_names()
    return pd.Series(names, name="partnership_name").sort_values()


def choose_partnership(container=st, *, label: str = "Partnership") -> str | None:
    """A partnership by name (typing filters the list); None until one is chosen."""
    names = partnership_names()
    return url_selectbox(
        container,
        label,
        names.index.tolist(),
        key=PARTNERSHIP,
        default=None,
        index=None,
        format_func=names.__getitem__,
        placeholder="Type or choose a partnership",
    )


def choose_indicator(catalogue: pd.DataFrame, container=st, *, label: str = "Indicator") -> str:
    """An indicator of the catalogue, in its order; the first unless the URL says otherwise."""
    names = dict(zip(catalogue["indicator_id"], catalogue["name"]))
    return url_selectbox(
        container, label, list(names), key=INDICATOR, default=next(iter(names)), format_func=names.__getitem__
    )
