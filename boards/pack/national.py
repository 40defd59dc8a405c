"""The board pack of England or of one region, for a regional meeting: the ranked table with every
row, the verdict matrix and the concern map, as at a period.

The matrix of every partnership is drawn in parts of ``MATRIX_ROWS_PER_PAGE`` partnerships, each a
chart of its own on its own page, so that no chart is split across pages and cells stay readable.
Every figure is the comparison engine's (``boards.compare``) as the Overview shows it.
"""

from __future__ import annotations

import pandas as pd

from boards.changes import since_previous, since_words
from boards.charts.overview import concern_map, matrix_cells, verdict_matrix
from boards.compare.engine import Comparison
from boards.overview import area_concern, headline, league_table, read_reference
from boards.pack.document import INVENTED, BoardPackDocument
from boards.pack.images import charts_png
from boards.provenance import attribution
from boards.store import Store

MATRIX_ROWS_PER_PAGE = 40
DEMO = "demo"


def national_pack(store: Store, current: Comparison, previous: Comparison | None = None, *,
                  region_code: str | None = None) -> bytes:
    """The pack of every partnership (``region_code`` None) or of those of one region, as at ``current``."""
    reference = read_reference(store)
    regions = reference.region_names()
    if region_code is not None and region_code not in regions:
        known = ", ".join(f"{code} ({name})" for code, name in sorted(regions.items()))
        raise LookupError(f"no region {region_code!r}; the regions are {known}")
    place = regions[region_code] if region_code else "England"
    everyone = league_table(current.scores, reference)
    table = everyone[everyone["region_code"] == region_code] if region_code else everyone
    freshness = store.read("indicator_freshness")
    invented = set(freshness.loc[freshness["sources"].fillna("").str.contains(DEMO), "indicator_id"])

    pdf = BoardPackDocument(f"Board pack: {place}, {current.period_id}",
                            subject=f"Every partnership of {place} ranked by concern, with the verdict matrix and map")
    _summary(pdf, table, place, current, bool(invented), len(everyone))
    _ranked_table(pdf, table, current, previous, bool(invented))
    _matrix(pdf, table, current, place, invented)
    _map(pdf, reference, everyone, table, current, place, region_code is not None, bool(invented))
    pdf.heading("Where the figures come from", level=1)
    pdf.paragraph("Published figures are DfE children in need and children's social work workforce statistics and "
                  "Ofsted's inspection outcomes; local figures are the partnerships' uploaded quarterly returns"
                  + ("; in this database those are invented for the demonstration." if invented else "."))
    pdf.paragraph(attribution(), size=9)
    return pdf.output_bytes()


def _summary(pdf: BoardPackDocument, table: pd.DataFrame, place: str, current: Comparison, invented: bool,
             total: int) -> None:
    found = headline(table)
    pdf.heading(f"Board pack: {place}", level=0)
    pdf.paragraph(f"Every partnership{' of ' + place if place != 'England' else ' in England'} compared with England, "
                  f"its region and its statistical neighbours as at {current.period_label}: {len(table)} "
                  f"partnership{'s' if len(table) != 1 else ''}, ranked among all {total} in England by concern "
                  "score (1 is the partnership of most concern).")
    pdf.bullets([
        f"{found.strong} worse than England beyond the 99.8% limit or 3 robust SDs on 3 or more indicators.",
        f"{found.any_worse} worse than England on at least one indicator.",
        f"{found.not_reporting} did not report part of their quarterly return.",
        found.top_sentence(),
        found.chance_sentence(),
    ])
    if invented:
        pdf.paragraph("Demonstration data: the local quarterly returns behind these scores (partner attendance, case "
                      f"review timeliness, audits, supervision) are invented, so every score is marked {INVENTED}. "
                      "Published DfE and Ofsted figures are real.", size=9, muted=True)
        pdf.mark_invented()


