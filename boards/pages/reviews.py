"""Case reviews: are reviews timely, are their recommendations carried out, do the same findings come back?"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from boards.charts.reviews import (
    AFTER_SIGN_OFF,
    RECURS,
    overdue_by_agency_chart,
    recurrence_timeline_chart,
    review_indicators_chart,
    theme_matrix_chart,
)
from boards.pages.choices import choose_partnership, choose_period, partnership_names
from boards.pages.figures import figure_with_table, print_copy
from boards.pages.frame import (
    DataKey,
    cached_comparison,
    comparison,
    data_key,
    demo_notice,
    periods_of,
    shared_read,
)
from boards.reviews.register import current_register, register_sources
from boards.reviews.summaries import (
    EVIDENCE,
    NO_EVIDENCE,
    NOT_YET,
    came_back_after_sign_off,
    impact_evidence,
    most_recurring,
    neighbours_of,
    overdue_by_agency,
    partnerships_per_review,
    recurrence_timeline,
    review_indicators,
    theme_matrix,
)
from boards.reviews.themes import RECURRENCE_RULES, theme_names

ENGLAND_ROWS = 20
NEIGHBOURS, REGION = "Its statistical neighbours", "Its region"
ENGLAND = f"England: the {ENGLAND_ROWS} with most recurrences per review"


@st.cache_resource(show_spinner=False, max_entries=4)
def register_section(data: DataKey):
    """The current register, its theme findings and the sources it came from."""
    register = current_register(data.store)
    return register, register.findings(), register_sources(data.store)


def as_at_of(data: DataKey, period_id: str) -> tuple[pd.Timestamp, str, str]:
    """The end of ``period_id``, as a timestamp and in words ("30 Sep 2026"), and the period's label."""
    period = periods_of(data).set_index("period_id").loc[period_id]
    as_at = pd.Timestamp(period["end_date"])
    return as_at, f"{as_at.day} {as_at:%b %Y}", period["label"]


def partnership_name_of(data: DataKey, partnership_id: str) -> str:
    return data.store.partnership_names()[partnership_id]


@st.cache_resource(show_spinner=False, max_entries=32)
def review_indicators_section(data: DataKey, partnership_id: str, period_id: str) -> tuple[go.Figure, pd.DataFrame]:
    """The partnership's case review indicators against England, its region and neighbours: chart and rows."""
    rows = review_indicators(cached_comparison(data, period_id, False).area_results, partnership_id)
    _, _, label = as_at_of(data, period_id)
    title = f"{partnership_name_of(data, partnership_id)}, as at {label}: against England, region and neighbours"
    return review_indicators_chart(rows, title), rows


@st.cache_resource(show_spinner=False, max_entries=32)
def theme_matrix_section(data: DataKey, period_id: str, shown: tuple[str, ...]) -> tuple[go.Figure, pd.DataFrame]:
    """Each theme's share of the reviews of the partnerships ``shown``, in the 3 years to the period's end."""
    _, findings, _ = register_section(data)
    as_at, as_at_text, _ = as_at_of(data, period_id)
    names = pd.Series(data.store.partnership_names())
    matrix = theme_matrix(findings, as_at, names.reindex(list(shown)))
    return theme_matrix_chart(
        matrix, f"Share of each partnership's reviews that found each theme, 3 years to {as_at_text}"), matrix


@st.cache_resource(show_spinner=False, max_entries=32)
def theme_timeline_section(data: DataKey, partnership_id: str, period_id: str) -> tuple[go.Figure, pd.DataFrame]:
    """When each theme of the partnership's reviews was found, up to the period's end."""
    _, findings, _ = register_section(data)
    as_at, as_at_text, _ = as_at_of(data, period_id)
    timeline = recurrence_timeline(findings, partnership_id, as_at)
    title = f"{partnership_name_of(data, partnership_id)}: themes of its reviews up to {as_at_text}"
    return recurrence_timeline_chart(timeline, list(theme_names().values()), title), timeline


