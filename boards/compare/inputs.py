"""What the comparison reads from the store: one call per named query in ``boards/sql``, and the day
each indicator's figures for a period were published (``publication_dates``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from boards.periods import published_on
from boards.store import Store


@dataclass(frozen=True)
class ComparisonInputs:
    """Everything the engine needs, as read from the database (or built by a simulation)."""

    values: pd.DataFrame  # compare_partnership_values: the rows partnerships have, text as categoricals
    # indicator_id, period_id, local_return; invented and published_on (optional): a row of each is expected
    indicator_periods: pd.DataFrame
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
        indicator_periods=publication_dates(store.read("compare_indicator_periods"), periods),
        partnerships=store.read("compare_partnerships"),
        neighbours=store.read("compare_neighbours"),
        indicators=store.read("compare_catalogue"),
        periods=periods,
        published=store.read("compare_published_benchmarks"),
        regions=store.read("compare_regions"),
        inspection_dates=store.read("compare_inspection_dates"),
    )


def publication_dates(indicator_periods: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """``indicator_periods`` with ``published_on``, the day its figures were published: for a DfE year, DfE's
    release day (``boards.periods.published_on``: 1 December after a year to March, 1 March after a year to
    September); for a local return, the day it was loaded (``loaded_on``); for a quarter's published figures
    (Ofsted's judgement in force at the quarter's end), the quarter's end."""
    period = periods.set_index("period_id").loc[indicator_periods["period_id"]]
    released = [published_on(end, granularity) or end
                for end, granularity in zip(period["end_date"], period["granularity"], strict=True)]
    local = indicator_periods["local_return"].to_numpy(dtype=bool)
    loaded = pd.to_datetime(indicator_periods["loaded_on"]).dt.date.to_numpy()
    return indicator_periods.assign(published_on=[
        load_day if is_local else release for is_local, load_day, release in zip(local, loaded, released, strict=True)
    ])
