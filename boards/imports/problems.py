"""What is wrong with an upload, said so that a tired director can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

REPORT_COLUMNS = ("line", "column", "value", "reason", "message")
MAX_REFUSAL_CHARACTERS = 2_000
_CUT = " … "


def shortened(text: str) -> str:
    """At most MAX_REFUSAL_CHARACTERS: the middle of a longer text (names and cells from the file) is cut,
    keeping the start, which says what is wrong, and the end, which says what to do."""
    if len(text) <= MAX_REFUSAL_CHARACTERS:
        return text
    start = (MAX_REFUSAL_CHARACTERS - len(_CUT)) // 2
    end = MAX_REFUSAL_CHARACTERS - len(_CUT) - start
    return text[:start] + _CUT + text[-end:]


class UnusableFile(ValueError):
    """The upload cannot be read as a quarterly return at all; nothing in it was imported. Its message is
    shortened to MAX_REFUSAL_CHARACTERS."""

    def __init__(self, message: str) -> None:
        super().__init__(shortened(message))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell or row (``line`` is None for the file as a whole); its reason, which
    may quote a cell, is shortened to MAX_REFUSAL_CHARACTERS (the value itself is kept whole)."""

    line: int | None
    column: str | None
    value: str | None
    reason: str
    line_label: str = "Line"  # "Row" in a spreadsheet, as Excel numbers it

    def __post_init__(self) -> None:
        if len(self.reason) > MAX_REFUSAL_CHARACTERS:
            object.__setattr__(self, "reason", shortened(self.reason))

    @property
    def message(self) -> str:
        where = [f"{self.line_label} {self.line}"] if self.line is not None else []
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """One row per problem, in file order: line, column, value, reason and the full message."""
    frame = pd.DataFrame(
        [(p.line, p.column, p.value, p.reason, p.message) for p in problems], columns=list(REPORT_COLUMNS)
    )
    return frame.astype({"line": "Int64"})
