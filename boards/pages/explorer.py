"""Indicator explorer: one indicator across every partnership.

The ranked values with their 95% intervals, the funnel plot (or, for values without a
denominator, the robust z ranking), the change over time, and beside them what the indicator
means and which period is compared. Choices live in the URL (``?indicator=&period=&partnership=``);
clicking a point opens that partnership's profile.
"""

import streamlit as st

from boards.catalogue import catalogue_frame, load_catalogue
from boards.charts import explorer as charts
from boards.compare.engine import ROBUST_LEVELS
from boards.compare.errors import ComparisonError
from boards.compare.sentences import format_value, period_phrase
from boards.pages.choices import choose_indicator, choose_partnership, choose_period
from boards.pages.figures import figure_with_table, table_and_download
from boards.pages.frame import comparable_periods, comparison, current_store, demo_notice, shared

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

first = results.iloc[0]
unit, decimals, short = indicator.unit, indicator.decimals, indicator.short_name
method, polarity = str(first["method"]), indicator.polarity
compared = period_phrase(str(first["period_id"]), str(first["granularity"]), first["end_date"])
england = float(first["england"])
by_median = first["england_basis"] == "median"
england_label = "Median of partnerships" if by_median else "England"  # in legends and titles
benchmark = "the median of partnerships" if by_median else "England"  # within sentences
chosen = results[results["partnership_id"] == highlight] if highlight else results.iloc[0:0]
region_code = str(chosen["region_code"].iloc[0]) if len(chosen) else None
regions = result.benchmarks.drop_duplicates("geography_code").set_index("geography_code")["geography_name"]
region_label = str(regions.get(region_code, "Region")) if region_code else None


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
    ends = "Highest" if polarity == "context" else "Best"
    def ranked_figure():
        return charts.ranked_dot_chart(
            results,
            title=f"{short} by partnership, {compared}"
            + (", with 95% intervals" if results["ci_lower_95"].notna().any() else ""),
            short_name=short, unit=unit, decimals=decimals, polarity=polarity,
            england=england, england_label=england_label,
            region=float(chosen["region"].iloc[0]) if len(chosen) else None, region_label=region_label,
            highlight=highlight,
        )

    figure = shared("ranked", indicator_id, result.period_id, highlight, build=ranked_figure)
    summary = (
        f"{ends}: {best['partnership_name']} {format_value(best['value'], unit, decimals)}; "
        f"{'lowest' if polarity == 'context' else 'worst'}: {worst['partnership_name']} "
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
        if polarity == "context":
            st.write(
                "Context indicator: the limits show how far each partnership is from England, but no one is judged on it."
            )
        denominators = results["denominator"].dropna()
        denominators = denominators[denominators > 0]
        log_x = bool(len(denominators)) and denominators.max() / denominators.min() > 20
        denominator_title = (indicator.denominator or "Denominator").split(" (")[0]
        def funnel_figure():
            return charts.funnel_chart(
                results, curve,
                title=f"{short}: funnel plot against {england_label}, {compared}",
                short_name=short, unit=unit, decimals=decimals, denominator_title=denominator_title,
                log_x=log_x, england_label=england_label, highlight=highlight,
            )

        figure = shared("funnel", indicator_id, result.period_id, highlight, build=funnel_figure)
        outside = results[(results["flag"].isin(["worse", "better"])) & (results["flag_level"] == "99.8")]
        summary = (
            f"Each point is a partnership: the further right, the larger its denominator and the narrower its "
            f"limits. {partnerships(len(outside))} beyond the 99.8% limits around "
            f"{benchmark} {format_value(england, unit, decimals)}."
            if polarity != "context" else
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
        def robust_figure():
            return charts.robust_z_chart(
                results, title=f"{short}: robust z-score by partnership, {compared}", polarity=polarity,
                highlight=highlight,
            )

        figure = shared("robust", indicator_id, result.period_id, highlight, build=robust_figure)
        far = int((results["robust_z"].abs() > ROBUST_LEVELS["95"]).sum())
        event = figure_with_table(
            figure, charts.robust_z_table(results), file_name=f"{indicator_id}_{period_id}_robust_z.csv",
            key="robust", summary=f"{partnerships(far)} more than {ROBUST_LEVELS['95']:.0f} robust SDs from the median of partnerships.",
            on_select="rerun", selection_mode=("points",),
            column_config={"Rank": st.column_config.NumberColumn(format="%d"), "Value": value_format,
                           "Robust z": st.column_config.NumberColumn(format="%.2f")},
        )
        open_clicked_partnership(event)

    st.subheader("Change over time")
    chosen_name = str(chosen["partnership_name"].iloc[0]) if len(chosen) else None
    over_time = charts.over_time_frame(
        result.benchmarks, result.history, comparable_periods(), indicator_id=indicator_id, as_at=result.as_at,
        region_code=region_code, partnership_id=highlight if len(chosen) else None,
    )
    if len(over_time) < 2:
        st.write(f"Only one period of {short} so far: nothing to show over time yet.")
    else:
        def trend_figure():
            return charts.trend_chart(
                over_time, title=f"{short} over time: {england_label} and the middle half of partnerships",
                short_name=short, unit=unit, decimals=decimals, england_label=england_label, region_label=region_label,
                partnership_label=chosen_name,
            )

        figure = shared("indicator_trend", indicator_id, result.period_id, highlight, build=trend_figure)
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
        ("Polarity", charts.POLARITY_WORDS[polarity]),
        ("Unit", charts.UNIT_WORDS[unit]),
        ("Frequency", FREQUENCY_WORDS[indicator.period_type]),
        ("Source", indicator.source),
        (
            "Period compared",
            f"{compared[0].upper()}{compared[1:]}: the latest figures published by the end of {result.period_label}"
            f" (published {first['published_on']:%-d %B %Y})"
            if first["period_id"] != result.period_id else compared,
        ),
        ("Judged by", "Not judged: context only." if polarity == "context" else JUDGED_BY[method]),
    ]
    for label, detail in facts:
        st.markdown(f"**{label}**")
        st.write(detail)
    st.page_link(ABOUT_PAGE, label="How the comparisons work", icon=":material/info:")
