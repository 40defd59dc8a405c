"""Figures an upload would store that the comparison cannot judge, said before they are committed.

A percentage is judged against England on its numerator and denominator (a funnel at the
partnership's denominator, boards.compare): one stored without them is shown but "not compared".
The upload is not refused for it (a figure without counts is still a figure), but the dry run
warns, one sentence per indicator, so that the uploader can add the counts first.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from boards.catalogue import Indicator
from boards.imports.cells import REPORTED


def percentages_without_counts(observations: pd.DataFrame, indicators: Mapping[str, Indicator]) -> tuple[str, ...]:
    """One warning per judged percentage of the catalogue whose reported figures in ``observations`` (the
    store's OBSERVATION_COLUMNS) lack a numerator or denominator, naming how many and in which periods."""
    judged = [i.indicator_id for i in indicators.values() if i.unit == "percent" and i.judged and i.denominator]
    uncounted = observations[
        observations["indicator_id"].isin(judged).to_numpy(dtype=bool)
        & (observations["status"] == REPORTED).to_numpy(dtype=bool)
        & (observations["numerator"].isna() | observations["denominator"].isna()).to_numpy(dtype=bool)
    ]
    warnings = []
    for indicator_id, figures in uncounted.groupby("indicator_id", observed=True, sort=True):
        indicator = indicators[str(indicator_id)]
        periods = ", ".join(sorted(figures["period_id"].astype(str).unique()))
        count = f"{len(figures):,} figure{'' if len(figures) == 1 else 's'}"
        warnings.append(
            f'"{indicator.name}": {count} ({periods}) without a numerator and denominator will not be compared '
            "with others: a percentage needs its numerator and denominator to be judged against England. "
            f"Give them (the columns {indicator.indicator_id}_numerator and {indicator.indicator_id}_denominator "
            "in the wide layout) to have them judged."
        )
    return tuple(warnings)
