"""Where the reference data came from, read from ``data/reference/PROVENANCE.md``.

The provenance file is the one place the sources, licences and attribution are written; the
About page shows them from here so that it cannot drift from the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

PROVENANCE_PATH = Path(__file__).resolve().parent.parent / "data" / "reference" / "PROVENANCE.md"
FILES_HEADING = "## Files"
ATTRIBUTION_START = "> Contains public sector information"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def attribution(path: Path = PROVENANCE_PATH) -> str:
    """The Open Government Licence attribution sentence, as the provenance file words it."""
    for line in _lines(path):
        if line.startswith(ATTRIBUTION_START):
            return line.removeprefix(">").strip()
    raise ValueError(f"{path.name} has no line starting {ATTRIBUTION_START!r}")


def source_files(path: Path = PROVENANCE_PATH) -> pd.DataFrame:
    """The table under '## Files': one row per reference file, with the file's own column names."""
    lines = _lines(path)
    start = lines.index(FILES_HEADING)
    rows: list[list[str]] = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append([cell.strip().replace("`", "") for cell in line.strip().strip("|").split("|")])
    header, body = rows[0], [row for row in rows[2:] if len(row) == len(rows[0])]  # rows[1] is |---|
    return pd.DataFrame(body, columns=header)


def demo_notice_text(figures: pd.DataFrame) -> str | None:
    """The banner over invented demo figures, naming which indicators are invented for how many partnerships
    and which are real, from ``figures`` (the ``figure_sources`` query: one row per indicator with
    ``short_name``, ``domain``, ``invented_for``, ``uploaded_for``, ``published`` and ``partnerships``); None
    when the database holds no invented figure."""
    from boards.catalogue import DOMAINS

    invented = figures[figures["invented_for"] > 0]
    if invented.empty:
        return None
    total = int(figures["partnerships"].iloc[0])

    def by_domain(rows: pd.DataFrame) -> str:
        return "; ".join(
            f"{DOMAINS[domain].lower()} ({len(group)}: {', '.join(group['short_name'])})"
            for domain, group in rows.groupby("domain", sort=False)
        )

    parts = []
    for count, rows in invented.groupby("invented_for", sort=False):
        whom = f"all {total} partnerships" if count == total else f"{count} of {total} partnerships"
        parts.append(f"for {whom}: {by_domain(rows)}")
    text = ("**Demonstration data.** Invented from a fixed random seed, describing no real area, "
            + ". Invented ".join(parts) + ".")
    uploaded = figures[figures["uploaded_for"] > 0]
    if len(uploaded):
        text += " Real returns uploaded by partnerships replace invented ones where they were sent: " + ", ".join(
            f"{row.short_name} (from {row.uploaded_for} partnership{'s' if row.uploaded_for != 1 else ''})"
            for row in uploaded.itertuples()
        ) + "."
    published = figures[figures["published"].astype(bool)]
    if len(published):
        text += f" Real, as published by DfE and Ofsted: {by_domain(published)}."
    return text + (
        " Every invented figure is marked (invented) where it is shown; choose Published figures only to leave "
        "local returns out."
    )
