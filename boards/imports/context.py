"""What an upload is checked against, read from the store once (``read_upload_context``): the checks
(boards.imports.checks, boards.imports.register) then read nothing but it, as the comparison's engine reads
only ``boards.compare.inputs``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from boards.catalogue import Indicator, load_catalogue
from boards.imports.areas import AreaIndex
from boards.imports.register import PartnershipIndex
from boards.reviews.register import Register, current_register
from boards.store import Store


@dataclass(frozen=True)
class UploadContext:
    """Everything the checks of an upload need from the database and the catalogue."""

    already_loaded: dict[str, Any] | None  # the committed load of this very file (its loads row), if any
    indicators: Mapping[str, Indicator]  # the catalogue: names, units, limits, period types
    areas: AreaIndex  # area cells to current LA codes: aliases, names, regions
    population: pd.DataFrame  # area_population: area_code, year, population_0_17
    partnerships: PartnershipIndex  # partnership cells of a register to partnership ids, and their members
    register: Register  # the case review register in force
    today: date  # the day periods and dates are judged on


def read_upload_context(store: Store, file_hash: str, today: date) -> UploadContext:
    areas = AreaIndex.from_store(store)
    return UploadContext(
        already_loaded=store.committed_load_with_hash(file_hash),
        indicators=load_catalogue(),
        areas=areas,
        population=store.table("area_population"),
        partnerships=PartnershipIndex.of(store.table("partnerships"), areas),
        register=current_register(store),
        today=today,
    )
