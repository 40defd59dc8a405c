"""A small world of 12 LAs in two regions, built in a temporary DuckDB through the store.

Every figure is chosen so that the expected results can be worked out by hand:

- LAs 1 and 2 form one partnership, ``P-AB``; the other ten are partnerships of one LA.
- Re-referrals (three years): published England 22.0% (22,000 / 100,000), North East 23.0%
  (2,300 / 10,000), North West 21.0% (value only). Most LAs 21-23% of 1,000 referrals; LA 12
  rises 30%, 35%, 40%; LA 11 is a joint return (a rate and no counts).
- Strategy discussions with police and health (local, four quarters): 85 of 100 almost everywhere; LA 12 falls 85,
  80, 70, 50; LA 10 did not report the last quarter ('missing'), LA 9 has no row in it; P-AB
  uploaded 170 of 200 under its own id while its members' rows say 10 of 100.
- Caseload (Sep 2024, Sep 2025): published England 15.2; LA 12 at 30.
- ILACS grade (last quarter): LA 7 Outstanding, LA 8 Inadequate, the rest Good or RI.
- Months since inspection (last quarter): LAs 1 and 2 differ, so P-AB has no value. The inspections
  table holds area 8's (ending 12 March 2024) and one of area 9's that is not the one its grade is from.
- Referral rate (context, 2024-25).
"""

from __future__ import annotations

import pandas as pd

from boards.catalogue import catalogue_frame, load_catalogue
from boards.periods import parse_period_id
from boards.reference import INSPECTION_COLUMNS, Reference
from boards.store import Store

AREAS = [f"E060000{number:02d}" for number in range(1, 13)]
NORTH_EAST, NORTH_WEST = "E12000001", "E12000002"
YEARS = ["2022-23", "2023-24", "2024-25"]
QUARTERS = ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "2025-26 Q4"]
WORKFORCE_YEARS = ["Sep 2024", "Sep 2025"]
PARTNERSHIP = "P-AB"


def area(number: int) -> str:
    return AREAS[number - 1]


def small_reference() -> Reference:
    areas = pd.DataFrame(
        {
            "area_code": AREAS,
            "old_code": [str(800 + number) for number in range(1, 13)],
            "name": [f"Area {number}" for number in range(1, 13)],
            "region_code": [NORTH_EAST] * 6 + [NORTH_WEST] * 6,
            "la_type": "Unitary Authority",
            "hex_q": range(12),
            "hex_r": 0,
        }
    )
    neighbours = pd.DataFrame(
        [
            (code, rank, other, "Close")
            for code in AREAS
            for rank, other in enumerate([o for o in AREAS if o != code][:10], start=1)
        ],
        columns=["area_code", "rank", "neighbour_code", "closeness"],
    )
    partnerships = pd.DataFrame(
        [(PARTNERSHIP, "Alpha and Beta", area(1)), (PARTNERSHIP, "Alpha and Beta", area(2))]
        + [(code, f"Area {number}", code) for number, code in enumerate(AREAS, start=1) if number > 2],
        columns=["partnership_id", "name", "area_code"],
    )
    return Reference(
        regions=pd.DataFrame({"region_code": [NORTH_EAST, NORTH_WEST], "region_name": ["North East", "North West"]}),
        areas=areas,
        aliases=pd.DataFrame({"alias_key": AREAS, "alias": AREAS, "area_code": AREAS, "kind": "code"}),
        population=pd.DataFrame({"area_code": AREAS, "year": 2024, "population_0_17": 10_000}),
        neighbours=neighbours,
        partnerships=partnerships,
        inspections=inspections(),
    )