@st.cache_resource(show_spinner=False, max_entries=32)
def overdue_section(data: DataKey, partnership_id: str | None, period_id: str) -> tuple[go.Figure, pd.DataFrame]:
    """Open and overdue recommendations by owner agency at the period's end: of the partnership, or of England
    (``partnership_id`` None)."""
    register, _, _ = register_section(data)
    as_at, as_at_text, _ = as_at_of(data, period_id)
    counted = [partnership_id] if partnership_id else register.reviews["partnership_id"].unique()
    agencies = overdue_by_agency(register, counted, as_at)
    whose = partnership_name_of(data, partnership_id) if partnership_id else "England"
    return overdue_by_agency_chart(agencies, f"{whose}: review recommendations open at {as_at_text}"), agencies


data = data_key()
st.title("Case reviews")
st.caption(
    "Are serious incidents notified and reviewed on time, are review recommendations carried out, and do the "
    "same findings keep coming back? From each partnership's case review register."
)
register, findings, sources = register_section(data)
demo_notice(sources)
if "demo" in sources:
    st.caption(
        ":material/science: **Synthetic register, invented.** The reviews, themes, recommendations and evidence of "
        "impact below were made up for the demonstration; they describe no real child, review or area."
    )
if register.reviews.empty:
    st.info(
        "No case review register has been uploaded yet. Upload the reviews and recommendations files (templates: "
        "`boards template --reviews` and `--recommendations`) on the Upload page.",
        icon=":material/menu_book:",
    )
    st.stop()

controls = st.columns(2)
with controls[0]:
    period_id = choose_period()
with controls[1]:
    partnership_id = choose_partnership()
as_at, as_at_text, _ = as_at_of(data, period_id)
names = partnership_names()
name = names.get(partnership_id) if partnership_id else None
has_register = partnership_id is not None and partnership_id in set(register.reviews["partnership_id"])

if partnership_id is None:
    st.info("Choose a partnership to see its reviews beside England and its neighbours, and the timeline of its "
            "themes. Below: England.", icon=":material/location_city:")
elif not has_register:
    st.info(f"{name} has not uploaded a case review register.", icon=":material/info:")

# -- the partnership's review indicators against England and its neighbours --------------------
if partnership_id is not None:
    st.header(f"{name}: review indicators", divider="gray")
    comparison(period_id)  # a page saying so if there is nothing to compare
    figure, rows = review_indicators_section(data, partnership_id, period_id)
    worse = rows[rows["flag"] == "worse"]["short_name"].tolist()
    figure_with_table(
        figure,
        rows.drop(columns=["decimals"]),
        file_name=f"case_review_indicators_{partnership_id}_{period_id}.csv",
        key="review_indicators",
        summary=(f"Worse than England on: {', '.join(worse)}." if worse else
                 "Not worse than England on any case review indicator.")
        + " Each indicator's figure, England (black bar), its region and the median of its statistical neighbours.",
        column_config={"indicator_id": None, "unit": None, "short_name": "Indicator", "period_label": "Period",
                       "neighbour_median": "Neighbours (median)", "flag": "Verdict", "flag_level": "Level",
                       "sentence": st.column_config.TextColumn("Why", width="large")},
    )

# -- themes x partnerships -----------------------------------------------------------------------
st.header("Themes that keep coming back", divider="gray")
if partnership_id is not None:
    scope = st.radio("Partnerships shown", [NEIGHBOURS, REGION, ENGLAND], horizontal=True, key="review_scope")
else:
    scope = ENGLAND
if scope == NEIGHBOURS:
    shown = neighbours_of(shared_read("compare_neighbours"), partnership_id)
elif scope == REGION:
    partnerships = shared_read("compare_partnerships").set_index("partnership_id")
    region = partnerships.loc[partnership_id, "region_code"]
    shown = [partnership_id, *sorted(set(partnerships.index[partnerships["region_code"] == region]) - {partnership_id},
                                     key=names.get)]
else:
    shown = most_recurring(findings, as_at, ENGLAND_ROWS)
if not shown:
    st.info(f"No theme was found again within 3 years in the 3 years to {as_at_text}.", icon=":material/info:")
