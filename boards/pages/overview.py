"""Overview: the headline, then three views: every partnership ranked by concern score, its
verdicts on each indicator, and the map.

Choices live in the URL (``?period=...&region=London&la_type=...&neighbours_of=E08000021&similar_deprivation_to=...
&view=...``),
so a link opens the same view. Selecting a row, a matrix cell or a hex opens that partnership.
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from boards.catalogue import load_catalogue
from boards.changes import previous_period_id, since_previous, since_words
from boards.charts.hexmap import short_labels
from boards.charts.overview import concern_map, map_table, matrix_cells, matrix_table, verdict_matrix
from boards.compare.score import rank_text
from boards.exports import to_csv_bytes
from boards.overview import (
    STRONG_FLAGS,
    Filters,
    OverviewReference,
    area_concern,
    headline,
    league_table,
    matching_partnerships,
    read_reference,
)
from boards.pages.choices import choose_figures, choose_period, partnership_names, url_selectbox
from boards.pages.figures import figure_with_table, print_copy
from boards.pages.frame import (
    DataKey,
    cached_comparison,
    comparable_periods,
    comparison,
    data_key,
    database_summary,
    demo_notice,
)
from boards.pages.plain import plain

MATRIX_ROWS = 30  # partnerships in the matrix unless the reader asks for all
RANKED, MATRIX, MAP = "Ranked partnerships", "Verdicts by indicator", "Map of England"


def open_partnership(partnership_id: str, period_id: str) -> None:
    st.switch_page("boards/pages/profile.py", query_params={"partnership": partnership_id, "period": period_id})


def chosen_point(event) -> str | None:
    """The partnership id of a clicked chart point, if any."""
    points = event["selection"]["points"] if event else []
    return str(points[0]["customdata"][0]) if points and points[0].get("customdata") else None


@st.cache_resource(show_spinner=False, max_entries=4)
def overview_reference(data: DataKey) -> OverviewReference:
    return read_reference(data.store)


@st.cache_resource(show_spinner=False, max_entries=16)
def since_section(data: DataKey, period_id: str, before_id: str, published_only: bool) -> pd.DataFrame:
    """What changed for each partnership between the comparisons as at ``before_id`` and ``period_id``: a second
    comparison costs as much as the first, so it is made once per period and data version."""
    return since_previous(cached_comparison(data, period_id, published_only),
                          cached_comparison(data, before_id, published_only))


@st.cache_resource(show_spinner=False, max_entries=16)
def matrix_section(data: DataKey, period_id: str, published_only: bool, partnership_ids: tuple[str, ...]
                   ) -> tuple[go.Figure, pd.DataFrame]:
    """The verdict matrix of ``partnership_ids`` (top to bottom), and its cells."""
    result = cached_comparison(data, period_id, published_only)
    cells = matrix_cells(result.area_results, list(partnership_ids))
    return verdict_matrix(cells, title=f"Verdicts against England, {result.period_label}"), cells


@st.cache_resource(show_spinner=False, max_entries=16)
def map_section(data: DataKey, period_id: str, published_only: bool, outlined: tuple[str, ...] | None
                ) -> tuple[go.Figure, pd.DataFrame]:
    """The concern map, with the partnerships ``outlined`` (None: no filter, nothing outlined), and its areas."""
    result = cached_comparison(data, period_id, published_only)
    reference = overview_reference(data)
    areas = area_concern(reference, league_table(result.scores, reference)).assign(
        in_filter=lambda frame: frame["partnership_id"].isin(outlined) if outlined is not None else True)
    figure = concern_map(areas, title=f"Concern score by local authority, {result.period_label}",
                         total=len(result.scores), highlight=outlined is not None)
    return figure, areas


data = data_key()
reference = overview_reference(data)

st.title("Safeguarding board effectiveness")
st.caption(
    "Which local safeguarding partnerships in England are weak, on what, against whom, "
    "and whether it is real or noise."
)
demo_notice(set(database_summary()["observations_by_source"]))

period_column, region_column, type_column, neighbour_column = st.columns(4)
period_id = choose_period(period_column)
region_names = region_column.multiselect(
    "Region", list(reference.region_names().values()), key="region", bind="query-params", placeholder="All regions"
)
la_types = type_column.multiselect(
    "Local authority type", reference.la_types(), key="la_type", bind="query-params", placeholder="All types"
)
names = partnership_names()
# Kept in the URL by its code, as the shared choices are (``?neighbours_of=E08000021``).
neighbours_of = url_selectbox(
    neighbour_column,
    "Statistical neighbours of",
    names.index.tolist(),
    key="neighbours_of",
    default=None,
    index=None,
    format_func=names.__getitem__,
    placeholder="Any partnership",
    help="The partnership and the ten whose LAs are the DfE statistical neighbours of its LAs.",
)
# A second row: five columns would squeeze the filters' chips below the size of a target. The comparator groups
# share the last column, the deprivation group under the neighbours.
second_row = st.columns(4)
published_only = choose_figures(second_row[0])
similar_deprivation_to = url_selectbox(
    second_row[3],
    "Similar deprivation to",
    names.index.tolist(),
    key="similar_deprivation_to",
    default=None,
    index=None,
    format_func=names.__getitem__,
    placeholder="Any deprivation",
    help="The partnerships in the same fifth of England by income deprivation affecting children "
    "(IDACI 2019 average score) as the one chosen: context only, never part of the score.",
)
filters = Filters(tuple(region_names), tuple(la_types), neighbours_of, similar_deprivation_to)

result = comparison(period_id, published_only=published_only)
everyone = league_table(result.scores, reference)
before_id = previous_period_id(comparable_periods(), result.period_id)
if before_id is not None:
    changed = since_section(data, result.period_id, before_id, published_only)
    everyone["since"] = [since_words(row) for row in changed.set_index("partnership_id").loc[everyone["partnership_id"]]
                         .to_dict("records")]
chosen = matching_partnerships(result.scores, reference, filters)
table = everyone[everyone["partnership_id"].isin(chosen)].reset_index(drop=True)
st.caption(
    f"Compared as at {result.as_at:%-d %B %Y}: quarterly returns for {result.period_label}, annual DfE "
    "figures for the latest year DfE had published by then."
)

# -- the headline ---------------------------------------------------------------------------
summary = headline(table)
shown = f"of {summary.partnerships}" + (" shown" if filters.active() else "")
metrics = st.columns(3)
metrics[0].metric(
    f"Strongly worse on {STRONG_FLAGS} or more indicators", f"{summary.strong} {shown}", border=True,
    help="Worse than England beyond the 99.8% limit, or beyond 3 robust SDs from the middle of all partnerships "
    "for figures without counts (caseloads): the caption below says what chance alone would give.",
)
metrics[1].metric("Worse than England on at least one indicator", f"{summary.any_worse} {shown}", border=True)
metrics[2].metric("Did not report part of their return", f"{summary.not_reporting} {shown}", border=True)
st.caption(summary.chance_sentence())
st.markdown(plain(summary.top_sentence()))

if table.empty:
    st.info("No partnership matches these filters. Remove one to see more.", icon=":material/filter_alt_off:")
    st.stop()


# -- the league table -------------------------------------------------------------------------
def ranked_partnerships() -> None:
    st.header("Partnerships ranked by concern score")
    st.caption(
        "The concern score is each partnership's mean distance from England over the indicators assessed, "
        "in standard deviations (positive worse, 0 is England), weighted by domain: each figure's distance "
        "shrunk where it is small, capped at 3, an ILACS grade one per step from Good, and a return not "
        "reported counted as the worst, 3. The rank's 95% interval is in brackets. What drives it names the "
        "figures adding most. Select a row to open the partnership."
    )
    low_score, top_score = min(0.0, float(table["score"].min())), max(1.0, float(table["score"].max()))
    selection = st.dataframe(
        table,
        key="league",
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        height=min(38 + 35 * len(table), 460),
        column_order=[
            "rank_interval", "partnership_name", "region_name", "score", "invented", "summary", "since", "worse", "worse_99_8",
            "worsening", "did_not_report", "idaci_score", "deprivation",
        ],
        column_config={
            "rank_interval": st.column_config.TextColumn(
                "Rank (95% interval)",
                help="1 is most concern; in brackets the ranks the partnership could hold given the sampling error "
                "of its figures (parametric bootstrap).",
            ),
            "partnership_id": None,
            "partnership_name": st.column_config.TextColumn("Partnership", width="medium"),
            "region_code": None,
            "region_name": st.column_config.TextColumn("Region", width="medium"),  # "Yorkshire and The Humber" whole
            "score": st.column_config.ProgressColumn(
                "Concern score", format="%.2f", min_value=low_score, max_value=top_score,
                help="Mean distance from England in standard deviations, positive worse; 0 is England.",
            ),
            "idaci_score": st.column_config.NumberColumn(
                "Children income-deprived %", format="%.1f",
                help="IDACI 2019 average score: the share of children aged 0 to 15 in income-deprived families "
                "(English Indices of Deprivation 2019). Context, not part of the score.",
            ),
            "deprivation": st.column_config.TextColumn(
                "Deprivation (IDACI fifth)", width="medium",
                help="Which fifth of partnerships by IDACI score, or why there is no figure.",
            ),
            "invented": st.column_config.TextColumn(
                "From invented figures",
                help="The share of the score's weight that rests on the demonstration's invented figures "
                "(\"none\" where every figure behind it is real). Published figures only leaves them out.",
            ),
            "summary": st.column_config.TextColumn("What drives it", width="large"),
            "since": st.column_config.TextColumn(
                f"Since {before_id}", width="medium",
                help="Flags (worse than England, or not reported) new and cleared since the period before, and the "
                     "rank's movement: up is towards rank 1, the most concern.",
            ),
            "worse": st.column_config.NumberColumn("Worse", format="%d", help="Indicators worse than England."),
            "worse_99_8": st.column_config.NumberColumn(
                "Strongly worse", format="%d", help="Of those, beyond the 99.8% limit or 3 robust SDs."),
            "worsening": st.column_config.NumberColumn("Worsening", format="%d", help="Indicators getting significantly worse."),
            "did_not_report": st.column_config.NumberColumn(
                "Did not report", format="%d", help="Quarterly indicators not reported."),
        },
    )
    print_copy(table, {"rank_interval": "Rank (95% interval)", "partnership_name": "Partnership",
                       "region_name": "Region", "score": "Concern score", "summary": "What drives it",
                       **({"since": f"Since {before_id}"} if "since" in table else {})})
    st.download_button(
        "Download this table (CSV)",
        to_csv_bytes(
            table.drop(columns=["region_code", "rank_interval"]).rename(
                columns={
                    "rank": "Rank", "rank_low": "Rank, 95% interval from", "rank_high": "Rank, 95% interval to",
                    "score_low": "Score, 95% interval from", "score_high": "Score, 95% interval to",
                    "partnership_id": "Partnership code", "partnership_name": "Partnership",
                    "region_name": "Region", "score": "Concern score", "summary": "What drives it", "worse": "Worse",
                    "worse_99_8": "Beyond 99.8%", "worsening": "Worsening", "did_not_report": "Did not report",
                    "idaci_score": "Children income-deprived % (IDACI 2019)", "deprivation": "Deprivation (IDACI fifth)",
                    "since": f"Since {before_id}", "invented": "From invented figures",
                }
            )
        ),
        file_name=f"concern_scores_{period_id}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="league_download",
    )
    if selection.selection.rows:
        open_partnership(table.loc[selection.selection.rows[0], "partnership_id"], period_id)


# -- the matrix -----------------------------------------------------------------------------
def verdicts_by_indicator() -> None:
    st.header("Each partnership's verdicts, indicator by indicator")
    with st.expander("How to read the verdicts", expanded=True):
        st.markdown(
            "- **▼ Worse** or **▲ better**: the partnership differs from England by more than chance would "
            "explain, given its size (figures without counts, such as caseloads, against the middle of all "
            "partnerships): solid beyond the 99.8% limit (about 1 in 1,000 on each side by chance), or "
            "beyond 3 robust SDs for figures without counts; hollow (▽ △) beyond the 95% limit or 2 robust "
            "SDs only.\n"
            "- **● Similar**: within the limits. **! Did not report**: a quarterly return is missing, which "
            "counts as a concern of its own. **○ Not compared**: suppressed or no counts to test. "
            "**◌ Too few to judge**: fewer than 10 in the denominator (meetings, notifications, FTE), shown "
            "but not judged and not counted as similar. **✱** beside a verdict: the figure is invented for the "
            "demonstration.\n"
            "- Context indicators (such as the referral rate) describe demand, not performance: they are "
            "shown on each partnership's page but never judged.\n"
            "- For rates and percentages the limits are widened when partnerships differ from one another "
            "more than chance allows, so a flag means a difference beyond the usual spread between areas."
        )
    show_all = len(table) > MATRIX_ROWS and st.toggle(
        f"Show all {len(table)} partnerships (the {MATRIX_ROWS} of highest concern are shown)", key="matrix_all"
    )
    in_matrix = table if show_all or len(table) <= MATRIX_ROWS else table.head(MATRIX_ROWS)
    figure, cells = matrix_section(data, result.period_id, published_only, tuple(in_matrix["partnership_id"]))
    rows_said = f"the {len(in_matrix)} partnerships of highest concern" if len(in_matrix) < len(table) else (
        f"all {len(in_matrix)} partnerships" + (" that match the filters" if filters.active() else "")
    )
    worse_cells = int((cells["flag"] == "worse").sum())
    context_names = ", ".join(indicator.short_name for indicator in load_catalogue().values() if not indicator.judged)
    event = figure_with_table(
        figure,
        matrix_table(cells),
        file_name=f"verdicts_{period_id}.csv",
        key="matrix",
        wide=True,
        summary=(
            f"Rows are {rows_said}, highest concern at the top; columns are the {cells['indicator_id'].nunique()} "
            f"judged indicators by domain (context indicators, never judged, are left out: {context_names}). "
            f"{worse_cells} cells are worse than England: ▼ solid beyond the 99.8% limit or 3 robust SDs, "
            f"▽ hollow beyond 95% or 2 robust SDs. "
            f"{int(cells['invented'].sum())} cells hold invented figures, each with an asterisk ✱ beside it. "
            "Select a cell to open the partnership."
        ),
        on_select="rerun",
    )
    if (picked := chosen_point(event)) is not None:
        open_partnership(picked, period_id)


# -- the map --------------------------------------------------------------------------------
def concern_map_of_england() -> None:
    st.header("Concern across England")
    figure, areas = map_section(data, result.period_id, published_only,
                                tuple(sorted(chosen)) if filters.active() else None)
    map_column, reading_column = st.columns([3, 2], gap="large")
    with reading_column:
        st.subheader("How to read the map")
        st.markdown(
            "- The concern score of the partnership each local authority belongs to: its mean distance from "
            "England in standard deviations, 0 is England, positive worse.\n"
            "- Each hexagon is one local authority, placed roughly where it is in England and the same "
            "size whatever its population, so small urban areas are as visible as large counties.\n"
            "- The verdicts behind each score are in **Verdicts by indicator**; the score's terms and "
            "weights are on the About page.\n"
            "- Each hexagon carries a three-letter label; the table under the map lists every label."
        )
        labelled = areas.assign(label=short_labels(areas["name"])).sort_values("name")
        found = st.selectbox("Find a local authority", labelled["name"].tolist(), index=None, key="find_area",
                             placeholder="Type a name")
        if found is not None:
            area = labelled[labelled["name"] == found].iloc[0]
            standing = everyone.set_index("partnership_id").loc[area["partnership_id"]]
            score = ("no score" if pd.isna(standing["score"]) else f"concern score {standing['score']:.2f}, rank "
                     f"{rank_text(standing['rank'], standing['rank_low'], standing['rank_high'])} of {len(everyone)}")
            st.markdown(f"{plain(found)} is labelled **{area['label']}** on the map; its partnership, "
                        f"{plain(area['partnership_name'])}, has {score}.")
            if st.button(f"Open {area['partnership_name']}", key="open_found"):
                open_partnership(area["partnership_id"], period_id)
    with map_column:
        event = figure_with_table(
            figure,
            map_table(areas),
            file_name=f"concern_map_{period_id}.csv",
            key="hexmap",
            summary=(
                "Each hexagon is a local authority, coloured by its partnership's concern score: orange is more "
                "concern than England and purple less, darker the further from England (0, near white); hollow is "
                "no score. "
                + ("Partnerships that match the filters are outlined; the rest are faded. " if filters.active() else "")
                + "Select a hexagon to open the partnership."
            ),
            on_select="rerun",
        )
    if (picked := chosen_point(event)) is not None:
        open_partnership(picked, period_id)


# -- the three views ------------------------------------------------------------------------
# Each view runs only when it is open (and its name is kept in the URL, ``?view=...``): the ranked
# table answers first, and the browser fetches Plotly only for the charts' views.
league_view, matrix_view, map_view = st.tabs(
    [RANKED, MATRIX, MAP], key="view", bind="query-params", on_change="rerun"
)
if league_view.open:
    with league_view:
        ranked_partnerships()
if matrix_view.open:
    with matrix_view:
        verdicts_by_indicator()
if map_view.open:
    with map_view:
        concern_map_of_england()
