"""Indicator explorer: one indicator across every partnership.

The ranked values with their 95% intervals, the funnel plot (or, for values without a
denominator, the robust z ranking), the change over time, and beside them what the indicator
means and which period is compared. Choices live in the URL (``?indicator=&period=&partnership=``);
clicking a point opens that partnership's profile.
"""

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from boards.catalogue import Indicator, catalogue_frame, load_catalogue
from boards.charts import explorer as charts
from boards.compare.engine import ROBUST_LEVELS, Comparison
from boards.compare.errors import ComparisonError
from boards.compare.sentences import format_value, period_phrase
from boards.pages.choices import choose_indicator, choose_partnership, choose_period
from boards.pages.figures import figure_with_table, table_and_download
from boards.pages.frame import (
    DataKey,
    cached_comparison,
    comparison,
    current_store,
    data_key,
    demo_notice,
    periods_of,
)

PROFILE_PAGE = "boards/pages/profile.py"
ABOUT_PAGE = "boards/pages/about.py"
FREQUENCY_WORDS = {
    "quarter": "Quarterly (financial-year quarters, Q1 = April to June)",
    "year_to_march": "Annual, year to 31 March",
    "year_to_september": "Annual, year to 30 September",
}
JUDGED_BY = {
    "proportion": "Funnel plot against England: exact binomial limits at 95% and 99.8%.",
    "rate": "Funnel plot against England: exact Poisson limits at 95% and 99.8%.",
    "robust": "Robust z-score against the median of partnerships (not a proportion or a rate, so no funnel).",
    "grade": "Ofsted's judgement itself: Inadequate and Requires improvement are a concern, Outstanding better.",
}


@dataclass(frozen=True)
class IndicatorView:
    """One indicator's figures in a comparison, and the words its charts and sentences use for them."""

    indicator: Indicator
    results: pd.DataFrame  # its rows of the comparison's area_results
    compared: str  # the period its figures are for, in words
    england: float
    england_label: str  # in legends and titles
    benchmark: str  # within sentences
    chosen: pd.DataFrame  # the highlighted partnership's row, or none
    region_code: str | None
    region_label: str | None


def indicator_view(result: Comparison, indicator: Indicator, highlight: str | None) -> IndicatorView:
    results = result.area_results[result.area_results["indicator_id"] == indicator.indicator_id]
    first = results.iloc[0]
    by_median = first["england_basis"] == "median"
    chosen = results[results["partnership_id"] == highlight] if highlight else results.iloc[0:0]
    region_code = str(chosen["region_code"].iloc[0]) if len(chosen) else None
    regions = result.benchmarks.drop_duplicates("geography_code").set_index("geography_code")["geography_name"]
    return IndicatorView(
        indicator=indicator,
        results=results,
        compared=period_phrase(str(first["period_id"]), str(first["granularity"]), first["end_date"]),
        england=float(first["england"]),
        england_label="Median of partnerships" if by_median else "England",
        benchmark="the median of partnerships" if by_median else "England",
        chosen=chosen,
        region_code=region_code,
        region_label=str(regions.get(region_code, "Region")) if region_code else None,
    )


def _view(data: DataKey, indicator_id: str, period_id: str, highlight: str | None) -> IndicatorView:
    return indicator_view(cached_comparison(data, period_id, False), load_catalogue()[indicator_id], highlight)