else:
    came_back = came_back_after_sign_off(findings, register.recommendations, as_at, names.reindex(shown))
    st.subheader(f"{AFTER_SIGN_OFF} Learning that did not take hold", divider=False)
    if came_back.empty:
        st.markdown(f"No theme came back after a recommendation addressing it was signed off, in the 3 years to "
                    f"{as_at_text}.")
    else:
        st.markdown(f"**{len(came_back)} finding(s)** in the 3 years to {as_at_text} came back after a "
                    "recommendation addressing the theme had been signed off as completed:")
        st.dataframe(came_back.drop(columns=["partnership_id"]), hide_index=True, key="after_sign_off",
                     column_config={
                         "partnership_name": "Partnership", "review_id": "Review found it",
                         "reviewed_on": st.column_config.DateColumn("Reviewed on", format="D MMM YYYY"),
                         "theme": "Theme", "signed_off_review_id": "Recommendation of review",
                         "signed_off_recommendation_id": "Recommendation", "owner_agency": "Owner agency",
                         "signed_off_on": st.column_config.DateColumn("Signed off on", format="D MMM YYYY")})
        print_copy(came_back.assign(reviewed_on=pd.to_datetime(came_back["reviewed_on"]).dt.strftime("%-d %b %Y"),
                                    signed_off_on=pd.to_datetime(came_back["signed_off_on"]).dt.strftime("%-d %b %Y")),
                   {"partnership_name": "Partnership", "review_id": "Review found it", "reviewed_on": "Reviewed on",
                    "theme": "Theme", "signed_off_review_id": "Recommendation of review",
                    "signed_off_recommendation_id": "Recommendation", "owner_agency": "Owner agency",
                    "signed_off_on": "Signed off on"})
    figure, matrix = theme_matrix_section(data, period_id, tuple(shown))
    recurring = matrix[matrix["recurrences"] > 0]
    figure_with_table(
        figure,
        matrix.drop(columns=["partnership_id", "theme_id"]),
        file_name=f"review_themes_{period_id}.csv",
        key="theme_matrix",
        wide=True,
        summary=(f"Percentages are of the partnership's reviews in the 3 years that found the theme, so that "
                 f"partnerships of any size compare; {AFTER_SIGN_OFF} marks a theme that came back after a "
                 f"recommendation addressing it was signed off ({int((matrix['after_sign_off'] > 0).sum())} "
                 f"partnership-theme pairs), {RECURS} one only seen again within 3 years of an earlier review of the "
                 f"same partnership ({len(recurring)} of {int((matrix['reviews'] > 0).sum())} partnership-theme pairs "
                 "with reviews were seen again)."),
        column_config={"partnership_name": "Partnership", "theme": "Theme", "reviews": "Reviews",
                       "partnership_reviews": "Reviews of the partnership", "percent_of_reviews":
                           st.column_config.NumberColumn("% of its reviews", format="%d%%"),
                       "recurrences": "Seen again within 3 years", "after_sign_off": "After sign-off"},
    )
    st.subheader("Per review, side by side", divider=False)
    per_review = partnerships_per_review(findings, register, as_at, names.reindex(shown))
    per_review = per_review.drop(columns=["partnership_id"])
    per_review_headings = {"partnership_name": "Partnership", "reviews": "Reviews (3 years)",
                           "themes_per_review": "Themes per review", "seen_again_per_review": "Seen again per review",
                           "after_sign_off_per_review": "Back after sign-off per review",
                           "overdue_per_review": f"Recommendations overdue at {as_at_text} per review"}
    st.dataframe(per_review, hide_index=True, key="per_review", column_config=per_review_headings)
    print_copy(per_review, per_review_headings)
    st.caption("Per review: divided by the partnership's reviews that found themes in the 3 years, so that a "
               "partnership with many reviews does not stand out for its size alone.")

