"""The values the store takes and gives back: audit entries and the outcomes of loads and rollbacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def utc_now() -> datetime:
    """The time now in UTC, without a zone (the database stores UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class AuditEntry:
    """One row of the append-only audit trail: who did what, to what, when (UTC)."""

    occurred_at: datetime
    actor: str
    action: str
    target: str | None
    detail: str | None


@dataclass(frozen=True)
class LoadResult:
    load_id: int
    rows_added: int
    rows_changed: int
    rows_unchanged: int


@dataclass(frozen=True)
class LoadScope:
    """The geographies whose rows a load wrote or replaced: who may roll it back depends on them."""

    area_codes: tuple[str, ...]  # local authorities and partnerships
    benchmark_codes: tuple[str, ...]  # published England and regional figures

    @property
    def is_empty(self) -> bool:
        return not self.area_codes and not self.benchmark_codes


@dataclass(frozen=True)
class RollbackResult:
    load_id: int
    rows_restored: int  # values the load had replaced, current again
    rows_removed: int  # values the load had added, gone again
    benchmarks_restored: int  # published benchmarks the load had replaced, current again
    benchmarks_removed: int  # published benchmarks the load had added, gone again


@dataclass(frozen=True)
class TableCopy:
    """One table copied by ``Store.copy_from``: its rows and its checksum, found equal in source and
    destination."""

    table: str
    rows: int
    checksum: int  # the sum of every row's hash: equal whatever order the rows are in

    @property
    def checksum_text(self) -> str:
        """The checksum as 16 hex digits (its low 64 bits), for people to compare by eye."""
        return f"{self.checksum % 2**64:016x}"
