"""The case review register as an upload: reviews and recommendations, read and validated.

A register file is recognised by its header (boards.imports.pipeline):

- **reviews** (``partnership, review_id, kind, incident_known_date, notification_date,
  rapid_review_date, decision_date, published_date, themes``): one row per review;
- **recommendations** (``partnership, review_id, recommendation_id, owner_agency, due_date,
  status, completed_date, themes, impact_check, impact_checked_date, impact_result``): one row per
  recommendation; ``partnership`` may be left out when the review id is unique; ``themes`` (the
  themes the recommendation addresses) and the impact evidence of a completed one may be left out
  (registers written before them still load).

Each is a CSV file or a sheet; an Excel workbook with sheets named ``reviews`` and
``recommendations`` is read whole as one upload, so that both parts are checked against each
other and replaced together. Each part is a complete list for every partnership it names: it
replaces that partnership's part of the register (a recommendations file checks its review ids
against the register already loaded). Every problem is reported with its line (or row), column,
value and reason; a register with any problem is refused whole (a partial list would delete
the rows left out).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pandera.pandas as pa

from boards.imports.areas import AreaIndex
from boards.imports.cells import not_a_date_reason, parse_dates
from boards.imports.layouts import EXAMPLE_NOTE, header_names, is_example_note, with_guess
from boards.imports.limits import listed, shown_name
from boards.imports.problems import Problem, UnusableFile
from boards.imports.reading import Table
from boards.imports.validation import Rule, rule_failures
from boards.reference import normalise_area_key
from boards.reviews.register import (
    AGENCIES,
    AGENCY_SYNONYMS,
    DATE_COLUMNS,
    IMPACT_CHECK_SYNONYMS,
    IMPACT_CHECKS,
    IMPACT_RESULT_SYNONYMS,
    IMPACT_RESULTS,
    KIND_SYNONYMS,
    KINDS,
    RECOMMENDATION_DATES,
    RECOMMENDATION_FIELDS,
    REVIEW_FIELDS,
    STATUS_SYNONYMS,
    STATUSES,
    THEME_FIELDS,
    Register,
    reviewed_on,
)
from boards.reviews.themes import resolve_theme, theme_key
from boards.store import Store

REVIEWS, RECOMMENDATIONS = "reviews", "recommendations"
PARTS = (REVIEWS, RECOMMENDATIONS)
REVIEW_COLUMNS = ("partnership", "review_id", "kind", *DATE_COLUMNS, "themes")
REVIEW_REQUIRED = ("partnership", "review_id", "kind")
RECOMMENDATION_COLUMNS = ("partnership", "review_id", "recommendation_id", "owner_agency", "due_date", "status",
                          "completed_date", "themes", "impact_check", "impact_checked_date", "impact_result")
RECOMMENDATION_REQUIRED = ("review_id", "recommendation_id", "owner_agency", "due_date", "status")
COLUMNS = {REVIEWS: REVIEW_COLUMNS, RECOMMENDATIONS: RECOMMENDATION_COLUMNS}
REQUIRED = {REVIEWS: REVIEW_REQUIRED, RECOMMENDATIONS: RECOMMENDATION_REQUIRED}
HEADER_SYNONYMS = {
    "partnership_id": "partnership", "partnership_name": "partnership", "review": "review_id",
    "review_kind": "kind", "type": "kind", "theme": "themes", "recommendation": "recommendation_id",
    "owner": "owner_agency", "agency": "owner_agency", "due": "due_date", "completed": "completed_date",
    "date_published": "published_date", "date_known": "incident_known_date",
}
THEME_SEPARATORS = re.compile(r"[;|,]")


def register_part(names: list[str]) -> str | None:
    """Which part of the register a (normalised) header is, if any."""
    names = {HEADER_SYNONYMS.get(name, name) for name in names}
    if "recommendation_id" in names:
        return RECOMMENDATIONS
    if {"review_id", "kind"} <= names:
        return REVIEWS
    return None


def _key(text: str) -> str:
    return theme_key(text).replace("'", "")


@dataclass(frozen=True)
class PartnershipIndex:
    """Partnership cells to partnership ids: the id, the name, or the code or name of a member LA."""

    keys: dict[str, str]
    names: dict[str, str]
    members: dict[str, tuple[str, ...]]
    areas: AreaIndex

    @classmethod
    def from_store(cls, store: Store) -> PartnershipIndex:
        return cls.of(store.table("partnerships"), AreaIndex.from_store(store))

    @classmethod
    def of(cls, table: pd.DataFrame, areas: AreaIndex) -> PartnershipIndex:
        """The index of the table ``partnerships`` (partnership_id, name, area_code: one row per member)."""
        names = dict(zip(table["partnership_id"], table["name"]))
        keys = {normalise_area_key(pid): pid for pid in names} | {normalise_area_key(n): p for p, n in names.items()}
        members = {pid: tuple(group["area_code"]) for pid, group in table.groupby("partnership_id")}
        return cls(keys, names, members, areas)

    def resolve(self, text: str) -> tuple[str | None, str | None]:
        if not text:
            return None, "the partnership is blank: give its id (data/partnerships.csv) or name"
        found = self.keys.get(normalise_area_key(text))
        if found:
            return found, None
        area = self.areas.resolve(text)
        if area.error is None and len(area.area_codes) == 1:
            return next(pid for pid, codes in self.members.items() if area.area_codes[0] in codes), None
        reason = (f'"{text}" is not a partnership we know: give its id from data/partnerships.csv, its name, '
                  "or the code or name of one of its local authorities")
        guess = difflib.get_close_matches(normalise_area_key(text), list(self.keys), n=1, cutoff=0.8)
        if guess:
            reason += f'. Did you mean "{self.names[self.keys[guess[0]]]}"?'
        return None, reason

    def label(self, partnership_id: str) -> str:
        return f"{self.names.get(partnership_id, partnership_id)} ({partnership_id})"


@dataclass
class RegisterCheck:
    """A register upload read and validated: its valid rows, and every problem."""

    register: Register  # the rows of the file (valid ones), REVIEW_FIELDS / THEME_FIELDS / RECOMMENDATION_FIELDS
    parts: dict[str, tuple[str, ...]]  # part -> the partnerships whose part the upload replaces
    rows_read: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def partnership_ids(self) -> tuple[str, ...]:
        return tuple(sorted({pid for ids in self.parts.values() for pid in ids}))

    @property
    def rejected_rows(self) -> int:
        return len({(p.line_label, p.line) for p in self.problems if p.line is not None})

    def merged_with(self, current: Register) -> Register:
        """The register after this upload: its parts replace the current ones of its partnerships."""
        frames = []
        for part, current_frames, new_frames in (
            (REVIEWS, (current.reviews, current.themes), (self.register.reviews, self.register.themes)),
            (RECOMMENDATIONS, (current.recommendations,), (self.register.recommendations,)),
        ):
            replaced = set(self.parts.get(part, ()))
            for old, new in zip(current_frames, new_frames):
                kept = old[~old["partnership_id"].isin(replaced)]
                frames.append(pd.concat([kept, new], ignore_index=True) if len(kept) else new)
        reviews, themes, recommendations = frames
        return Register.of(reviews[list(REVIEW_FIELDS)], themes[list(THEME_FIELDS)],
                           recommendations[list(RECOMMENDATION_FIELDS)])

    def store_tables(self) -> dict[str, pd.DataFrame]:
        """The snapshot as the store keeps it (boards/migrations/004_case_reviews.sql)."""
        snapshots = pd.DataFrame(
            [(pid, part) for part, ids in self.parts.items() for pid in ids], columns=["partnership_id", "part"]
        )
        tables = {"register_snapshots": snapshots}
        if REVIEWS in self.parts:
            tables["case_reviews"] = _dates_as_days(self.register.reviews[list(REVIEW_FIELDS)], DATE_COLUMNS)
            tables["case_review_themes"] = self.register.themes[list(THEME_FIELDS)]
        if RECOMMENDATIONS in self.parts:
            tables["review_recommendations"] = _dates_as_days(
                self.register.recommendations[list(RECOMMENDATION_FIELDS)], RECOMMENDATION_DATES)
        return tables


def _dates_as_days(frame: pd.DataFrame, columns) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.date.astype(object).where(frame[column].notna(), None)
    return frame


EXAMPLE_ROW_REASON = (
    f'this is the register template\'s example row (its review id starts "{EXAMPLE_NOTE}"), not a review of yours: '
    "delete the row and write your own"
)


class _Part:
    """One part's cells by normalised column name, with lines and a way to report problems."""

    def __init__(self, part: str, table: Table, sheet: str | None) -> None:
        names = [HEADER_SYNONYMS.get(name, name) for name in header_names(table)]
        allowed, required = COLUMNS[part], REQUIRED[part]
        missing = [name for name in required if name not in names]
        unknown = [name for name in names if name not in allowed]
        where = f"the sheet {shown_name(sheet)}" if sheet else "the header"
        if missing or unknown:
            hints = listed(unknown, lambda name: with_guess(name, list(allowed)))
            found = (f"{where} has no {', '.join(repr(n) for n in missing)} column" if missing else
                     f"{where} has column(s) {hints} that a register file does not have")
            raise UnusableFile(
                f"This looks like the {part} of a case review register, but {found}. Its columns are "
                f"{', '.join(allowed)} ({', '.join(n for n in allowed if n not in required)} may be left out); "
                "the register template shows them."
            )
        self.part = part
        self.written = dict(zip(names, table.header))
        # Plain text, not categories: a register's cells become its stored rows, and it holds hundreds.
        self.cells = table.cells.set_axis(names, axis=1).astype("str").reindex(columns=list(allowed), fill_value="")
        self.lines = table.lines
        self.line_label = f'Sheet "{sheet}", row' if sheet else table.line_label
        self.problems: list[Problem] = [
            Problem(p.line, p.column, p.value, p.reason, self.line_label) for p in table.problems
        ]
        # The template's example rows are refused whoever uploads them: a register replaces the partnership's own.
        self.add(is_example_note(self.cells["review_id"]), "review_id", EXAMPLE_ROW_REASON)

    def column(self, name: str) -> str:
        return self.written.get(name, name)

    def add(self, rows: np.ndarray, name: str, reasons) -> None:
        """A problem in column ``name`` of each row (positions in ``cells``) marked in ``rows``."""
        positions = np.flatnonzero(rows)
        if isinstance(reasons, str):
            reasons = [reasons] * len(positions)
        for position, reason in zip(positions, reasons):
            self.problems.append(Problem(int(self.lines[position]), self.column(name),
                                         self.cells[name].iloc[position] or None, reason, self.line_label))

    def resolved(self, name: str, resolve: Callable[[str], tuple[str | None, str | None]]) -> pd.Series:
        """Each cell of ``name`` through ``resolve`` (once per distinct text); failures become problems."""
        codes, texts = pd.factorize(self.cells[name])
        results = [resolve(text) for text in texts]
        failed = np.array([error is not None for _, error in results], dtype=bool)[codes]
        self.add(failed, name, [results[c][1] for c in codes[failed]])
        return pd.Series([results[c][0] for c in codes], index=self.cells.index, dtype=object)

    def dates(self, name: str) -> pd.Series:
        dates, invalid = parse_dates(self.cells[name])
        self.add(invalid, name, [not_a_date_reason(t) for t in self.cells[name][invalid]])
        return dates

    def rejected(self) -> np.ndarray:
        lines = {p.line for p in self.problems}
        return np.isin(self.lines, list(lines))


