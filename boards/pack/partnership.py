"""The board pack of one partnership as at a period, as an A4 PDF a chair can take to a meeting.

Page one reads in a minute: the partnership, the period, its concern score and rank (with the
rank's interval when the score frame holds one, ``rank_low`` and ``rank_high``), the findings that
matter most in the engine's own sentences, what changed since the period before and the returns
it did not make. Then the spine chart and each domain's trends, the same figures as the
Partnership page draws, each with its caption and table; case review learning; and where every
figure came from, with the Open Government Licence attribution. Invented demonstration figures are
marked "(invented)" where they appear.

Every figure is the comparison engine's (``boards.compare``) or the profile's (``boards.profile``);
this module only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from boards import profile
from boards.catalogue import DOMAINS
from boards.changes import CLEARED, NEW, PERSISTING, flag_changes, previous_period_id, rank_movement_words
from boards.charts.spine import spine_chart, spine_table
from boards.charts.trends import trend_chart, trend_table
from boards.compare.engine import Comparison, compare
from boards.compare.sentences import status_words
from boards.compare.spine import spine_rows
from boards.pack.document import INVENTED, SMALL_PT, BoardPackDocument
from boards.pack.images import charts_png
from boards.provenance import attribution
from boards.reviews.derive import recommendations_as_at
from boards.reviews.register import AGENCIES, current_register, register_sources
from boards.reviews.summaries import came_back_after_sign_off, theme_matrix
from boards.store import Store

KEY_FINDINGS = 5  # at most, in the profile's reading order: the strongest evidence first
DEMO = "demo"


@dataclass(frozen=True)
class PackComparisons:
    """The comparison as at the pack's period and, when there is one, as at the period before."""

    current: Comparison
    previous: Comparison | None


def comparisons_for(store: Store, period_id: str | None) -> PackComparisons:
    current = compare(store, period_id)
    before = previous_period_id(store.read("compare_periods"), current.period_id)
    return PackComparisons(current, compare(store, before) if before else None)


def rank_words(score: pd.Series, total: int) -> str:
    """'3 of 153' and, when the score frame holds a rank interval, 'likely between 1 and 6'."""
    text = f"{int(score['rank'])} of {total}"
    if {"rank_low", "rank_high"} <= set(score.index) and pd.notna(score["rank_low"]) and pd.notna(score["rank_high"]):
        text += f" (rank interval {int(score['rank_low'])} to {int(score['rank_high'])})"
    return text


def key_findings(found: pd.DataFrame, count: int = KEY_FINDINGS) -> list[str]:
    """The first ``count`` flags' sentences, in the profile's order (worse beyond 99.8% or 3 robust SDs first)."""
    concerns = found[found["group"] != profile.BETTER]
    return [f"{group}: {sentence}" for group, sentence in zip(concerns["group"], concerns["sentence"])][:count]


def partnership_pack(store: Store, partnership_id: str, period_id: str | None = None, *,
                     comparisons: PackComparisons | None = None) -> bytes:
    """The board pack PDF of ``partnership_id`` as at ``period_id`` (default: the latest quarter)."""
    compared = comparisons or comparisons_for(store, period_id)
    current = compared.current
    results = profile.partnership_results(current.area_results, partnership_id)
    members = store.read("profile_members", partnership_id=partnership_id)
    if results.empty or members.empty:
        raise LookupError(f"no figures for partnership {partnership_id!r} as at {current.period_id}")
    name = str(members["partnership_name"].iloc[0])
    score = current.scores[current.scores["partnership_id"] == partnership_id].iloc[0]
    region_code = score["region_code"]
    region_name = str(members.loc[members["region_code"] == region_code, "region_name"].iloc[0])
    sources = profile.provenance(
        results, store.read("profile_provenance", partnership_id=partnership_id),
        store.read("profile_benchmark_loads", region_code=region_code), current.benchmarks, region_code)
    invented = set(sources.loc[sources["source"] == DEMO, "indicator_id"].astype(str))

    pdf = BoardPackDocument(f"Board pack: {name}, {current.period_id}",
                            subject=f"{name} against England, its region and its statistical neighbours")
    _first_page(pdf, store, current, compared.previous, results, members, score, name, region_name, invented)
    spine = spine_rows(current.area_results, current.benchmarks, partnership_id)
    spine_figure = spine_chart(spine[spine["x_worst"].notna()], partnership_name=name, region_name=region_name,
                               title=f"{name} against England, {current.period_label}")
    trends = _trend_charts(current, results, partnership_id, region_code, name, region_name)
    images = charts_png([spine_figure, *(trend.figure for trend in trends)])  # at once: Chromium draws two at a time
    _spine(pdf, current, spine, images[0], name, region_name, invented)
    _trends(pdf, current, trends, images[1:], name, region_name, invented)
    _case_reviews(pdf, store, partnership_id, name, current.as_at)
    _sources(pdf, sources, name)
    return pdf.output_bytes()


