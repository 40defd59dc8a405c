"""What an upload comes to: the plan a dry run shows, the result of committing it, and a refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from boards.access import Actor
from boards.imports.problems import Problem, problems_frame
from boards.imports.register import RegisterCheck
from boards.periods import Period

LAYOUT_NAMES = {"long": "long layout", "wide": "wide layout", "ees": "DfE EES file", "register": "case review register"}


@dataclass(frozen=True)
class ImportSummary:
    rows_read: int  # data rows in the file (blank rows not counted)
    rows_rejected: int  # rows with at least one problem
    rows_to_add: int  # figures new to the database
    rows_to_change: int  # figures that replace a different current value
    rows_unchanged: int  # figures the database already holds
    benchmarks: int  # National and Regional figures of a DfE file
    skipped: dict[str, int] = field(default_factory=dict)  # rows left out on purpose, by reason


@dataclass(frozen=True)
class ImportPlan:
    """A validated upload, compared with the database, ready to commit (or to show as a dry run)."""

    file_name: str
    file_hash: str
    actor: Actor
    source: str  # local (the quarterly template) or published (DfE EES files)
    layout: str | None  # long, wide or ees; None when the file was already imported
    mapping_title: str | None
    observations: pd.DataFrame  # the valid figures, in the store's OBSERVATION_COLUMNS
    benchmarks: pd.DataFrame  # the valid National and Regional figures, BENCHMARK_COLUMNS
    periods: tuple[Period, ...]
    problems: tuple[Problem, ...]
    summary: ImportSummary
    already_loaded: dict[str, Any] | None = None  # the committed load of this very file
    # A case review register: its rows, which replace the register parts of its partnerships; the
    # observations are then the indicators derived from the register (boards.reviews.derive).
    register: RegisterCheck | None = None
    # Figures that will be stored but not judged, one sentence per indicator (boards.imports.unjudged); the
    # dry run shows them, and they refuse nothing.
    warnings: tuple[str, ...] = ()
    # Published figures: the release they came from (boards.imports.releases), and why it may not be imported
    # as it stands when an older release than the one in force for some of the same figures (None when not).
    release: str | None = None
    older_release: str | None = None

    @property
    def problem_report(self) -> pd.DataFrame:
        return problems_frame(list(self.problems))


@dataclass(frozen=True)
class ImportResult:
    load_id: int | None  # None when nothing was written
    rows_added: int
    rows_changed: int
    rows_unchanged: int
    rows_rejected: int
    already_loaded_as: int | None = None


class ImportRejected(ValueError):
    """Validation found problems and the caller did not accept only the valid rows: nothing was written."""

    def __init__(self, plan: ImportPlan, reason: str) -> None:
        self.plan = plan
        super().__init__(reason)


def count_text(n: int, noun: str) -> str:
    """"1 problem", "1,204 problems"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