def inspections() -> pd.DataFrame:
    """Area 8's Inadequate inspection, 4 to 12 March 2024 (24 whole months before 31 Mar 2026), published 20 April
    2024; area 9's inspection ended 3 March 2023, 36 months before, which its 26 months since inspection belie."""
    rows = [
        (area(8), "ILACS", "2024-03-04", "2024-03-12", "2024-04-20", 4, "Inadequate", "test"),
        (area(9), "ILACS", "2023-02-20", "2023-03-03", "2023-04-14", 3, "Requires improvement", "test"),
    ]
    frame = pd.DataFrame(rows, columns=INSPECTION_COLUMNS)
    for column in ("start_date", "end_date", "publication_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


MULTIPLIERS = {"rereferral_rate": 100, "strategy_discussion_partners": 100, "referral_rate": 10_000, "caseload": 1}


def row(code, indicator, period, value=None, numerator=None, denominator=None, status="reported"):
    if value is None and numerator is not None and denominator:
        value = numerator / denominator * MULTIPLIERS[indicator]
    return {"area_code": code, "indicator_id": indicator, "period_id": period, "value": value,
            "numerator": numerator, "denominator": denominator, "status": status, "note": None}


def published_rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for year_index, year in enumerate(YEARS):
        for number, code in enumerate(AREAS, start=1):
            if number == 11:
                rows.append(row(code, "rereferral_rate", year, value=23.0))  # a joint return's shared rate
                continue
            count = {1: 200, 2: 260, 12: 300 + 50 * year_index}.get(number, 210 + 2 * number)
            rows.append(row(code, "rereferral_rate", year, numerator=count, denominator=1000))
    for number, code in enumerate(AREAS, start=1):
        rows.append(row(code, "referral_rate", "2024-25", numerator=400 + 10 * number, denominator=10_000))
    caseloads = [15, 16, 14, 15, 17, 15, 16, 14, 15, 16, 15, 30]
    for year in WORKFORCE_YEARS:
        for code, caseload in zip(AREAS, caseloads, strict=True):
            rows.append(row(code, "caseload", year, numerator=caseload * 10, denominator=10))
    benchmarks = []
    for year in YEARS:
        benchmarks += [
            {"geography_code": "E92000001", "indicator_id": "rereferral_rate", "period_id": year, "value": 22.0,
             "numerator": 22_000, "denominator": 100_000, "status": "reported"},
            {"geography_code": NORTH_EAST, "indicator_id": "rereferral_rate", "period_id": year, "value": 23.0,
             "numerator": 2_300, "denominator": 10_000, "status": "reported"},
            {"geography_code": NORTH_WEST, "indicator_id": "rereferral_rate", "period_id": year, "value": 21.0,
             "numerator": None, "denominator": None, "status": "reported"},
        ]
    for year in WORKFORCE_YEARS:
        benchmarks.append({"geography_code": "E92000001", "indicator_id": "caseload", "period_id": year,
                           "value": 15.2, "numerator": 15_200, "denominator": 1_000, "status": "reported"})
    return pd.DataFrame(rows), pd.DataFrame(benchmarks)


def local_rows() -> pd.DataFrame:
    rows = []
    falling = [85, 80, 70, 50]
    for quarter_index, quarter in enumerate(QUARTERS):
        last = quarter_index == len(QUARTERS) - 1
        rows.append(row(PARTNERSHIP, "strategy_discussion_partners", quarter, numerator=170, denominator=200))
        for number, code in enumerate(AREAS, start=1):
            if number in (1, 2):
                rows.append(row(code, "strategy_discussion_partners", quarter, numerator=10, denominator=100))
            elif number == 9 and last:
                continue
            elif number == 10 and last:
                rows.append(row(code, "strategy_discussion_partners", quarter, status="missing"))
            else:
                on_time = falling[quarter_index] if number == 12 else 85
                rows.append(row(code, "strategy_discussion_partners", quarter, numerator=on_time, denominator=100))
    return pd.DataFrame(rows)


def inspection_rows() -> pd.DataFrame:
    grades = [2, 2, 2, 2, 2, 2, 1, 4, 3, 2, 2, 3]
    months = [10, 20, 12, 14, 16, 18, 22, 24, 26, 28, 30, 32]
    quarter = QUARTERS[-1]
    rows = [row(code, "ilacs_grade", quarter, value=float(grade)) for code, grade in zip(AREAS, grades, strict=True)]
    rows += [row(code, "months_since_inspection", quarter, value=float(m)) for code, m in zip(AREAS, months, strict=True)]
    return pd.DataFrame(rows)


def build_small_world(store: Store) -> None:
    store.replace_reference(small_reference())
    store.sync_catalogue(catalogue_frame(load_catalogue()))
    store.ensure_periods([parse_period_id(p) for p in YEARS + QUARTERS + WORKFORCE_YEARS])
    observations, benchmarks = published_rows()
    store.commit_load(observations, benchmarks=benchmarks, source="published", loaded_by="test", file_name="dfe.csv")
    store.commit_load(inspection_rows(), source="published", loaded_by="test", file_name="ofsted.csv")
    store.commit_load(local_rows(), source="local", loaded_by="test", file_name="returns.csv")


def result(comparison, partnership_id: str, indicator_id: str) -> pd.Series:
    """The one area result of a partnership and indicator."""
    found = comparison.area_results[
        (comparison.area_results["partnership_id"] == partnership_id)
        & (comparison.area_results["indicator_id"] == indicator_id)
    ]
    assert len(found) == 1, (partnership_id, indicator_id, len(found))
    return found.iloc[0]

