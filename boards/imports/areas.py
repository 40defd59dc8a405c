"""Area cells to current LA codes, through the reference aliases held in the database.

A cell may give the ONS code, the old 3-digit DfE code or the name (case, spacing, "&"/"and" and
"City of" variants all match), a recoded or former code, or a joint return "A / B", whose
figure then applies to both LAs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from boards.reference import ALIAS_KINDS, normalise_area_key
from boards.store import Store, StoreError

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


@dataclass(frozen=True)
class AreaIndex:
    codes: dict[str, tuple[str, ...]]  # alias key -> current area codes
    kinds: dict[str, str]  # alias key -> the strongest kind of alias it is
    names: dict[str, str]  # current area code -> name
    spellings: dict[str, str]  # alias key -> a spelling of it, for suggestions

    @classmethod
    def from_store(cls, store: Store) -> AreaIndex:
        aliases = store.table("area_aliases")
        areas = store.table("areas")
        if aliases.empty:
            raise StoreError(f"The database {store.path} has no reference data; run 'boards init' first.")
        grouped = aliases.groupby("alias_key")
        ranked = aliases.assign(rank=aliases["kind"].map(ALIAS_KINDS.index)).sort_values(["rank", "alias_key"])
        names = ranked[ranked["kind"].isin(["name", "former_name"])]
        return cls(
            codes={key: tuple(sorted(codes)) for key, codes in grouped["area_code"]},
            kinds=ranked.drop_duplicates("alias_key").set_index("alias_key")["kind"].to_dict(),
            names=dict(zip(areas["area_code"], areas["name"])),
            spellings=names.drop_duplicates("alias_key").set_index("alias_key")["alias"].to_dict(),
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
        for part, found in zip(parts, resolved):
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
        reason = f'"{text}" is not a local authority we know: give its ONS code, 3-digit DfE code or name'
        guess = difflib.get_close_matches(key, list(self.spellings), n=1, cutoff=0.8)
        if guess:
            reason += f'. Did you mean "{self.spellings[guess[0]]}"?'
        return Resolution(error=reason)

