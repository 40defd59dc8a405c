"""Partnership profile: one partnership against England, its region and its statistical neighbours.

Its flags with the engine's sentences, the spine chart of every indicator, trends over time,
and where every figure came from (published, local or demo; which load) with the returns it
did not make. The comparison is cached (``frame.comparison``); this page only filters it.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from boards import profile
from boards.catalogue import DOMAINS
from boards.changes import previous_period_id
from boards.charts.palette import LEVEL_95_SYMBOL, invented_text, verdict_style
from boards.charts.spine import spine_chart, spine_table
from boards.charts.trends import trend_chart, trend_table
from boards.compare.engine import compare
from boards.compare.score import rank_text
from boards.compare.sentences import status_words
from boards.compare.spine import spine_rows
from boards.deprivation import deprivation_text, read_partnership_deprivation
from boards.pack.images import chromium_path
from boards.pack.partnership import PackComparisons, partnership_pack
from boards.pages.choices import choose_figures, choose_partnership, choose_period
from boards.pages.figures import figure_with_table, table_and_download
from boards.pages.frame import (
    DataKey,
    cached_comparison,
    cached_read,
    comparable_periods,
    comparison,
    current_store,
    data_key,
    demo_notice,
    shared_read,
)

FLAG_SYMBOLS = {
    profile.WORSE_99_8: verdict_style("worse").symbol,
    profile.WORSE_95: LEVEL_95_SYMBOL["worse"],
    profile.INSPECTION: verdict_style("worse").symbol,
    profile.WORSENING: "↘",
    profile.DID_NOT_REPORT: verdict_style("did not report").symbol,
    profile.BETTER: verdict_style("better").symbol,
}


def with_figure_column(table: pd.DataFrame, column: str, keys: list[str], rows: pd.DataFrame) -> pd.DataFrame:
    """A chart's table with a column saying whether each figure is invented or real (``rows``: the chart's rows,
    with ``invented`` and the table's ``keys``), so that the mark is in the table as well as on the chart."""
    invented = dict(zip(rows[keys].itertuples(index=False, name=None), rows["invented"].astype(bool), strict=True))
    words = ["invented" if invented[key] else "real" for key in table[keys].itertuples(index=False, name=None)]
    return table.assign(**{column: words})


def place_names(data: DataKey, compared, partnership_id: str) -> tuple[str, str, str]:
    """The partnership's name, and the code and name of its region in ``compared`` (the region of most of its LAs,
    named as its LAs' region)."""
    members = cached_read(data, "profile_members", (("partnership_id", partnership_id),))
    region_code = compared.scores.set_index("partnership_id").loc[partnership_id, "region_code"]
    region_name = members.loc[members["region_code"] == region_code, "region_name"].iloc[0]
    return members["partnership_name"].iloc[0], region_code, region_name


@st.cache_resource(show_spinner=False, max_entries=4)
def deprivation_of_partnerships(data: DataKey) -> pd.DataFrame:
    return read_partnership_deprivation(data.store)


@st.cache_resource(show_spinner=False, max_entries=64)
def spine_section(data: DataKey, partnership_id: str, period_id: str, published_only: bool
                  ) -> tuple[go.Figure, pd.DataFrame]:
    """The spine chart of every indicator, and its table with whether each figure is invented."""
    compared = cached_comparison(data, period_id, published_only)
    partnership_name, _, region_name = place_names(data, compared, partnership_id)
    spine = spine_rows(compared.area_results, compared.benchmarks, partnership_id)
    figure = spine_chart(
        spine[spine["x_worst"].notna()], partnership_name=partnership_name, region_name=region_name,
        title=f"{partnership_name} against England, {compared.period_label}",
    )
    table = with_figure_column(spine_table(spine), "Figure", ["Indicator"], spine.assign(
        Indicator=spine["short_name"].astype(str)))
    return figure, table


@st.cache_resource(show_spinner=False, max_entries=64)
def trends_section(data: DataKey, partnership_id: str, period_id: str, published_only: bool, domain: str
                   ) -> tuple[go.Figure, pd.DataFrame]:
    """The trend panels of one domain's indicators, and their table."""
    compared = cached_comparison(data, period_id, published_only)
    partnership_name, region_code, region_name = place_names(data, compared, partnership_id)
    results = profile.partnership_results(compared.area_results, partnership_id)
    indicator_ids = results.loc[results["domain"].astype(str) == domain, "indicator_id"].astype(str).tolist()
    trends = profile.trend_frame(
        compared.history, compared.benchmarks, partnership_id, region_code, indicator_ids, compared.as_at
    )
    figure = trend_chart(trends, partnership_name=partnership_name, region_name=region_name,
                         title=f"{DOMAINS[domain]}: {partnership_name} over time")
    table = with_figure_column(
        trend_table(trends, partnership_name=partnership_name, region_name=region_name), f"{partnership_name}'s figure",
        ["Indicator", "Period"], trends[trends["series"] == "partnership"].rename(
            columns={"short_name": "Indicator", "period_label": "Period"}),
    )
    return figure, table