def _first_page(pdf: BoardPackDocument, store: Store, current: Comparison, previous: Comparison | None,
                results: pd.DataFrame, members: pd.DataFrame, score: pd.Series, name: str, region_name: str,
                invented: set[str]) -> None:
    pdf.heading(f"Board pack: {name}", level=0)
    covers = ", ".join(f"{n} ({c})" for n, c in zip(members["area_name"], members["area_code"], strict=True))
    pdf.paragraph(f"Compared as at {current.period_label}, against England, {region_name} and its statistical "
                  f"neighbours. Covers: {covers}.")
    score_text = "no score" if pd.isna(score["score"]) else (
        f"{score['score']:.2f} (95% interval {score['score_low']:.2f} to {score['score_high']:.2f})")
    pdf.paragraph(f"Concern score {score_text}; rank {rank_words(score, len(current.scores))} "
                  "(1 is the partnership of most concern).", bold=True)
    pdf.paragraph("The score is the weighted mean distance of the partnership's figures from England in standard "
                  "deviations: 0 is England, positive is worse; a return not sent counts as the worst, 3.", size=9,
                  muted=True)
    pdf.paragraph(f"In short: {score['summary']}.")
    if invented:
        pdf.paragraph("Demonstration data: the local quarterly returns in this pack (partner attendance, case review "
                      "timeliness, audits, supervision) are invented from a fixed random seed and marked "
                      f"{INVENTED} where they appear. Published DfE and Ofsted figures are real.", size=9, muted=True)
        pdf.mark_invented()

    pdf.heading("What matters most", level=1)
    found = profile.flags(results)
    findings = key_findings(found)
    if findings:
        marked = [f"{text} {INVENTED}" if indicator in invented else text
                  for text, indicator in zip(findings, found[found["group"] != profile.BETTER]["indicator_id"])]
        pdf.bullets(marked)
    else:
        pdf.paragraph("No flags: nothing worse than England, getting worse, or not reported.")

    pdf.heading(f"Since {previous.period_label if previous else 'the period before'}", level=1)
    if previous is None:
        pdf.paragraph("There is no earlier period to compare with.")
    else:
        before = previous.scores.loc[previous.scores["partnership_id"] == score["partnership_id"], "rank"]
        pdf.paragraph(rank_movement_words(int(score["rank"]), before.iloc[0] if len(before) else float("nan"),
                                          len(current.scores)).capitalize() + ".")
        changes = flag_changes(current, previous)
        mine = changes[changes["partnership_id"] == score["partnership_id"]]
        lines = []
        for change, words in ((NEW, "New flags"), (CLEARED, "Cleared"), (PERSISTING, "Persisting")):
            rows = mine[mine["change"] == change]
            names = [f"{n} {INVENTED}" if i in invented else n for n, i in zip(rows["short_name"], rows["indicator_id"])]
            lines.append(f"{words} ({len(rows)}): {', '.join(names) if names else 'none'}.")
        pdf.bullets(lines)

    pdf.heading("Missing returns", level=1)
    sentences = profile.missing_return_sentences(
        profile.expected_returns(store, str(score["partnership_id"]), current.as_at))
    if len(sentences) == 1:
        pdf.paragraph(sentences[0])
    else:
        pdf.bullets(sentences)


@dataclass(frozen=True)
class _Trend:
    domain: str
    indicator_ids: list[str]
    frame: pd.DataFrame
    figure: go.Figure


def _trend_charts(current: Comparison, results: pd.DataFrame, partnership_id: str, region_code: str, name: str,
                  region_name: str) -> list[_Trend]:
    trends = []
    for domain in [d for d in DOMAINS if d in set(results["domain"].astype(str))]:
        ids = results.loc[results["domain"].astype(str) == domain, "indicator_id"].astype(str).tolist()
        frame = profile.trend_frame(current.history, current.benchmarks, partnership_id, region_code, ids,
                                    current.as_at)
        figure = trend_chart(frame, partnership_name=name, region_name=region_name,
                             title=f"{DOMAINS[domain]}: {name} over time")
        trends.append(_Trend(domain, ids, frame, figure))
    return trends