# -- one partnership's timeline ----------------------------------------------------------------
if has_register:
    st.header(f"{name}: when each theme was found", divider="gray")
    figure, timeline = theme_timeline_section(data, partnership_id, period_id)
    again = timeline[timeline["recurs"]]
    figure_with_table(
        figure,
        timeline.drop(columns=["theme_id"]),
        file_name=f"review_theme_timeline_{partnership_id}.csv",
        key="theme_timeline",
        summary=(f"{len(again)} of {len(timeline)} findings repeated a theme an earlier review had found within "
                 f"3 years (joined by a line to that review); {int(timeline['after_sign_off'].sum())} came back after "
                 "a recommendation addressing the theme was signed off (a cross, joined by a dotted line to the "
                 "sign-off)."),
        column_config={"review_id": "Review", "kind": "Kind", "reviewed_on": st.column_config.DateColumn(
            "Reviewed on", format="D MMM YYYY"), "theme": "Theme", "recurs": "Found again within 3 years",
            "earlier_review_id": "Earlier review", "earlier_reviewed_on": st.column_config.DateColumn(
                "Earlier review on", format="D MMM YYYY"), "after_sign_off": "After sign-off",
            "signed_off_review_id": "Recommendation of review", "signed_off_recommendation_id": "Recommendation",
            "signed_off_on": st.column_config.DateColumn("Signed off on", format="D MMM YYYY")},
    )

# -- evidence of impact of completed recommendations ----------------------------------------------
if has_register:
    st.header(f"{name}: did completed recommendations make a difference?", divider="gray")
    impact = impact_evidence(register, [partnership_id], as_at)
    counts = impact["impact"].value_counts()
    st.markdown(
        f"Of **{len(impact)}** recommendations completed by {as_at_text}, **{counts.get(EVIDENCE, 0)}** have "
        f"evidence of impact (a re-audit, a practitioner survey or a case file sample); "
        f"**{counts.get(NO_EVIDENCE, 0)}** have none {NO_EVIDENCE.removeprefix('No evidence ')} (a concern); "
        f"**{counts.get(NOT_YET, 0)}** were completed too recently to expect it."
    )
    st.dataframe(
        impact, hide_index=True, key="impact_evidence",
        column_config={"review_id": "Review", "recommendation_id": "Recommendation", "agency": "Owner agency",
                       "completed_date": st.column_config.DateColumn("Completed on", format="D MMM YYYY"),
                       "impact": "Impact", "impact_check": "Checked by",
                       "impact_checked_date": st.column_config.DateColumn("Checked on", format="D MMM YYYY"),
                       "impact_result": "Result"},
    )
    print_copy(impact.assign(**{column: pd.to_datetime(impact[column]).dt.strftime("%-d %b %Y")
                                for column in ("completed_date", "impact_checked_date")}),
               {"review_id": "Review", "recommendation_id": "Recommendation", "agency": "Owner agency",
                "completed_date": "Completed on", "impact": "Impact", "impact_check": "Checked by",
                "impact_checked_date": "Checked on", "impact_result": "Result"})

# -- recommendations by owner agency -----------------------------------------------------------
whose = name if has_register else "England"
st.header(f"{whose}: overdue recommendations by owner agency", divider="gray")
figure, agencies = overdue_section(data, partnership_id if has_register else None, period_id)
open_count, overdue_count = int(agencies["open"].sum()), int(agencies["overdue"].sum())
figure_with_table(
    figure,
    agencies.drop(columns=["owner_agency"]),
    file_name=f"review_recommendations_by_agency_{partnership_id or 'england'}_{period_id}.csv",
    key="overdue_by_agency",
    summary=(f"{overdue_count} of {open_count} open recommendations were past their due date at {as_at_text}"
             + (f"; the most overdue agency: {agencies.sort_values('overdue').iloc[-1]['agency']}." if overdue_count
                else ".")),
    column_config={"agency": "Owner agency", "open": "Open", "overdue": "Overdue", "not_yet_due": "Not yet due",
                   "median_days_overdue": st.column_config.NumberColumn("Median days overdue", format="%d")},
)
st.caption(
    f"Overdue: not completed by {as_at_text} and due before it. Timescales: notification within 5 working days of "
    "the local authority becoming aware of the incident, rapid review within 15 working days of the notification, "
    "practice review published within 6 months of the decision to hold it (working days without English bank "
    "holidays). " + " ".join(f"{rule}: {text}" for rule, text in RECURRENCE_RULES.items())
)
