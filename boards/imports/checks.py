"""The checks of an upload's figures: pure functions of its entries and the upload context.

``check_figures`` takes the entries of a file (boards.imports.layouts, boards.imports.ees) through
the template's example row, area and period resolution, population denominators, statuses and
derived values, cells that are not numbers, the rules (boards.imports.validation) and repeated
figures. Nothing here reads the store or a file: what the checks need from the database comes in an
``UploadContext`` (boards.imports.context), read once before them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from boards.catalogue import UNITS, Indicator, catalogue_frame
from boards.imports.areas import AreaIndex
from boards.imports.cells import BLANK, CELL_STATUSES, INVALID, REPORTED, not_a_number_reason
from boards.imports.context import UploadContext
from boards.imports.ees import fill_population
from boards.imports.layouts import EXAMPLE_ROW_REASON, ROLES, Entries, is_example_note, same_text
from boards.imports.limits import NAMES_SHOWN, listed
from boards.imports.period_forms import PeriodFormError, read_period
from boards.imports.problems import Problem
from boards.imports.validation import broken_rules
from boards.periods import Period
from boards.store import STATUSES, repeated_keys


@dataclass(frozen=True)
class CheckedFigures:
    """Every entry of a file resolved and checked, with every problem found."""

    frame: pd.DataFrame  # the entries with area_code, scope, joint, period_id, period_end, status and value
    problems: tuple[Problem, ...]  # in the order found, each once
    periods: dict[str, Period]  # the periods the file names, by period_id


def check_figures(entries: Entries, table_problems: Sequence[Problem], line_label: str,
                  context: UploadContext) -> CheckedFigures:
    """Resolve and check ``entries``; ``table_problems`` are those found reading the file."""
    frame = entries.frame.astype({"indicator_id": "category"})
    problems = [*entries.problems, *table_problems, *example_rows(frame, line_label)]
    if entries.layout != "ees":  # a DfE file's areas were resolved with its entries
        frame = frame.assign(scope=same_text("local", len(frame)), denominator_is_population=False)
        frame, found = resolve_areas(frame, context.areas, line_label)
        problems += found
    frame, found, periods = resolve_periods(frame, context.indicators, context.today, line_label)
    problems += found
    if frame["denominator_is_population"].any():
        frame = fill_population(frame, context.population)
    catalogue = _catalogue(context.indicators)
    frame, found = statuses(frame, catalogue, context.indicators, ees=entries.layout == "ees", line_label=line_label)
    problems += found
    problems += not_numbers(frame, line_label)
    problems += rule_problems(frame, catalogue, context.indicators, counts_exact=entries.source == "local",
                              line_label=line_label)
    problems += repeated_figures(frame, context.areas, line_label)
    return CheckedFigures(frame, tuple(dict.fromkeys(problems)), periods)


def _catalogue(indicators: Mapping[str, Indicator]) -> pd.DataFrame:
    """The catalogue by indicator id, its unit a categorical (the rules compare units row by row)."""
    frame = catalogue_frame(indicators).set_index("indicator_id")
    return frame.astype({"unit": pd.CategoricalDtype(UNITS)})


def _per_entry(frame: pd.DataFrame, values: pd.Series) -> Any:
    """A catalogue column (indexed by indicator id) for every entry."""
    return values.reindex(frame["indicator_id"]).array


def _problems(rows: pd.DataFrame, column: str, value: str, reasons: Sequence[str], line_label: str) -> list[Problem]:
    """One problem per row of ``rows``, naming the cell by the entry fields ``column`` and ``value``."""
    return [
        Problem(int(line), written, text, reason, line_label)
        for line, written, text, reason in zip(rows["line"], rows[column], rows[value], reasons)
    ]


def example_rows(frame: pd.DataFrame, line_label: str) -> list[Problem]:
    """The template's example row is refused, whoever uploads it: it is not the example area's figure."""
    examples = frame[is_example_note(frame["note"])]
    return [Problem(int(line), "note", note, EXAMPLE_ROW_REASON, line_label)
            for line, note in zip(examples["line"], examples["note"])]


def resolve_areas(frame: pd.DataFrame, areas: AreaIndex, line_label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Area codes for the area cells (``area_code``, blank where the cell names no LA); a joint return's
    row is repeated for each of its LAs (``joint``), and a resolution's note goes before the row's own."""
    texts = pd.unique(frame["area_text"])
    found = {text: areas.resolve(text) for text in texts}
    failed = frame[frame["area_text"].isin([text for text, f in found.items() if f.error is not None])]
    problems = _problems(failed, "area_column", "area_text", [found[text].error for text in failed["area_text"]],
                         line_label)
    resolved = pd.DataFrame(
        [(text, code, f.note or "", f.joint) for text, f in found.items() for code in f.area_codes or ("",)],
        columns=["area_text", "area_code", "area_note", "joint"],
    ).astype({"area_code": "category"})
    expanded = frame.merge(resolved, on="area_text", how="left", sort=False)
    if (resolved["area_note"] != "").any():
        own, noted = expanded["note"].astype(str), expanded["area_note"]
        expanded["note"] = noted.where(own == "", noted + "; " + own).where(noted != "", own)
    return expanded.drop(columns="area_note"), problems


