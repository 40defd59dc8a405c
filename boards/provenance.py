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


def demo_notice_text(sources: set[str]) -> str | None:
    """The banner over invented demo figures (None when the database holds none); once real local returns
    have been uploaded beside them, it says that only some returns are invented."""
    if "demo" not in sources:
        return None
    if "local" in sources:
        return (
            "**Demonstration data.** Some local quarterly returns in this database are invented from a fixed "
            "random seed and describe no real area; returns uploaded by partnerships are real, as are published "
            "DfE and Ofsted figures. Every invented figure a score's summary names is marked (invented); "
            "choose Published figures only to leave all local returns out."
        )
    return (
        "**Demonstration data.** The local quarterly returns in this database (partner attendance, "
        "case review timeliness, audits, supervision) are invented from a fixed random seed. "
        "They describe no real area. Published DfE and Ofsted figures are real."
    )