def _spine(pdf: BoardPackDocument, current: Comparison, spine: pd.DataFrame, image: tuple[bytes, int, int],
           name: str, region_name: str, invented: set[str]) -> None:
    pdf.add_page()
    pdf.heading("Every indicator against England", level=1)
    png, width, height = image
    invented_names = sorted(set(spine.loc[spine["indicator_id"].astype(str).isin(invented), "short_name"].astype(str)))
    caption = ("Each row is one indicator. The black line is England (for figures without counts, the median of "
               "partnerships); the light bar runs from the worst to the best area, the darker bar covers the middle "
               f"half, better always to the right. {name}'s marker shows its verdict by colour and shape (down "
               f"triangle worse, circle similar, up triangle better); the small square is {region_name} and the star "
               "the median of its statistical neighbours. The table follows.")
    if invented_names:
        caption += f" Invented demonstration figures {INVENTED}: {', '.join(invented_names)}."
        pdf.mark_invented()
    pdf.figure(png, width, height, alt_text=f"Spine chart of {name}'s indicators against England; "
                                            "the table after it gives every figure.", caption=caption)
    table = spine_table(spine)
    pdf.heading(f"The spine chart as a table, {current.period_label}", level=2)
    pdf.data_table(_text_columns(table), widths=[1.4, 2.6, 2.2, 1, 1.4, 1, 1, 1.1, 1.2, 1.8],
                   numeric=["Value", "England", "Region", "Neighbours' median"],
                   invented_rows=table["Indicator"].isin(invented_names).tolist(), mark_column=1)


def _trends(pdf: BoardPackDocument, current: Comparison, charts: list[_Trend], images: list[tuple[bytes, int, int]],
            name: str, region_name: str, invented: set[str]) -> None:
    for number, (chart, (png, width, height)) in enumerate(zip(charts, images, strict=True)):
        domain, ids, trends = chart.domain, chart.indicator_ids, chart.frame
        pdf.add_page()
        if number == 0:
            pdf.heading("Trends", level=1)
        pdf.heading(DOMAINS[domain], level=2)
        caption = (f"One panel per indicator of {DOMAINS[domain]}, up to {current.period_label}: {name} (solid line, "
                   f"circles), England (dashed, squares), {region_name} (dotted, diamonds) and the median of its "
                   "statistical neighbours (dash-dot, triangles). The table follows.")
        marked = [i for i in ids if i in invented]
        if marked:
            names = trends.loc[trends["indicator_id"].isin(marked), "short_name"].drop_duplicates()
            caption += f" Invented demonstration figures {INVENTED}: {', '.join(names)}."
            pdf.mark_invented()
        pdf.figure(png, width, height, alt_text=f"Trend charts of {DOMAINS[domain]} for {name}; the table after "
                                                "it gives every figure.", caption=caption)
        table = trend_table(trends, partnership_name=name, region_name=region_name)
        # A figure the partnership has not got says why, in words ("not available"), not as an empty cell.
        status = trends.drop_duplicates(["short_name", "period_label"]).set_index(["short_name", "period_label"])[
            "partnership_status"]
        why = [status.get((indicator, period), "reported") for indicator, period in zip(table["Indicator"],
                                                                                        table["Period"], strict=True)]
        table[name] = [status_words(code) if pd.isna(value) and code != "reported" else value
                       for value, code in zip(table[name], why, strict=True)]
        table["Period"] = table["Period"].str.split(" (", regex=False).str[0]  # the heading of the table says the rest
        invented_rows = table["Indicator"].isin(
            trends.loc[trends["indicator_id"].isin(marked), "short_name"]).tolist()
        pdf.heading(f"{DOMAINS[domain]}: the table", level=2, keep_with_mm=20)
        pdf.paragraph("Periods are quarters of the financial year, or years to 31 March (to 30 September for the "
                      "workforce).", size=SMALL_PT, muted=True)
        pdf.data_table(_text_columns(table), widths=[2.6, 1.9, *[1.4] * (len(table.columns) - 2)],
                       numeric=table.columns[2:].tolist(), invented_rows=invented_rows)