store = current_store()
choices = st.columns([3, 2, 2])
partnership_id = choose_partnership(choices[0])
period_id = choose_period(choices[1])
published_only = choose_figures(choices[2])
if partnership_id is None:
    st.title("Partnership profile")
    st.info(
        "Choose a partnership above to see where it stands against England, its region and its "
        "statistical neighbours, why it is flagged, and where its figures come from.",
        icon=":material/location_city:",
    )
    st.stop()

data = data_key()
compared = comparison(period_id, published_only=published_only)
results = profile.partnership_results(compared.area_results, partnership_id)
members = shared_read("profile_members", partnership_id=partnership_id)
if results.empty:
    st.title(members["partnership_name"].iloc[0])
    st.info(f"The database holds no figures for {members['partnership_name'].iloc[0]} as at {compared.period_label}.")
    st.stop()
score = compared.scores[compared.scores["partnership_id"] == partnership_id].iloc[0]
partnership_name, region_code, region_name = place_names(data, compared, partnership_id)
provenance = profile.provenance(
    results,
    shared_read("profile_provenance", partnership_id=partnership_id),
    shared_read("profile_benchmark_loads", region_code=region_code),
    compared.benchmarks,
    region_code,
)

# -- header ----------------------------------------------------------------------------------
st.title(partnership_name)
covers = ", ".join(f"{name} ({code})" for name, code in zip(members["area_name"], members["area_code"], strict=True))
st.text(f"Region: {region_name}. Covers: {covers}. Compared as at {compared.period_label}.")
metrics = st.columns(4)
metrics[0].metric(
    "Concern score",
    "–" if pd.isna(score["score"]) else f"{score['score']:.2f} ({score['score_low']:.2f} to {score['score_high']:.2f})",
    help="The weighted mean distance from England in standard deviations, positive worse: 0 is England. "
    "In brackets its 95% interval. Weights and reasons: data/concern_weights.csv.",
)
metrics[1].metric(
    "Rank by concern", f"{rank_text(score['rank'], score['rank_low'], score['rank_high'])} of {len(compared.scores)}",
    help="1 is the partnership of most concern; in brackets the 95% interval of the rank, given the sampling error "
    "of the figures.",
)
metrics[2].metric("Indicators assessed", int(score["assessed"]))
own_deprivation = deprivation_of_partnerships(data).set_index("partnership_id").loc[partnership_id]
metrics[3].metric(
    "Children income-deprived",
    "–" if pd.isna(own_deprivation["idaci_score"]) else f"{own_deprivation['idaci_score'] * 100:.1f}%",
    help="IDACI 2019 average score (English Indices of Deprivation 2019): context beside the score, never part "
    "of it. Deprivation is the best-evidenced predictor of Ofsted judgements.",
)
st.text(f"In short: {score['summary']}.")
st.text(f"Deprivation: {deprivation_text(own_deprivation)}.")
demo_notice(profile.figure_sources(provenance))


def board_pack() -> bytes:
    """Made when the button is pressed (Streamlit calls it then, outside the page's run)."""
    before = previous_period_id(periods, compared.period_id)
    previous = compare(store, before, published_only=published_only) if before else None
    return partnership_pack(store, partnership_id, comparisons=PackComparisons(compared, previous))


periods = comparable_periods()
if chromium_path() is None:
    st.info(
        "**Board pack unavailable on this server.** The board pack (PDF) draws its charts with Chromium, and none "
        "is installed here: ask the administrator to install it (Debian or Ubuntu: `apt-get install chromium`) or "
        "to set BOARDS_CHROMIUM to its executable. Every chart below still has its table and CSV.",
        icon=":material/picture_as_pdf:",
    )
else:
    st.download_button(
        "Download board pack (PDF)", board_pack, mime="application/pdf", icon=":material/picture_as_pdf:",
        file_name=f"board_pack_{partnership_id}_{compared.period_id}.pdf".replace(" ", "_"), on_click="ignore",
        help="An A4 PDF for a board meeting: the first page in plain sentences, the spine chart, the trends with "
             "their tables, case review learning and where every figure came from.",
        key="board_pack",
    )

# -- flags -----------------------------------------------------------------------------------
st.header("Flags")
found = profile.flags(results)
if found.empty:
    st.success("No flags: nothing worse than England, getting worse, or not reported.", icon=":material/check_circle:")
for group, rows in found.groupby("group", observed=True, sort=True):
    with st.container(border=True):
        st.subheader(f"{FLAG_SYMBOLS[group]} {group} ({len(rows)})")
        invented = results.set_index(results["indicator_id"].astype(str))["invented"]
        for indicator_id, sentence in zip(rows["indicator_id"], rows["sentence"], strict=True):
            st.text(f"{FLAG_SYMBOLS[group]} {sentence}{invented_text(bool(invented[indicator_id]))}")

