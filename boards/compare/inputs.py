"""What the comparison reads from the store: one call per named query in ``boards/sql``."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from boards.store import Store


@dataclass(frozen=True)
class ComparisonInputs:
    """Everything the engine needs, as read from the database (or built by a simulation)."""

    values: pd.DataFrame  # compare_partnership_values: the rows partnerships have, text as categoricals
    indicator_periods: pd.DataFrame  # indicator_id, period_id, local_return, invented (optional): a row of each is expected
    partnerships: pd.DataFrame  # partnership_id, partnership_name, region_code, member_count, member_codes, children
    neighbours: pd.DataFrame  # partnership_id, neighbour_id
    indicators: pd.DataFrame  # the catalogue columns the comparison uses
    periods: pd.DataFrame  # period_id, granularity, start_date, end_date, label
    published: pd.DataFrame  # geography_code, indicator_id, period_id, status, value, numerator, denominator
    regions: pd.DataFrame  # region_code, region_name
    # compare_inspection_dates: partnership_id, area_code, finished, in_force (None: no dates to name)
    inspection_dates: pd.DataFrame | None = None


def read_inputs(store: Store) -> ComparisonInputs:
    periods = store.read("compare_periods")
    for column in ("start_date", "end_date"):
        periods[column] = pd.to_datetime(periods[column]).dt.date
    return ComparisonInputs(
        values=store.read_through_arrow("compare_partnership_values"),
        indicator_periods=store.read("compare_indicator_periods"),
        partnerships=store.read("compare_partnerships"),
        neighbours=store.read("compare_neighbours"),
        indicators=store.read("compare_catalogue"),
        periods=periods,
        published=store.read("compare_published_benchmarks"),
        regions=store.read("compare_regions"),
        inspection_dates=store.read("compare_inspection_dates"),
    )
