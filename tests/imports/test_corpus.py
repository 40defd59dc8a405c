"""The corpus of uploads in tests/data/imports: each file gives exactly the outcome in its .expected file."""

from pathlib import Path

import pandas as pd
import pytest

from boards.imports.problems import UnusableFile

from .conftest import inspect

CORPUS = Path(__file__).resolve().parent.parent / "data" / "imports"
FILES = sorted(path for path in CORPUS.iterdir() if path.suffix not in (".expected", ".md"))


def _number(value: float) -> str:
    return "" if pd.isna(value) else f"{value:g}"


def outcome(store, path: Path) -> list[str]:
    """What importing the file would do: the imported figures, or every problem, as text lines."""
    try:
        plan = inspect(store, path.name, path.read_bytes())
    except UnusableFile as exc:
        return ["unusable", str(exc)]
    if plan.problems:
        return ["rejected", *(problem.message for problem in plan.problems)]
    return ["imported"] + [
        " | ".join([row.area_code, row.indicator_id, row.period_id, _number(row.value), _number(row.numerator),
                    _number(row.denominator), row.status, row.note or ""]).rstrip()
        for row in plan.observations.itertuples()
    ]


def test_corpus_is_large_enough():
    """At least 30 malformed files, plus the valid variants of encodings, delimiters and layouts."""
    outcomes = [path.with_suffix(path.suffix + ".expected").read_text(encoding="utf-8").split("\n", 1)[0]
                for path in FILES]
    assert outcomes.count("rejected") + outcomes.count("unusable") == 51
    assert outcomes.count("imported") == 15


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_corpus_file(store, path):
    """The file's outcome is exactly its expected lines."""
    expected = path.with_suffix(path.suffix + ".expected").read_text(encoding="utf-8").splitlines()
    assert outcome(store, path) == expected
