"""Area cells to current LA codes, through the reference aliases held in the database.

A cell may give the ONS code, the old 3-digit DfE code or the name (case, spacing, "&"/"and" and
"City of" variants all match), a recoded or former code, or a joint return "A / B", whose
figure then applies to both LAs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from boards.reference import ALIAS_KINDS, normalise_area_key
from boards.store import Store, StoreError

# What people write in the area cell of a total row (after normalise_area_key): never an LA.
TOTAL_ROW_WORDS = ("total", "totals", "grand total", "sum", "all", "all areas", "all las", "all local authorities",
                   "overall", "national", "england", "england total", "total england", "E92000001")
_NOTED_KINDS = {"former_code": "Reported under former code {text}", "former_name": "Reported as {text}"}


@dataclass(frozen=True)
class Resolution:
    """What an area cell stands for: current area codes, or why it stands for none."""

    area_codes: tuple[str, ...] = ()
    note: str | None = None
    joint: bool = False
    former: bool = False  # given by the code or name of an LA that no longer exists
    error: str | None = None
    # A former LA split between successors (Cumbria): published files name it in older years.
    split_former_area: bool = False


def area_names(store: Store) -> dict[str, str]:
    """Current area code -> name."""
    areas = store.table("areas")
    return dict(zip(areas["area_code"], areas["name"]))


@dataclass(frozen=True)
class AreaIndex:
    codes: dict[str, tuple[str, ...]]  # alias key -> current area codes
    kinds: dict[str, str]  # alias key -> the strongest kind of alias it is
    names: dict[str, str]  # current area code -> name
    spellings: dict[str, str]  # alias key -> a spelling of it, for suggestions
    totals: dict[str, str]  # key of a total row's area cell -> what the row is ("a total row", "a region's total row")

    @classmethod
    def from_store(cls, store: Store) -> AreaIndex:
        aliases = store.table("area_aliases")
        if aliases.empty:
            raise StoreError(f"The database {store.path} has no reference data; run 'boards init' first.")
        return cls.of(aliases, store.table("regions"), area_names(store))

    @classmethod
    def of(cls, aliases: pd.DataFrame, regions: pd.DataFrame, names: dict[str, str]) -> AreaIndex:
        """The index of the tables ``area_aliases`` and ``regions``, and the current areas' ``names``."""
        codes: dict[str, list[str]] = {}
        kinds: dict[str, str] = {}
        spellings: dict[str, str] = {}
        # The strongest kind of alias first.
        ranked = sorted(zip(aliases["kind"].map(ALIAS_KINDS.index), aliases["alias_key"], aliases["alias"],
                            aliases["area_code"], aliases["kind"]))
        for _, key, alias, code, kind in ranked:
            codes.setdefault(key, []).append(code)
            kinds.setdefault(key, kind)
            if kind in ("name", "former_name"):
                spellings.setdefault(key, alias)
        totals = {normalise_area_key(word): "a total row" for word in TOTAL_ROW_WORDS}
        for code, name in zip(regions["region_code"], regions["region_name"]):
            totals[normalise_area_key(code)] = totals[normalise_area_key(name)] = "a region's total row"
        return cls(
            codes={key: tuple(sorted(found)) for key, found in codes.items()},
            kinds=kinds,
            names=names,
            spellings=spellings,
            totals=totals,
        )

    def label(self, code: str) -> str:
        return f"{self.names.get(code, code)} ({code})"

    def resolve(self, text: str) -> Resolution:
        if not text:
            return Resolution(error="the area is blank: give the LA's ONS code, DfE code or name")
        parts = [part.strip() for part in text.split("/")]
        if len(parts) == 1:
            return self._resolve_one(text)
        resolved = [self._resolve_one(part) for part in parts]
        for found in resolved:
            if found.error:
                return Resolution(
                    error=f'"{text}" is a joint return, but {found.error[0].lower()}{found.error[1:]}',
                    split_former_area=found.split_former_area,
                )
        codes = tuple(dict.fromkeys(code for found in resolved for code in found.area_codes))
        note = "Joint return for " + " / ".join(self.names[code] for code in codes)
        return Resolution(codes, note, joint=True)

    def _resolve_one(self, text: str) -> Resolution:
        key = normalise_area_key(text)
        codes = self.codes.get(key, ())
        if len(codes) == 1:
            template = _NOTED_KINDS.get(self.kinds[key])
            if template is None:
                return Resolution(codes)
            return Resolution(codes, template.format(text=text), former=True)
        if codes:
            successors = " and ".join(self.label(code) for code in codes)
            return Resolution(
                error=f'"{text}" is a former area now split between {successors}: give a row for each of them',
                split_former_area=True,
            )
        if key in self.totals:
            return Resolution(
                error=f'"{text}" is {self.totals[key]}, not a local authority: delete the row. A return gives one row '
                "per local authority; England and regional figures come from DfE or are added up from them"
            )
        reason = f'"{text}" is not a local authority we know: give its ONS code, 3-digit DfE code or name'
        guess = difflib.get_close_matches(key, list(self.spellings), n=1, cutoff=0.8)
        if guess:
            reason += f'. Did you mean "{self.spellings[guess[0]]}"?'
        return Resolution(error=reason)

