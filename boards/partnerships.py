"""Partnerships an administrator defines: which LAs each covers and its name, audited, with history.

Every LA is in exactly one partnership at a time (as data/partnerships.csv requires). An edit works out the
whole new footprint, then the store writes it with its history rows (who belonged to what, from when to
when) and the audit row in one transaction. Four edits cover what a real deployment meets:

* create: a new partnership of the LAs named, each moved from the partnership it was in;
* assign: LAs moved into an existing partnership (a merge is an assign, then a rename);
* rename: the same LAs under a new name;
* dissolve: each LA back to a partnership of its own, as data/partnerships.csv ships it.

A partnership left with no LA ends. An uploader's scope is never widened or emptied by an edit: a change that
would end a partnership someone uploads for is refused, naming them, until an administrator has given them
what they should upload for now. An uploader whose partnership loses an LA (it moved elsewhere) no longer
uploads for that LA; the change's summary names them.

Comparisons read the footprint in force for every period, so a partnership's trend compares like with like
(a merged partnership's earlier quarters are its members' figures combined); the history is kept and shown
beside it, not applied to past periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from boards.access import Actor, require_admin
from boards.store import AuditEntry, PartnershipInUseError, Store, utc_now

PARTNERSHIP_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
MAX_NAME_LENGTH = 100
FOOTPRINT_COLUMNS = ["partnership_id", "name", "area_code"]


class PartnershipError(ValueError):
    """A partnership change that cannot be made as asked; nothing was changed."""


@dataclass(frozen=True)
class PartnershipChange:
    """What an edit did, in sentences for the person who made it."""

    partnership_id: str
    summary: str


def _label(members: pd.DataFrame, partnership_id: str) -> str:
    name = members.loc[members["partnership_id"] == partnership_id, "name"]
    return f"{name.iloc[0]} ({partnership_id})" if len(name) else partnership_id


def _area_names(store: Store) -> dict[str, str]:
    areas = store.table("areas")
    return dict(zip(areas["area_code"], areas["name"]))


def resolve_areas(store: Store, texts: list[str]) -> list[str]:
    """The area codes of ``texts``: each an ONS code (E06000031) or an LA name (Peterborough), any case."""
    names = _area_names(store)
    by_text = {code.casefold(): code for code in names} | {name.casefold(): code for code, name in names.items()}
    codes, unknown = [], []
    for text in (t.strip() for t in texts):
        if not text:
            continue
        code = by_text.get(text.casefold())
        (codes if code else unknown).append(code or text)
    if unknown:
        raise PartnershipError(f"No current local authority is called or coded {', '.join(map(repr, unknown))}: "
                               "use the ONS code (E06000031) or the name (Peterborough).")
    if not codes:
        raise PartnershipError("Name at least one local authority.")
    return sorted(set(codes))


def _check_name(members: pd.DataFrame, partnership_id: str, name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise PartnershipError("A partnership needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise PartnershipError(f"A partnership's name must be at most {MAX_NAME_LENGTH} characters.")
    others = members[(members["partnership_id"] != partnership_id) & (members["name"].str.casefold() == name.casefold())]
    if len(others):
        raise PartnershipError(f"{_label(members, others['partnership_id'].iloc[0])} already has the name {name!r}: "
                               "choose another, so that no two partnerships read alike.")
    return name


def _existing(members: pd.DataFrame, partnership_id: str) -> pd.DataFrame:
    rows = members[members["partnership_id"] == partnership_id]
    if rows.empty:
        raise PartnershipError(f"There is no partnership {partnership_id!r}: 'boards partnerships list' shows them.")
    return rows


def _moved_in(before: pd.DataFrame, partnership_id: str, name: str, area_codes: list[str]) -> pd.DataFrame:
    """``before`` with ``area_codes`` taken from wherever they were into ``partnership_id`` named ``name``."""
    kept = before[~before["area_code"].isin(area_codes)]
    kept = kept.assign(name=kept["name"].where(kept["partnership_id"] != partnership_id, name))
    joined = pd.DataFrame({"partnership_id": partnership_id, "name": name, "area_code": area_codes})
    return pd.concat([kept[FOOTPRINT_COLUMNS], joined], ignore_index=True)


def _describe(store: Store, before: pd.DataFrame, after: pd.DataFrame, partnership_id: str) -> str:
    """The change in sentences: what the partnership covers now, what moved from where, what ended, and
    which uploaders no longer upload for an LA."""
    names = _area_names(store)
    members = after.loc[after["partnership_id"] == partnership_id, "area_code"]
    sentences = []
    old_name = before.loc[before["partnership_id"] == partnership_id, "name"]
    new_name = after.loc[after["partnership_id"] == partnership_id, "name"]
    if len(old_name) and len(new_name) and old_name.iloc[0] != new_name.iloc[0]:
        sentences.append(f"{old_name.iloc[0]} ({partnership_id}) is renamed {new_name.iloc[0]}.")
    if len(members):
        sentences.append(f"{_label(after, partnership_id)} covers {', '.join(sorted(names[c] for c in members))}.")
    was = before.set_index("area_code")["partnership_id"]
    now = after.set_index("area_code")["partnership_id"]
    for code in sorted(now.index, key=names.get):
        if was.get(code) != now[code]:
            sentences.append(f"{names[code]} moved from {_label(before, was[code])} to {_label(after, now[code])}.")
    for gone in sorted(set(before["partnership_id"]) - set(after["partnership_id"])):
        sentences.append(f"{_label(before, gone)} ended.")
    users = store.users()
    for row in users[users["partnerships"].notna()].itertuples():
        held = row.partnerships.split(", ")
        lost = sorted(names.get(c, c) for c in before.loc[before["partnership_id"].isin(held), "area_code"]
                      if c not in set(after.loc[after["partnership_id"].isin(held), "area_code"]))
        if lost:
            sentences.append(f"{row.username} no longer uploads for {', '.join(lost)}.")
    return " ".join(sentences)


def _apply(store: Store, actor: Actor, before: pd.DataFrame, after: pd.DataFrame, partnership_id: str,
           action: str) -> PartnershipChange:
    after = after.sort_values(["partnership_id", "area_code"]).reset_index(drop=True)
    summary = _describe(store, before, after, partnership_id)
    audit = AuditEntry(occurred_at=utc_now(), actor=actor.username, action=action, target=partnership_id,
                       detail=summary)
    try:
        store.replace_partnership_footprint(before, after, at=audit.occurred_at, audit=audit)
    except PartnershipInUseError as exc:
        who = "; ".join(f"{_label(before, pid)} is what {names} upload{'s' if ', ' not in names else ''} for"
                        for pid, names in exc.usernames.items())
        raise PartnershipError(
            f"Nothing was changed: this would end a partnership someone uploads for ({who}). A change of "
            "partnerships never widens or empties what an uploader may send, so first give them what they "
            "should upload for now (Administration, Users, 'Uploads for', or 'boards users set-areas'), then "
            "repeat this change."
        ) from exc
    return PartnershipChange(partnership_id, summary)


def create_partnership(store: Store, actor: Actor, partnership_id: str, name: str,
                       areas: list[str]) -> PartnershipChange:
    """A new partnership of ``areas`` (codes or names), each moved from the partnership it was in."""
    require_admin(actor, "change partnerships")
    partnership_id = partnership_id.strip()
    if not PARTNERSHIP_ID.fullmatch(partnership_id):
        raise PartnershipError("A partnership id is one word of letters, digits, - and _ (at most 40), "
                               "such as P-CAMBS-PBORO.")
    before = store.partnership_members()
    history = store.partnership_history()
    used = history[history["partnership_id"].str.casefold() == partnership_id.casefold()]
    if len(used):
        latest = used.sort_values("valid_to", na_position="first")["name"].iloc[0]  # the name in force, if any
        raise PartnershipError(f"The id {partnership_id!r} is or was already used (for {latest}); "
                               "figures and case reviews may be filed under it, so choose another id.")
    name = _check_name(before, partnership_id, name)
    after = _moved_in(before, partnership_id, name, resolve_areas(store, areas))
    return _apply(store, actor, before, after, partnership_id, "partnership_created")


def assign_areas(store: Store, actor: Actor, partnership_id: str, areas: list[str]) -> PartnershipChange:
    """Move ``areas`` (codes or names) into the existing partnership ``partnership_id``."""
    require_admin(actor, "change partnerships")
    before = store.partnership_members()
    current = _existing(before, partnership_id)
    codes = resolve_areas(store, areas)
    if set(codes) <= set(current["area_code"]):
        raise PartnershipError(f"{_label(before, partnership_id)} already covers them: nothing to change.")
    after = _moved_in(before, partnership_id, current["name"].iloc[0], codes)
    return _apply(store, actor, before, after, partnership_id, "partnership_areas_assigned")


def rename_partnership(store: Store, actor: Actor, partnership_id: str, name: str) -> PartnershipChange:
    """The same LAs under a new name."""
    require_admin(actor, "change partnerships")
    before = store.partnership_members()
    current = _existing(before, partnership_id)
    name = _check_name(before, partnership_id, name)
    if name == current["name"].iloc[0]:
        raise PartnershipError(f"{_label(before, partnership_id)} already has that name: nothing to change.")
    after = _moved_in(before, partnership_id, name, current["area_code"].tolist())
    return _apply(store, actor, before, after, partnership_id, "partnership_renamed")


def dissolve_partnership(store: Store, actor: Actor, partnership_id: str) -> PartnershipChange:
    """Each LA of ``partnership_id`` back to a partnership of its own, id its ONS code and name its own (as
    data/partnerships.csv ships them)."""
    require_admin(actor, "change partnerships")
    before = store.partnership_members()
    current = _existing(before, partnership_id)
    codes = current["area_code"].tolist()
    if codes == [partnership_id]:
        raise PartnershipError(f"{_label(before, partnership_id)} is already a partnership of its one LA: "
                               "nothing to dissolve.")
    taken = before[before["partnership_id"].isin(codes) & (before["partnership_id"] != partnership_id)]
    if len(taken):
        raise PartnershipError(f"{_label(before, taken['partnership_id'].iloc[0])} has the id its LA would go "
                               "back to: move or dissolve that partnership first.")
    names = _area_names(store)
    after = pd.concat([
        before[before["partnership_id"] != partnership_id][FOOTPRINT_COLUMNS],
        pd.DataFrame({"partnership_id": codes, "name": [names[c] for c in codes], "area_code": codes}),
    ], ignore_index=True)
    return _apply(store, actor, before, after, partnership_id, "partnership_dissolved")


def footprint_table(store: Store) -> pd.DataFrame:
    """One row per partnership in force: partnership_id, name, member_count, members (LA names)."""
    members = store.partnership_members()
    return (members.groupby(["partnership_id", "name"], as_index=False)
            .agg(member_count=("area_code", "size"), members=("area_name", lambda s: ", ".join(sorted(s))))
            .sort_values("name", key=lambda s: s.str.casefold()).reset_index(drop=True))


def edited_history(store: Store) -> pd.DataFrame:
    """The memberships an administrator's edits began or ended (the shipped one-per-LA rows left out)."""
    history = store.partnership_history()
    return history[history["valid_from"].notna() | history["valid_to"].notna()].reset_index(drop=True)