@st.cache_resource(show_spinner=False, max_entries=64)
def ranked_figure(data: DataKey, indicator_id: str, period_id: str, highlight: str | None) -> go.Figure:
    view = _view(data, indicator_id, period_id, highlight)
    indicator, results, chosen = view.indicator, view.results, view.chosen
    return charts.ranked_dot_chart(
        results,
        title=f"{indicator.short_name} by partnership, {view.compared}"
        + (", with 95% intervals" if results["ci_lower_95"].notna().any() else ""),
        short_name=indicator.short_name, unit=indicator.unit, decimals=indicator.decimals,
        judged=indicator.judged, england=view.england, england_label=view.england_label,
        region=float(chosen["region"].iloc[0]) if len(chosen) else None, region_label=view.region_label,
        highlight=highlight,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def funnel_figure(data: DataKey, indicator_id: str, period_id: str, highlight: str | None) -> go.Figure:
    """The funnel plot (the page asks for it only when the comparison has a funnel curve for the indicator)."""
    view = _view(data, indicator_id, period_id, highlight)
    indicator = view.indicator
    curve = cached_comparison(data, period_id, False).funnel_curve(indicator_id)
    denominators = view.results["denominator"].dropna()
    denominators = denominators[denominators > 0]
    return charts.funnel_chart(
        view.results, curve,
        title=f"{indicator.short_name}: funnel plot against {view.england_label}, {view.compared}",
        short_name=indicator.short_name, unit=indicator.unit, decimals=indicator.decimals,
        denominator_title=(indicator.denominator or "Denominator").split(" (")[0],
        # A log scale when the largest partnership is more than 20 times the smallest.
        log_x=bool(len(denominators)) and denominators.max() / denominators.min() > 20,
        england_label=view.england_label, highlight=highlight,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def robust_figure(data: DataKey, indicator_id: str, period_id: str, highlight: str | None) -> go.Figure:
    view = _view(data, indicator_id, period_id, highlight)
    return charts.robust_z_chart(
        view.results, title=f"{view.indicator.short_name}: robust z-score by partnership, {view.compared}",
        judged=view.indicator.judged, highlight=highlight,
    )


def over_time_of(data: DataKey, view: IndicatorView, period_id: str, highlight: str | None) -> pd.DataFrame:
    result = cached_comparison(data, period_id, False)
    return charts.over_time_frame(
        result.benchmarks, result.history, periods_of(data), indicator_id=view.indicator.indicator_id,
        as_at=result.as_at, region_code=view.region_code, partnership_id=highlight if len(view.chosen) else None,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def trend_figure(data: DataKey, indicator_id: str, period_id: str, highlight: str | None) -> go.Figure:
    view = _view(data, indicator_id, period_id, highlight)
    indicator = view.indicator
    return charts.trend_chart(
        over_time_of(data, view, period_id, highlight),
        title=f"{indicator.short_name} over time: {view.england_label} and the middle half of partnerships",
        short_name=indicator.short_name, unit=indicator.unit, decimals=indicator.decimals,
        england_label=view.england_label, region_label=view.region_label,
        partnership_label=str(view.chosen["partnership_name"].iloc[0]) if len(view.chosen) else None,
    )


indicators = load_catalogue()
st.title("Indicator explorer")
st.caption(
    "One indicator across every partnership: where each stands, whether a difference from England "
    "is more than chance, and how it has changed. Click a point to open that partnership."
)
choices = st.columns(3)
indicator_id = choose_indicator(catalogue_frame(indicators), choices[0])
period_id = choose_period(choices[1], label="As at period")
highlight = choose_partnership(choices[2], label="Highlight a partnership (optional)")

indicator = indicators[indicator_id]
result = comparison(period_id)
results = result.area_results[result.area_results["indicator_id"] == indicator_id]
demo_notice(set(current_store().read("explorer_indicator_sources", indicator_id=indicator_id)["source"]))
if results.empty or results["value"].isna().all():
    st.info(
        f"No figures for {indicator.name} as at {result.period_label}. Choose a later period.", icon=":material/info:"
    )
    st.stop()

data = data_key()
view = indicator_view(result, indicator, highlight)
first = results.iloc[0]
unit, decimals, short, method = indicator.unit, indicator.decimals, indicator.short_name, str(first["method"])
compared, england, england_label, benchmark = view.compared, view.england, view.england_label, view.benchmark
chosen, region_label = view.chosen, view.region_label


def open_clicked_partnership(event) -> None:
    """A click on a point opens that partnership's profile, as at the same period."""
    points = event.selection.points if event is not None else []
    ids = [point["customdata"][0] for point in points if point.get("customdata")]
    if ids:
        st.switch_page(PROFILE_PAGE, query_params={"partnership": ids[0], "period": period_id})


def partnerships(count: int) -> str:
    """'1 partnership is', '3 partnerships are'."""
    return f"{count} partnership is" if count == 1 else f"{count} partnerships are"


def number_format(places: int) -> str:
    return f"%.{places}f"


st.markdown(
    charts.headline(
        results, name=indicator.name, compared=compared, benchmark=benchmark,
        benchmark_value=format_value(england, unit, decimals),
    )
)
if len(chosen):
    row = chosen.iloc[0]
    said = row["sentence"] if isinstance(row["sentence"], str) else (
        f"{short} {format_value(row['value'], unit, decimals)} ({compared}) against {benchmark} "
        f"{format_value(england, unit, decimals)}: context, not judged."
    )
    st.info(f"{row['partnership_name']}: {said}", icon=":material/location_city:")
    st.page_link(
        PROFILE_PAGE,
        label=f"Open the profile of {row['partnership_name']}",
        icon=":material/arrow_forward:",
        query_params={"partnership": highlight, "period": period_id},
    )

main, side = st.columns([2.7, 1], gap="large")

with main:
    st.subheader("Every partnership, ranked")
    ranked = results[results["value"].notna() & results["rank"].notna()].sort_values(["rank", "partnership_name"])
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    ends = "Best" if indicator.judged else "Highest"
    figure = ranked_figure(data, indicator_id, result.period_id, highlight)
    summary = (
        f"{ends}: {best['partnership_name']} {format_value(best['value'], unit, decimals)}; "
        f"{'worst' if indicator.judged else 'lowest'}: {worst['partnership_name']} "
        f"{format_value(worst['value'], unit, decimals)}; {len(ranked)} partnerships ranked against "
        f"{benchmark} {format_value(england, unit, decimals)}. Click a point to open that partnership."
    )
    value_format = st.column_config.NumberColumn(format=number_format(decimals))
    interval_format = st.column_config.NumberColumn(format=number_format(decimals + 1))
    event = figure_with_table(
        figure, charts.ranked_table(results), file_name=f"{indicator_id}_{period_id}_ranked.csv", key="ranked",
        summary=summary, on_select="rerun", selection_mode=("points",),
        column_config={
            "Rank": st.column_config.NumberColumn(format="%d"),
            "Value": value_format,
            "95% interval, lower": interval_format,
            "95% interval, upper": interval_format,
        },
    )
    open_clicked_partnership(event)

    curve = None
    if method in ("proportion", "rate"):
        st.subheader("Funnel plot: a real difference, or chance?")
        try:
            curve = result.funnel_curve(indicator_id)
        except ComparisonError:
            st.write(
                f"There is no funnel for {short} {compared}: no partnership has both a numerator and a "
                "denominator to test."
            )
    if curve is not None:
        found = result.overdispersion[
            (result.overdispersion["indicator_id"] == indicator_id)
            & (result.overdispersion["period_id"] == first["period_id"])
        ]
        spec = found.iloc[0]
        st.markdown(charts.overdispersion_sentence(spec, unit))
        if not indicator.judged:
            st.write(
                "Context indicator: the limits show how far each partnership is from England, but no one is judged on it."
            )
        figure = funnel_figure(data, indicator_id, result.period_id, highlight)
        outside = results[(results["flag"].isin(["worse", "better"])) & (results["flag_level"] == "99.8")]
        summary = (
            f"Each point is a partnership: the further right, the larger its denominator and the narrower its "
            f"limits. {partnerships(len(outside))} beyond the 99.8% limits around "
            f"{benchmark} {format_value(england, unit, decimals)}."
            if indicator.judged else
            "Each point is a partnership: the further right, the larger it is and the narrower its limits."
        )
        limit_format = st.column_config.NumberColumn(format=number_format(decimals + 1))
        event = figure_with_table(
            figure, charts.funnel_table(results), file_name=f"{indicator_id}_{period_id}_funnel.csv", key="funnel",
            summary=summary, on_select="rerun", selection_mode=("points",),
            column_config={
                "Value": value_format,
                "Denominator": st.column_config.NumberColumn(format="localized"),
                **dict.fromkeys(
                    ("95% limit, lower", "95% limit, upper", "99.8% limit, lower", "99.8% limit, upper"), limit_format
                ),
            },
        )
        open_clicked_partnership(event)
        with st.expander("The limits as drawn, and download"):
            table_and_download(
                charts.funnel_curve_table(curve), file_name=f"{indicator_id}_{period_id}_limits.csv", key="limits"
            )
    elif results["robust_z"].notna().any():
        st.subheader("Robust z ranking: far from other partnerships?")
        if method == "grade":
            st.write(
                f"There is no funnel for {short}: a grade is Ofsted's own judgement, not a count out of a "
                "total, so chance variation cannot be modelled. It is shown as Ofsted's judgement, never as "
                "beyond a limit: Inadequate and Requires improvement are a concern (worse), Outstanding better. "
                "The robust z below places each grade against the median of partnerships for reference only."
            )
        else:
            st.write(
                f"There is no funnel for {short}: it is not a proportion or a rate of events out of a known "
                "total, so chance variation cannot be modelled. Instead each partnership is measured against "
                "the others: its robust z-score is its distance from the median of partnerships in units of "
                f"their usual spread (robust standard deviations, SDs). Beyond {ROBUST_LEVELS['95']:.0f} robust "
                f"SDs either way is flagged at the lower level, beyond {ROBUST_LEVELS['99.8']:.0f} at the higher. "
                "These are not 95% and 99.8% limits: how many partnerships fall beyond them by chance depends on "
                "the shape of the figures' spread."
            )
        figure = robust_figure(data, indicator_id, result.period_id, highlight)
        far = int((results["robust_z"].abs() > ROBUST_LEVELS["95"]).sum())
        event = figure_with_table(
            figure, charts.robust_z_table(results), file_name=f"{indicator_id}_{period_id}_robust_z.csv",
            key="robust",
            summary=f"{partnerships(far)} more than {ROBUST_LEVELS['95']:.0f} robust SDs from the median of partnerships.",
            on_select="rerun", selection_mode=("points",),
            column_config={"Rank": st.column_config.NumberColumn(format="%d"), "Value": value_format,
                           "Robust z": st.column_config.NumberColumn(format="%.2f")},
        )
        open_clicked_partnership(event)

    st.subheader("Change over time")
    chosen_name = str(chosen["partnership_name"].iloc[0]) if len(chosen) else None
    over_time = over_time_of(data, view, result.period_id, highlight)
    if len(over_time) < 2:
        st.write(f"Only one period of {short} so far: nothing to show over time yet.")
    else:
        figure = trend_figure(data, indicator_id, result.period_id, highlight)
        latest, earliest = over_time.iloc[-1], over_time.iloc[0]
        table = charts.trend_table(over_time, england_label=england_label, region_label=region_label,
                                   partnership_label=chosen_name)
        figure_with_table(
            figure, table, file_name=f"{indicator_id}_over_time.csv", key="trend",
            summary=(
                f"{england_label} went from {format_value(earliest['england'], unit, decimals)} in "
                f"{earliest['period']} to {format_value(latest['england'], unit, decimals)} in {latest['period']}; "
                "the band shows the middle half of partnerships in each period."
            ),
            column_config={name: value_format for name in table.columns if name != "Period"},
        )

with side:
    st.subheader("About this indicator")
    st.markdown(f"**{indicator.name}**")
    st.write(indicator.definition)
    facts = [
        ("Numerator", indicator.numerator),
        ("Denominator", indicator.denominator or "None: the figure is not divided by a total."),
        ("Polarity", charts.POLARITY_WORDS[indicator.polarity]),
        ("Unit", charts.UNIT_WORDS[unit]),
        ("Frequency", FREQUENCY_WORDS[indicator.period_type]),
        ("Source", indicator.source),
        (
            "Period compared",
            f"{compared[0].upper()}{compared[1:]}: the latest figures published by the end of {result.period_label}"
            f" (published {first['published_on']:%-d %B %Y})"
            if first["period_id"] != result.period_id else compared,
        ),
        ("Judged by", JUDGED_BY[method] if indicator.judged else "Not judged: context only."),
    ]
    for label, detail in facts:
        st.markdown(f"**{label}**")
        st.write(detail)
    st.page_link(ABOUT_PAGE, label="How the comparisons work", icon=":material/info:")