# -- spine chart -----------------------------------------------------------------------------
st.header("Every indicator against England")
figure_with_table(
    *spine_section(data, partnership_id, compared.period_id, published_only),
    file_name=f"spine_{partnership_id}_{compared.period_id}.csv".replace(" ", "_"),
    key="spine",
    wide=True,
    summary=(
        "Each row is one indicator. The black line is England (for figures without counts, such as caseloads "
        "and grades, the median of partnerships); the light bar runs from the worst to the best "
        f"area and the darker bar covers the middle half of areas, with better always to the right. "
        f"{partnership_name}'s marker shows its verdict by colour and shape (▼ worse, ● similar, ▲ better, "
        "◌ too few to judge), with an asterisk ✱ beside an invented figure; "
        f"the small square is {region_name} and the star the median of its statistical neighbours. "
        f"Context indicators (not judged) run from lowest to highest. {int(score['worse'])} indicators are worse "
        f"than England, {int(score['better'])} better"
        + (f", {int(score['too_few'])} too few to judge." if score["too_few"] else ".")
    ),
)

# -- trends ----------------------------------------------------------------------------------
st.header("Trends")
domains = [d for d in DOMAINS if d in set(results["domain"].astype(str))]
flagged = found.merge(results[["indicator_id", "domain"]].astype(str), on="indicator_id")
default_domain = flagged["domain"].mode().iloc[0] if len(flagged) else domains[0]
domain = st.segmented_control(
    "Domain to show", domains, default=default_domain, format_func=DOMAINS.__getitem__, key="trend_domain"
) or default_domain
figure_with_table(
    *trends_section(data, partnership_id, compared.period_id, published_only, domain),
    file_name=f"trends_{partnership_id}_{domain}.csv",
    key="trends",
    wide=True,
    summary=(
        f"One panel per indicator of {DOMAINS[domain]}, up to {compared.period_label}: {partnership_name} "
        f"(solid line, circles), England (dashed, squares), {region_name} (dotted, diamonds) and the median "
        f"of its statistical neighbours (dash-dot, triangles); an asterisk ✱ marks an invented figure of "
        f"{partnership_name}."
    ),
)

# -- the score over time ---------------------------------------------------------------------
st.header("Concern score over time")
st.caption(
    "The score and rank as they stood at the end of each quarter, on the figures published by then: what the "
    "board could have seen at the time, not recomputed with figures published later (About: which period is "
    "compared)."
)
table_and_download(
    profile.score_over_time(compared.score_history, comparable_periods(), partnership_id, compared.as_at),
    file_name=f"score_over_time_{partnership_id}_{compared.period_id}.csv".replace(" ", "_"),
    key="score_over_time",
    column_config={"Concern score": st.column_config.NumberColumn(format="%.2f")},
    printed=True,
)

# -- provenance and missing returns --------------------------------------------------------
st.header("Where the figures come from")
counts = provenance.dropna(subset=["source"]).drop_duplicates(["indicator_id"])["source"].value_counts()
described = ", ".join(f"{n} {source}" for source, n in counts.items())
st.text(
    f"The {len(results)} figures of {partnership_name} above: {described or 'none stored'}. "
    "Published figures are DfE and Ofsted statistics; local figures are uploaded quarterly returns; "
    "demo figures are invented for the demonstration."
)
table_and_download(
    provenance.assign(status=provenance["status"].map(status_words, na_action="ignore"))[
        ["short_name", "period_label", "source", "status", "load_id", "file_name", "loaded_at", "loaded_by",
         "area_code", "area_name", "end_date", "england_figure", "region_figure"]
    ].rename(
        columns={
            "short_name": "Indicator", "period_label": "Period", "source": "Source", "status": "Status",
            "load_id": "Load", "file_name": "File", "loaded_at": "Loaded at", "loaded_by": "Loaded by",
            "area_code": "Area code", "area_name": "Area", "end_date": "Period ended",
            "england_figure": "England figure", "region_figure": "Region figure",
        }
    ),
    file_name=f"sources_{partnership_id}_{compared.period_id}.csv".replace(" ", "_"),
    key="provenance",
    printed=True,
)

st.subheader("Missing returns")
expected = profile.expected_returns(store, partnership_id, compared.as_at)
missing = profile.missing_returns(expected)
for sentence in profile.missing_return_sentences(expected):
    st.text(sentence)
if len(missing):
    table_and_download(
        missing[["period_label", "short_name", "area_code", "area_name", "what", "load_id"]].rename(
            columns={"period_label": "Quarter", "short_name": "Indicator", "area_code": "Area code",
                     "area_name": "Area", "what": "What the store holds", "load_id": "Load"}
        ),
        file_name=f"missing_returns_{partnership_id}_{compared.period_id}.csv".replace(" ", "_"),
        key="missing",
        printed=True,
    )