def _ranked_table(pdf: BoardPackDocument, table: pd.DataFrame, current: Comparison, previous: Comparison | None,
                  invented: bool) -> None:
    pdf.heading("Every partnership ranked by concern", level=1)
    shown = pd.DataFrame({
        "Rank": table["rank"].astype(int).astype(str),
        "Partnership": table["partnership_name"],
        "Region": table["region_name"],
        "Score": table["score"].map(lambda score: "" if pd.isna(score) else f"{score:.2f}"),
        "Worse": table["worse"].astype(str),
        "Strongly worse": table["worse_99_8"].astype(str),
        "Not reported": table["did_not_report"].astype(str),
    })
    widths = [0.8, 2.2, 1.6, 1.7, 0.9, 1.2, 1.2]
    if {"rank_low", "rank_high"} <= set(current.scores.columns):  # when the score engine gives the rank's interval
        bounds = current.scores.set_index("partnership_id").loc[table["partnership_id"], ["rank_low", "rank_high"]]
        shown.insert(1, "Rank interval", ["" if pd.isna(low) or pd.isna(high) else f"{int(low)} to {int(high)}"
                                          for low, high in bounds.itertuples(index=False)])
        widths.insert(1, 1.1)
    if previous is not None:
        since = since_previous(current, previous).set_index("partnership_id")
        shown[f"Since {previous.period_id}"] = [since_words(since.loc[p]) for p in table["partnership_id"]]
        widths.append(2.2)
    shown["What drives it"] = table["summary"]
    widths.append(3.4)
    pdf.data_table(shown.reset_index(drop=True), widths=widths,
                   numeric=["Rank", "Worse", "Strongly worse", "Not reported"],
                   invented_rows=[invented] * len(shown), mark_column=shown.columns.get_loc("Score"))


def _matrix(pdf: BoardPackDocument, table: pd.DataFrame, current: Comparison, place: str, invented: set[str]) -> None:
    ids = table["partnership_id"].tolist()
    parts = [ids[start:start + MATRIX_ROWS_PER_PAGE] for start in range(0, len(ids), MATRIX_ROWS_PER_PAGE)]
    cells_of_parts = [matrix_cells(current.area_results, part) for part in parts]
    ofs = [f", part {number} of {len(parts)}" if len(parts) > 1 else "" for number in range(1, len(parts) + 1)]
    images = charts_png([verdict_matrix(cells, title=f"Verdicts against England, {current.period_label}{of}")
                         for cells, of in zip(cells_of_parts, ofs, strict=True)])
    for number, (part, cells, of, (png, width, height)) in enumerate(
            zip(parts, cells_of_parts, ofs, images, strict=True), start=1):
        pdf.add_page()
        if number == 1:
            pdf.heading("The verdict matrix", level=1)
        names = cells.drop_duplicates("indicator_id")
        invented_names = names.loc[names["indicator_id"].isin(invented), "short_name"].astype(str).tolist()
        caption = (f"Partnerships ranked {number * MATRIX_ROWS_PER_PAGE - MATRIX_ROWS_PER_PAGE + 1} to "
                   f"{number * MATRIX_ROWS_PER_PAGE - MATRIX_ROWS_PER_PAGE + len(part)} of {place} (rows, highest "
                   "concern at the top) by judged indicators (columns, grouped by domain); each cell is the verdict "
                   "against England by colour and shape. Each partnership's board pack gives its figures.")
        if invented_names:
            caption += f" Invented demonstration figures {INVENTED}: {', '.join(invented_names)}."
            pdf.mark_invented()
        pdf.figure(png, width, height, caption=caption,
                   alt_text=f"Verdict matrix of {len(part)} partnerships of {place}{of}; the ranked table gives "
                            "each partnership's counts of verdicts.")


def _map(pdf: BoardPackDocument, reference, everyone: pd.DataFrame, table: pd.DataFrame, current: Comparison,
         place: str, highlight: bool, invented: bool) -> None:
    chosen = set(table["partnership_id"])
    areas = area_concern(reference, everyone).assign(in_filter=lambda frame: frame["partnership_id"].isin(chosen))
    figure = concern_map(areas, title=f"Concern score by local authority, {current.period_label}",
                         total=len(everyone), highlight=highlight)
    pdf.add_page()
    pdf.heading("The concern map", level=1)
    [(png, width, height)] = charts_png([figure])
    outlined = f" The local authorities of {place} are outlined." if highlight else ""
    caption = ("Each hexagon is a local authority, coloured by its partnership's concern score: orange is more concern "
               "than England and purple less, darker the further from England (0, near white)."
               f"{outlined} The ranked table gives every score.")
    if invented:
        caption += f" The scores are made partly of invented demonstration figures {INVENTED}."
        pdf.mark_invented()
    pdf.figure(png, width, height, caption=caption, alt_text="Hex map of England's local authorities coloured by their "
                                                             "partnership's concern score; the ranked table gives every "
                                                             "score.")
