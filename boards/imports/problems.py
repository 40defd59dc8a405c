"""What is wrong with an upload, said so that a tired director can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

REPORT_COLUMNS = ("line", "column", "value", "reason", "message")
MAX_REFUSAL_CHARACTERS = 2_000
_CUT = " … "


class UnusableFile(ValueError):
    """The upload cannot be read as a quarterly return at all; nothing in it was imported.

    Its message is at most MAX_REFUSAL_CHARACTERS long: the middle of a longer one (names and texts from
    the file) is cut, keeping the start, which says what is wrong, and the end, which says what to do.
    """

    def __init__(self, message: str) -> None:
        if len(message) > MAX_REFUSAL_CHARACTERS:
            start = (MAX_REFUSAL_CHARACTERS - len(_CUT)) // 2
            end = MAX_REFUSAL_CHARACTERS - len(_CUT) - start
            message = message[:start] + _CUT + message[-end:]
        super().__init__(message)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell or row (``line`` is None for the file as a whole)."""

    line: int | None
    column: str | None
    value: str | None
    reason: str
    line_label: str = "Line"  # "Row" in a spreadsheet, as Excel numbers it

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