def resolve_periods(frame: pd.DataFrame, indicators: Mapping[str, Indicator], today: date,
                    line_label: str) -> tuple[pd.DataFrame, list[Problem], dict[str, Period]]:
    """``period_id`` and ``period_end`` of every entry. A text names the same period for every indicator of
    a period type, so each distinct (text, period type) is read once; only a refusal names the indicator."""
    pairs = frame.groupby(["period_text", "indicator_id"], observed=True, sort=False, dropna=False)
    pair_of_entry = pairs.ngroup().to_numpy()  # numbered as pairs.size() lists them
    read: dict[tuple[str, str], Period] = {}
    period_ids, ends, reasons = [], [], []
    for text, indicator_id in pairs.size().index:
        indicator = indicators[indicator_id]
        try:
            period = read.get((text, indicator.period_type)) or read_period(
                text, indicator.period_type, indicator.name, today
            )
        except PeriodFormError as exc:
            period_ids.append(None)
            ends.append(None)
            reasons.append(str(exc))
            continue
        read[(text, indicator.period_type)] = period
        period_ids.append(period.period_id)
        ends.append(period.end)
        reasons.append(None)
    failed = np.array([reason is not None for reason in reasons], dtype=bool)[pair_of_entry]
    problems = _problems(frame[failed], "period_column", "period_text",
                         [reasons[pair] for pair in pair_of_entry[failed]], line_label)
    periods = {period.period_id: period for period in read.values()}
    checked = frame.assign(
        period_id=pd.Categorical(period_ids, categories=sorted(periods)).take(pair_of_entry),
        period_end=np.array(ends, dtype="datetime64[D]")[pair_of_entry],
    )
    return checked, problems, periods