def _from_choices(choices: dict[str, str], synonyms: dict[str, str], what: str) -> Callable:
    keys = {_key(k): k for k in choices} | {_key(v): k for k, v in choices.items()} | {
        _key(k): v for k, v in synonyms.items()}
    listed = "; ".join(choices.values())

    def resolve(text: str) -> tuple[str | None, str | None]:
        if not text:
            return None, f"the {what} is blank: give one of: {listed}"
        found = keys.get(_key(text))
        return (found, None) if found else (None, f'"{text}" is not a {what}: give one of: {listed}')

    return resolve


def _rule(name: str, column: str, passes, reason) -> Rule:
    return Rule(name, column, passes, reason)


def _after(later: str, earlier: str, what: str) -> Rule:
    return _rule(
        f"{later}_not_before_{earlier}", later,
        lambda f: ~(f[later] < f[earlier]),
        lambda r: f"{r[later]:%d %b %Y} is before the {what} ({r[earlier]:%d %b %Y}): the dates are in the wrong order",
    )


def _required_for(column: str, kinds: tuple[str, ...], what: str) -> Rule:
    return _rule(
        f"{column}_required", column,
        lambda f: ~(f["kind"].isin(kinds) & f[column].isna()),
        lambda r: f"a {KINDS[r['kind']].lower()} needs the {what}",
    )


