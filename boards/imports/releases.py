"""Published releases in order: an older DfE release never silently replaces the figures of a newer one.

DfE revises earlier years' figures in each annual release (the children in need tables restate the previous
year), so a file downloaded last year and imported after this year's would put superseded figures back. A
load of published figures records its release: the latest period the file covers, as a period id ("2024-25"
for the release with figures to 31 March 2025, "Sep 2025" for the workforce census to 30 September 2025),
which is how Explore Education Statistics names its releases (by reporting year). An upload whose release
ends before the release in force for figures it would change (an LA's, England's or a region's figure for
the same indicator and period, given differently) is refused, unless the uploader says they mean it
(``--allow-older``); figures it gives as they stand are left alone and refuse nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from boards.periods import Period, parse_period_id


def release_of(periods: Iterable[Period]) -> str | None:
    """The release of a published file: the id of the latest period it gives figures for (None without any)."""
    latest = max(periods, key=lambda period: period.end, default=None)
    return None if latest is None else latest.period_id


def release_words(release: str) -> str:
    """A release as a reader says it: "the release with figures to 31 March 2025"."""
    end = parse_period_id(release).end
    return f"the release with figures to {end.day} {end:%B %Y}"


def older_release(file_name: str, release: str, in_force: pd.DataFrame) -> str | None:
    """Why the upload is refused when ``in_force`` (Store.releases_in_force: load_id, file_name, release, figures)
    holds a release newer than ``release`` for figures it would change; None when none is newer."""
    ends = pd.Series([parse_period_id(r).end for r in in_force["release"]], index=in_force.index, dtype=object)
    newer = ends > parse_period_id(release).end
    if not newer.any():
        return None
    newest = in_force.loc[ends[newer].idxmax()]
    figures = int(in_force.loc[newer, "figures"].sum())
    counted = f"{figures:,} figure{'' if figures == 1 else 's'}"
    return (
        f"{file_name} is an older DfE release than the one in force for {counted} it would change: it is "
        f"{release_words(release)}, and load {newest['load_id']} ({newest['file_name']}) imported "
        f"{release_words(newest['release'])}. Importing it would replace revised figures with superseded ones."
    )