def _case_reviews(pdf: BoardPackDocument, store: Store, partnership_id: str, name: str, as_at) -> None:
    register = current_register(store)
    mine = register.only([partnership_id])
    pdf.add_page()
    pdf.heading("Case review learning", level=1)
    if mine.reviews.empty:
        pdf.paragraph(f"{name} has no case review register in the database.")
        return
    invented = DEMO in register_sources(store)
    if invented:
        pdf.paragraph(f"The register below is made up for the demonstration {INVENTED}: it describes no real child, "
                      "review or area.", muted=True)
        pdf.mark_invented()
    state = recommendations_as_at(mine.recommendations_with_reviews(), as_at)
    open_now = state[state["open"]]
    overdue = open_now[open_now["overdue"]].sort_values("days_overdue", ascending=False)
    pdf.paragraph(f"As at {pd.Timestamp(as_at):%d %B %Y}: {len(open_now)} recommendations open, {len(overdue)} of them "
                  "overdue.")
    if len(overdue):
        pdf.heading("Overdue recommendations", level=2)
        table = pd.DataFrame({
            "Review": overdue["review_id"], "Recommendation": overdue["recommendation_id"].astype(str),
            "Owner": overdue["owner_agency"].map(AGENCIES), "Due": overdue["due_date"],
            "Days overdue": overdue["days_overdue"].astype(int).astype(str),
        })
        pdf.data_table(table, widths=[1.2, 1.2, 2, 1.4, 1.2], numeric=["Days overdue"],
                       invented_rows=(overdue["source"] == DEMO).tolist())
    findings = register.findings()
    names = pd.Series({partnership_id: name})
    themes = theme_matrix(findings, as_at, names)
    recurring = themes[(themes["recurrences"] > 0) | (themes["after_sign_off"] > 0)]
    pdf.heading("Recurring themes (reviews of the last 3 years)", level=2)
    if recurring.empty:
        pdf.paragraph("No theme was found again in the reviews of the last 3 years.")
    else:
        table = pd.DataFrame({
            "Theme": recurring["theme"], "Reviews finding it": recurring["reviews"].astype(str),
            "Seen again": recurring["recurrences"].astype(str),
            "Back after sign-off": recurring["after_sign_off"].astype(str),
        })
        pdf.data_table(table, widths=[4, 1.3, 1.1, 1.4], numeric=table.columns[1:].tolist(),
                       invented_rows=[invented] * len(table))
    back = came_back_after_sign_off(findings, register.recommendations, as_at, names)
    if len(back):
        pdf.heading("Learning that did not take hold", level=2)
        pdf.bullets([f"{row.theme}: found by review {row.review_id} ({row.reviewed_on:%d %b %Y}) after recommendation "
                     f"{row.signed_off_recommendation_id} of review {row.signed_off_review_id} ({row.owner_agency}) was "
                     f"signed off on {row.signed_off_on:%d %b %Y}" + (f" {INVENTED}" if invented else "") + "."
                     for row in back.itertuples()], size=9)


def _sources(pdf: BoardPackDocument, sources: pd.DataFrame, name: str) -> None:
    pdf.add_page()
    pdf.heading("Where the figures come from", level=1)
    counts = sources.dropna(subset=["source"]).drop_duplicates(["indicator_id"])["source"].value_counts()
    described = ", ".join(f"{n} {source}" for source, n in counts.items())
    pdf.paragraph(f"The figures of {name}: {described or 'none stored'}. Published figures are DfE and Ofsted "
                  "statistics; local figures are uploaded quarterly returns; demo figures are invented for the "
                  "demonstration.")
    table = pd.DataFrame({
        "Indicator": sources["short_name"], "Period": sources["period_id"],
        "Source": sources["source"].fillna("not returned").replace({DEMO: f"demo {INVENTED}"}),
        "Area": sources["area_name"].fillna(""),
        "Load and file": [("" if pd.isna(load) else f"load {int(load)}, {file}")
                          for load, file in zip(sources["load_id"], sources["file_name"], strict=True)],
        "Loaded": pd.to_datetime(sources["loaded_at"]).dt.strftime("%d %b %Y").fillna(""),
        "England figure": sources["england_figure"].fillna(""),
    })
    pdf.data_table(table, widths=[2.2, 1.1, 1.2, 1.6, 2.6, 1.2, 2.6],
                   invented_rows=(sources["source"] == DEMO).tolist())
    pdf.paragraph(attribution(), size=9)


def _text_columns(table: pd.DataFrame) -> pd.DataFrame:
    return table.astype(object).where(table.notna(), "")