def _not_for(column: str, kinds: tuple[str, ...], reason: str) -> Rule:
    return _rule(f"{column}_not_for_kind", column, lambda f: ~(f["kind"].isin(kinds) & f[column].notna()),
                 lambda r: reason)


def _not_after_today(column: str) -> Rule:
    return _rule(f"{column}_not_in_future", column, lambda f: ~(f[column] > f["today"]),
                 lambda r: f"{r[column]:%d %b %Y} is in the future")


# Local safeguarding children boards, the first bodies whose reviews the register carries, began on
# 1 April 2006 (Children Act 2004, section 13); an earlier date is a mistyped year.
EARLIEST_DATE = pd.Timestamp("2006-04-01")


def _not_before_boards(column: str) -> Rule:
    return _rule(f"{column}_not_before_2006", column, lambda f: ~(f[column] < EARLIEST_DATE),
                 lambda r: f"{r[column]:%d %b %Y} is before 1 April 2006, when local safeguarding children boards "
                           "began: check the year")


REVIEW_RULES: tuple[Rule, ...] = (
    _required_for("incident_known_date", ("rapid_review", "lcspr"), "date the incident became known"),
    _required_for("notification_date", ("rapid_review", "lcspr"), "date of the serious incident notification"),
    # A practice review follows a rapid review, whose date starts its 6 months to publication; a serious
    # case review is dated by its publication alone.
    _required_for("rapid_review_date", ("lcspr",), "date of the rapid review that led to it"),
    _required_for("published_date", ("legacy_scr",), "date it was published"),
    _not_for("published_date", ("rapid_review",),
             "a rapid review is not published; if it led to a practice review, its kind is lcspr"),
    _not_for("decision_date", ("rapid_review",),
             "only a practice review has a decision to hold it; if it led to one, its kind is lcspr"),
    _not_for("rapid_review_date", ("legacy_scr",),
             "a serious case review from before 2018 had no rapid review; if it had one, its kind is lcspr"),
    *(_not_after_today(column) for column in DATE_COLUMNS),
    *(_not_before_boards(column) for column in DATE_COLUMNS),
    _after("notification_date", "incident_known_date", "date the incident became known"),
    _after("rapid_review_date", "notification_date", "serious incident notification"),
    _after("decision_date", "notification_date", "serious incident notification"),
    _after("published_date", "decision_date", "decision to hold the review"),
    _after("published_date", "rapid_review_date", "rapid review"),
)
RECOMMENDATION_RULES: tuple[Rule, ...] = (
    _rule("completed_needs_date", "completed_date",
          lambda f: ~((f["status"] == "completed") & f["completed_date"].isna()),
          lambda r: "the status is completed: give the date it was completed"),
    _rule("date_needs_completed", "status",
          lambda f: ~((f["status"] != "completed") & f["completed_date"].notna()),
          lambda r: f"a completed date is given but the status is \"{STATUSES[r['status']].lower()}\": "
                    "make it completed, or clear the date"),
    _not_after_today("completed_date"),
    _not_before_boards("due_date"),
    _not_before_boards("completed_date"),
    _rule("review_has_a_date", "review_id", lambda f: ~f["reviewed_on"].isna(),
          lambda r: f"review {r['review_id']} has no rapid review or publication date yet, so it has no "
                    "recommendations: give that date in the register first"),
    _after("due_date", "reviewed_on", "review it comes from"),
    _after("completed_date", "reviewed_on", "review it comes from"),
    # Evidence of impact: how, when and with what result a completed recommendation's impact was checked.
    _rule("impact_check_needs_completed", "impact_check",
          lambda f: ~(f["impact_check"].notna() & (f["impact_check"] != "none") & (f["status"] != "completed")),
          lambda r: "the impact of a recommendation is checked once it is completed: make the status completed, or "
                    "clear the impact check"),
    _rule("impact_check_needs_date", "impact_checked_date",
          lambda f: ~(f["impact_check"].notna() & (f["impact_check"] != "none") & f["impact_checked_date"].isna()),
          lambda r: f"the impact was checked by {IMPACT_CHECKS[r['impact_check']].lower()}: give the date it was "
                    "checked"),
    _rule("impact_check_needs_result", "impact_result",
          lambda f: ~(f["impact_check"].notna() & (f["impact_check"] != "none") & f["impact_result"].isna()),
          lambda r: "the impact was checked: give the result, one of: " + "; ".join(IMPACT_RESULTS.values())),
    _rule("impact_evidence_needs_check", "impact_check",
          lambda f: ~((f["impact_checked_date"].notna() | f["impact_result"].notna())
                      & (f["impact_check"].isna() | (f["impact_check"] == "none"))),
          lambda r: "a date or result of an impact check is given: say how the impact was checked, one of: "
                    + "; ".join(v for k, v in IMPACT_CHECKS.items() if k != "none")),
    _not_after_today("impact_checked_date"),
    _after("impact_checked_date", "completed_date", "date the recommendation was completed"),
)