def statuses(frame: pd.DataFrame, catalogue: pd.DataFrame, indicators: Mapping[str, Indicator], *, ees: bool,
             line_label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The stored status and value. A blank value is derived from both counts when they are given
    (always, for a DfE file mapped without a value column); a DfE blank is stored as missing."""
    status_code = CELL_STATUSES.index
    multiplier = _per_entry(frame, catalogue["multiplier"]).to_numpy(dtype=float)
    numerator, denominator = frame["numerator"].to_numpy(), frame["denominator"].to_numpy()
    value_status = frame["value_status"].cat.codes.to_numpy()
    numerator_status = frame["numerator_status"].cat.codes.to_numpy()
    counts_status = np.where(
        numerator_status != status_code(REPORTED), numerator_status, frame["denominator_status"].cat.codes
    )
    blank = value_status == status_code(BLANK)
    computed = frame["value_computed"].to_numpy(dtype=bool) if ees else np.zeros(len(frame), dtype=bool)
    derivable = (computed | (blank & (not ees))) & (counts_status == status_code(REPORTED))
    zero = derivable & (denominator == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(derivable & ~zero, numerator / denominator * multiplier, frame["value"].to_numpy())
    status = np.where(computed, counts_status, value_status)
    status = np.where(zero, status_code("z"), np.where(derivable, status_code(REPORTED), status))
    problems = []
    if ees:
        # DfE leaves a cell blank where the figure was never collected.
        status = np.where(status == status_code(BLANK), status_code("missing"), status)
    else:
        missing = frame[blank & ~derivable]
        reasons = [
            f'no value for "{indicators[i].name}": write the figure (or the numerator and denominator it '
            "comes from), or a symbol such as x (not available)"
            for i in missing["indicator_id"]
        ]
        problems = _problems(missing, "value_column", "value_text", reasons, line_label)
    reported = status == status_code(REPORTED)
    checked = frame.assign(
        status=pd.Categorical.from_codes(status.astype(np.int8), categories=CELL_STATUSES),
        value=np.where(reported, value, np.nan),
        value_derived=derivable,
        multiplier=multiplier,
    )
    return checked, problems


def not_numbers(frame: pd.DataFrame, line_label: str) -> list[Problem]:
    """A value or count cell that is neither a number nor a symbol."""
    problems = []
    for role in ROLES:
        invalid = frame[frame[f"{role}_status"] == INVALID]
        reasons = [not_a_number_reason(text) for text in invalid[f"{role}_text"]]
        problems += _problems(invalid, f"{role}_column", f"{role}_text", reasons, line_label)
    return problems


def rule_problems(frame: pd.DataFrame, catalogue: pd.DataFrame, indicators: Mapping[str, Indicator], *,
                  counts_exact: bool, line_label: str) -> list[Problem]:
    """Every rule of boards.imports.validation an entry breaks, each naming its cell."""
    status = frame["status"]
    figures = pd.DataFrame(
        {
            # Cells that are blank or not a number have their problem already; their row is rejected.
            "status": status.where(status.isin(STATUSES), "missing"),
            "value": frame["value"],
            "numerator": frame["numerator"].where(frame["numerator_status"] == REPORTED),
            "denominator": frame["denominator"].where(frame["denominator_status"] == REPORTED),
            "value_derived": frame["value_derived"],
            "multiplier": frame["multiplier"],
            "value_half": frame["value_half"],
            "numerator_half": frame["numerator_half"],
            "denominator_half": frame["denominator_half"],
            "value_percent_sign": frame["value_percent_sign"].astype(bool),
            "counts_exact": counts_exact,
            "unit": _per_entry(frame, catalogue["unit"]),
            "min_value": _per_entry(frame, catalogue["min_value"]),
            "max_value": _per_entry(frame, catalogue["max_value"]),
        },
        index=frame.index,
    )
    broken = broken_rules(figures)
    if not broken:
        return []
    rows = [row for row, _ in broken]
    context = frame.iloc[rows].reset_index(drop=True)
    details = figures.iloc[rows].reset_index(drop=True).assign(
        name=[indicators[i].name for i in context["indicator_id"]],
        value_text=context["value_text"], numerator_text=context["numerator_text"],
        denominator_text=context["denominator_text"],
    )
    return [
        Problem(int(entry["line"]), entry[f"{rule.column}_column"], entry[f"{rule.column}_text"],
                rule.reason(detail), line_label)
        for (_, rule), entry, detail in zip(broken, context.to_dict("records"), details.to_dict("records"))
    ]


def repeated_figures(frame: pd.DataFrame, areas: AreaIndex, line_label: str) -> list[Problem]:
    """Two figures for one area, indicator and period: both are refused, an exact copy only once."""
    resolved = frame[frame["period_id"].notna() & (frame["area_code"] != "")]
    key = ["scope", "area_code", "indicator_id", "period_id"]
    clashing = resolved[repeated_keys(resolved, key)]
    same = ["value_text", "numerator_text", "denominator_text", "note"]
    problems = []
    for _, group in clashing.groupby(key, sort=False, observed=True):
        first = group.iloc[0]
        what = f"{areas.label(first['area_code'])}, {first['indicator_id']}, {first['period_id']}"
        lines = sorted(set(group["line"]))
        if len(lines) == 1:
            problems.append(Problem(int(lines[0]), None, None, f"this row gives {what} twice", line_label))
        elif len(group.drop_duplicates(same)) == 1:
            problems += [
                Problem(int(line), None, None, f"this row repeats line {lines[0]} ({what}); delete one of them",
                        line_label)
                for line in lines[1:]
            ]
        else:
            both = "both" if len(lines) == 2 else "all"
            if len(lines) > NAMES_SHOWN:
                which = listed(lines, str)
            else:
                which = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
            reason = f"lines {which} {both} give a figure for {what}: keep the right one"
            problems += [Problem(int(line), None, None, reason, line_label) for line in lines]
    return problems