def _schema(rules: tuple[Rule, ...]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(checks=[pa.Check(rule.passes, name=rule.name) for rule in rules])


REVIEW_SCHEMA, RECOMMENDATION_SCHEMA = _schema(REVIEW_RULES), _schema(RECOMMENDATION_RULES)


def _apply_rules(part: _Part, checked: pd.DataFrame, schema: pa.DataFrameSchema, rules: tuple[Rule, ...]) -> None:
    """Problems for every rule broken by a row of ``checked`` (indexed by position in the part)."""
    considered = checked[~part.rejected()[checked.index]]
    for position, rule in rule_failures(schema, rules, considered):
        row = considered.loc[position]
        part.problems.append(Problem(int(part.lines[position]), part.column(rule.column),
                                     part.cells[rule.column].iloc[position] or None, rule.reason(row),
                                     part.line_label))


def check_register(
    tables: dict[str, tuple[Table, str | None]], *, current: Register, partnerships: PartnershipIndex, today: date
) -> RegisterCheck:
    """Validate the parts of an upload (part -> (table, sheet name or None)) against each other, the
    taxonomy, the reference data and the register already loaded (``current``)."""
    parts = {part: _Part(part, table, sheet) for part, (table, sheet) in tables.items()}
    now = pd.Timestamp(today)
    reviews, themes = _reviews(parts[REVIEWS], partnerships, now) if REVIEWS in parts else (None, None)
    replaced = {REVIEWS: tuple(sorted(set(reviews["partnership_id"]))) if reviews is not None else ()}
    known = current.reviews[~current.reviews["partnership_id"].isin(replaced[REVIEWS])][list(REVIEW_FIELDS)]
    if reviews is not None:
        known = pd.concat([known, reviews[list(REVIEW_FIELDS)]], ignore_index=True)
    recommendations = None
    if RECOMMENDATIONS in parts:
        recommendations = _recommendations(parts[RECOMMENDATIONS], partnerships, known, now)
        replaced[RECOMMENDATIONS] = tuple(sorted(set(recommendations["partnership_id"])))
    if reviews is not None:
        _orphans(parts[REVIEWS], reviews, current, replaced)
    problems = [problem for part in parts.values() for problem in part.problems]
    empty = Register.of(pd.DataFrame(columns=list(REVIEW_FIELDS)), pd.DataFrame(columns=list(THEME_FIELDS)),
                        pd.DataFrame(columns=list(RECOMMENDATION_FIELDS)))
    register = Register.of(
        reviews[list(REVIEW_FIELDS)] if reviews is not None else empty.reviews[list(REVIEW_FIELDS)],
        themes if themes is not None else empty.themes,
        recommendations[list(RECOMMENDATION_FIELDS)] if recommendations is not None else empty.recommendations,
    )
    return RegisterCheck(
        register=register,
        parts={part: ids for part, ids in replaced.items() if part in parts},
        rows_read=sum(len(part.cells) + len(tables[name][0].problems) for name, part in parts.items()),
        problems=problems,
    )


def _reviews(part: _Part, partnerships: PartnershipIndex, today: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    cells = part.cells
    frame = pd.DataFrame({
        "partnership_id": part.resolved("partnership", partnerships.resolve),
        "review_id": cells["review_id"],
        "kind": part.resolved("kind", _from_choices(KINDS, KIND_SYNONYMS, "kind of review")),
    })
    part.add((cells["review_id"] == "").to_numpy(), "review_id", "the review id is blank: give the partnership's "
             "own reference for the review")
    for column in DATE_COLUMNS:
        frame[column] = part.dates(column)
    theme_rows = _theme_cells(part)
    _apply_rules(part, frame.assign(today=today), REVIEW_SCHEMA, REVIEW_RULES)
    _duplicates(part, frame, ["partnership_id", "review_id"], "review", partnerships)
    valid = ~part.rejected()
    themes = pd.DataFrame(theme_rows, columns=["position", "theme_id"])
    themes = themes[valid[themes["position"].to_numpy(dtype=int)]] if len(themes) else themes
    themes = frame.loc[themes["position"], ["partnership_id", "review_id"]].reset_index(drop=True).assign(
        theme_id=themes["theme_id"].to_numpy())
    return frame[valid].reset_index(drop=True), themes.drop_duplicates(ignore_index=True)


def _theme_cells(part: _Part) -> list[tuple[int, str]]:
    """(position, theme id) for every theme named in the ``themes`` column; unknown themes become problems."""
    theme_rows = []
    for position, text in enumerate(part.cells["themes"]):
        for piece in dict.fromkeys(p.strip() for p in THEME_SEPARATORS.split(text) if p.strip()):
            theme_id, reason = resolve_theme(piece)
            if reason:
                part.problems.append(Problem(int(part.lines[position]), part.column("themes"), piece, reason,
                                             part.line_label))
            else:
                theme_rows.append((position, theme_id))
    return theme_rows


def _addressed_themes(part: _Part) -> pd.Series:
    """Each recommendation's themes as ids separated by ';' (None when it names none)."""
    addressed: dict[int, list[str]] = {}
    for position, theme_id in _theme_cells(part):
        addressed.setdefault(position, []).append(theme_id)
    return pd.Series([";".join(addressed[p]) if p in addressed else None for p in range(len(part.cells))],
                     index=part.cells.index, dtype=object)


def _optional_choice(part: _Part, name: str, choices: dict[str, str], synonyms: dict[str, str],
                     what: str) -> pd.Series:
    """A column that may be blank (None), else one of ``choices``."""
    resolve = _from_choices(choices, synonyms, what)
    return part.resolved(name, lambda text: resolve(text) if text else (None, None))


def _recommendations(part: _Part, partnerships: PartnershipIndex, known: pd.DataFrame,
                     today: pd.Timestamp) -> pd.DataFrame:
    cells = part.cells
    # A blank partnership is found from the review id, when one partnership has a review of that id.
    given = part.resolved("partnership", lambda text: partnerships.resolve(text) if text else (None, None))
    known = known.assign(key=_id_key(known["review_id"]))
    owners = known.groupby("key")["partnership_id"].agg(lambda ids: tuple(sorted(set(ids))))
    spelled = dict(zip(zip(known["partnership_id"], known["key"]), known["review_id"]))
    partnership = given.copy()
    examples = is_example_note(cells["review_id"])
    for position, (review_id, text, pid) in enumerate(zip(cells["review_id"], cells["partnership"], given)):
        if not review_id or (text and pid is None) or examples[position]:
            continue  # blank review id, a partnership or an example row already refused
        candidates = owners.get(review_id.casefold(), ())
        row = np.arange(len(cells)) == position
        if pid is None and len(candidates) == 1:
            partnership.iloc[position] = candidates[0]
        elif pid is None and len(candidates) > 1:
            listed = " and ".join(partnerships.label(c) for c in candidates)
            part.add(row, "partnership", f"review {review_id} is in the register of {listed}: give the partnership")
        elif pid not in candidates:
            where = f"of {partnerships.label(pid)}" if pid else "of any partnership"
            part.add(row, "review_id", f'"{review_id}" is not a review in the register {where}: a recommendation '
                                       "must come from a review in the register (upload the register first, or both "
                                       "as one workbook)")
    part.add((cells["review_id"] == "").to_numpy(), "review_id", "the review id is blank: give the id of the "
             "review in the register that the recommendation comes from")
    frame = pd.DataFrame({
        "partnership_id": partnership,
        # As the register spells it, so "lcspr-1" here finds the review "LCSPR-1".
        "review_id": [spelled.get((pid, rid.casefold()), rid) for pid, rid in zip(partnership, cells["review_id"])],
        "recommendation_id": cells["recommendation_id"],
        "owner_agency": part.resolved("owner_agency", _from_choices(AGENCIES, AGENCY_SYNONYMS, "owner agency")),
        "due_date": part.dates("due_date"),
        "status": part.resolved("status", _from_choices(STATUSES, STATUS_SYNONYMS, "status")),
        "completed_date": part.dates("completed_date"),
        "themes": _addressed_themes(part),
        "impact_check": _optional_choice(part, "impact_check", IMPACT_CHECKS, IMPACT_CHECK_SYNONYMS,
                                         "way of checking impact"),
        "impact_checked_date": part.dates("impact_checked_date"),
        "impact_result": _optional_choice(part, "impact_result", IMPACT_RESULTS, IMPACT_RESULT_SYNONYMS,
                                          "result of an impact check"),
    })
    part.add((cells["recommendation_id"] == "").to_numpy(), "recommendation_id",
             "the recommendation id is blank: give the review's own number for it, such as 1 or R3")
    part.add((cells["due_date"] == "").to_numpy(), "due_date", "the due date is blank: give the date agreed for it")
    dated = known.assign(reviewed_on=reviewed_on(known))[["partnership_id", "review_id", "reviewed_on"]]
    checked = frame.reset_index(names="position").merge(dated, on=["partnership_id", "review_id"], how="left")
    checked = checked.set_index("position").reindex(frame.index)
    _apply_rules(part, checked.assign(today=today), RECOMMENDATION_SCHEMA, RECOMMENDATION_RULES)
    _duplicates(part, frame, ["partnership_id", "review_id", "recommendation_id"], "recommendation", partnerships)
    return frame[~part.rejected()].reset_index(drop=True)


def _id_key(ids: pd.Series) -> pd.Series:
    """Ids as a person compares them: "LCSPR-1" and "lcspr-1" are one review, "R3" and "r3" one recommendation."""
    return ids.astype(str).str.casefold()


def _duplicates(part: _Part, frame: pd.DataFrame, key: list[str], what: str, partnerships: PartnershipIndex) -> None:
    usable = frame[key].notna().all(axis=1) & (frame[key] != "").all(axis=1)
    keys = frame[key].assign(**{column: _id_key(frame[column]) for column in key[1:]})
    clashing = frame[usable & keys.duplicated(key, keep=False)]
    for _, group in clashing.groupby(keys.loc[clashing.index, key].apply(tuple, axis=1), sort=False):
        lines = [int(part.lines[p]) for p in group.index]
        first = group.iloc[0]
        named = " ".join(str(first[k]) for k in key[1:])
        for position in group.index[1:]:
            part.problems.append(Problem(
                int(part.lines[position]), part.column(key[-1]), str(first[key[-1]]),
                f"{what} {named} of {partnerships.label(first['partnership_id'])} is already on "
                f"{part.line_label.split(',')[-1].strip().lower()} {lines[0]}: each {what} once", part.line_label))


def _orphans(part: _Part, reviews: pd.DataFrame, current: Register, replaced: dict[str, tuple[str, ...]]) -> None:
    """A new register must keep every review that loaded recommendations (not being replaced) come from."""
    kept = current.recommendations[current.recommendations["partnership_id"].isin(replaced[REVIEWS])
                                   & ~current.recommendations["partnership_id"].isin(replaced.get(RECOMMENDATIONS, ()))]
    present = set(zip(reviews["partnership_id"], reviews["review_id"]))
    respelled = dict(zip(zip(reviews["partnership_id"], _id_key(reviews["review_id"])), reviews["review_id"]))
    absent = np.array([pair not in present for pair in zip(kept["partnership_id"], kept["review_id"])], dtype=bool)
    missing = kept[absent]
    for (pid, review_id), group in missing.groupby(["partnership_id", "review_id"]):
        if (now_spelled := respelled.get((pid, review_id.casefold()))) is not None:
            reason = (f"review {review_id} of {pid} is spelled {now_spelled} in this register, but {len(group)} "
                      f"recommendation(s) are loaded under {review_id}: spell the id as before, or upload the "
                      "recommendations together with the register")
        else:
            reason = (f"review {review_id} of {pid} is not in this register, but {len(group)} recommendation(s) from "
                      "it are loaded: keep the review, or upload the recommendations without it together with the "
                      "register")
        part.problems.append(Problem(None, part.column("review_id"), review_id, reason, part.line_label))
