"""The rules every figure must meet, as a pandera schema read from the catalogue.

Each rule is a named, vectorised check over the figures joined to their indicator's catalogue
row (unit, multiplier, valid range); a failing row gets the rule's sentence, which names the
figure, the limit and the indicator, so the person who typed it can fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from boards.store import STATUSES

UNIT_PHRASES = {
    "percent": "a percentage",
    "per_10k": "a rate per 10,000 children",
    "count": "a count",
    "ratio": "a ratio",
    "months": "a number of months",
    "grade": "a grade from 1 to 4",
}
# Floating-point noise in arithmetic on figures that were exact as written.
_NOISE = 1e-9


def number_text(number: float) -> str:
    """A number as a person writes it: 1,000 and 85.2, no trailing zeros."""
    return f"{number:,.6f}".rstrip("0").rstrip(".")


def _reported(f: pd.DataFrame) -> pd.Series:
    return f["status"] == "reported"


def _expected_value(f: pd.DataFrame) -> pd.Series:
    return f["numerator"] / f["denominator"] * f["multiplier"]


def _allowed_difference(f: pd.DataFrame) -> pd.Series:
    """How far a value may be from numerator / denominator x multiplier and still be right.

    A figure written with k decimals stands for anything within half a unit of its last digit
    (85.2 for 85.15 to 85.25). A count written as a whole number is exact; one written with
    decimals (an FTE, 12.3) is rounded like any figure. The value's own rounding plus the counts'
    rounding carried through the division (first order: dn/d + n*dd/d^2) is the most a correctly
    rounded figure can be off, so a correct value is never refused and a wrong one is not let by.
    """
    numerator_half = f["numerator_half"].where(f["numerator_half"] < 0.5, 0.0)
    denominator_half = f["denominator_half"].where(f["denominator_half"] < 0.5, 0.0)
    carried = f["multiplier"] * (
        numerator_half / f["denominator"] + f["numerator"] * denominator_half / f["denominator"] ** 2
    )
    return f["value_half"] + carried + _NOISE * np.maximum(1.0, f["value"].abs())


def _consistency_checked(f: pd.DataFrame) -> pd.Series:
    # Only figures whose counts are exact as written: DfE publishes counts rounded to the nearest
    # 10 and has changed its formulas over the years, so its own percentage is the authority.
    return (
        _reported(f) & f["counts_exact"] & ~f["value_derived"] & f["numerator"].notna()
        & f["denominator"].notna() & (f["denominator"] > 0) & _within_denominator(f)
    )


def _within_denominator(f: pd.DataFrame) -> pd.Series:
    return ~((f["unit"] == "percent") & (f["numerator"] > f["denominator"] + _NOISE) & (f["denominator"] > 0))


@dataclass(frozen=True)
class Rule:
    name: str
    column: str  # the role whose cell is at fault: value, numerator or denominator
    passes: Callable[[pd.DataFrame], pd.Series]
    reason: Callable[[pd.Series], str]


def _consistency_reason(row: pd.Series) -> str:
    expected = row["numerator"] / row["denominator"] * row["multiplier"]
    shown = f"{number_text(round(expected, 2))}{'%' if row['unit'] == 'percent' else ''}"
    reason = (
        f"{row['value_text']} does not match numerator / denominator ({number_text(row['numerator'])} / "
        f"{number_text(row['denominator'])} = {shown}) for \"{row['name']}\""
    )
    if row["unit"] == "percent" and abs(row["value"] * 100 - expected) <= row["value_half"] * 100 + 0.05:
        reason += "; a cell formatted as a percentage in Excel stores 0.852 for 85.2%: type the percentage itself"
    return reason


RULES: tuple[Rule, ...] = (
    Rule(
        "value_at_least_minimum", "value",
        lambda f: ~(_reported(f) & (f["value"] < f["min_value"] - _NOISE)),
        lambda r: f"{r['value_text']} is below the minimum of {number_text(r['min_value'])} for "
                  f"\"{r['name']}\" ({UNIT_PHRASES[r['unit']]})",
    ),
    Rule(
        "value_at_most_maximum", "value",
        lambda f: ~(_reported(f) & (f["value"] > f["max_value"] + _NOISE)),
        lambda r: f"{r['value_text']} is above the maximum of {number_text(r['max_value'])} for "
                  f"\"{r['name']}\" ({UNIT_PHRASES[r['unit']]})",
    ),
    Rule(
        "count_is_whole", "value",
        lambda f: ~(_reported(f) & (f["unit"] == "count") & (f["value"] != np.floor(f["value"]))),
        lambda r: f"{r['value_text']} is not a whole number, but \"{r['name']}\" is a count",
    ),
    Rule(
        "percent_sign_only_on_percentages", "value",
        lambda f: ~(f["value_percent_sign"] & (f["unit"] != "percent")),
        lambda r: f"{r['value_text']} has a percent sign, but \"{r['name']}\" is {UNIT_PHRASES[r['unit']]}, "
                  "not a percentage",
    ),
    Rule(
        "numerator_not_negative", "numerator",
        lambda f: ~(f["numerator"] < 0),
        lambda r: f"{r['numerator_text']} is negative; the numerator of \"{r['name']}\" is a count",
    ),
    Rule(
        "denominator_not_negative", "denominator",
        lambda f: ~(f["denominator"] < 0),
        lambda r: f"{r['denominator_text']} is negative; the denominator of \"{r['name']}\" is a count",
    ),
    Rule(
        "numerator_within_denominator", "numerator",
        _within_denominator,
        lambda r: f"the numerator {r['numerator_text']} is larger than the denominator "
                  f"{r['denominator_text']}, which cannot be for \"{r['name']}\" (a percentage)",
    ),
    Rule(
        "value_needs_denominator_above_zero", "denominator",
        lambda f: ~(_reported(f) & ~f["value_derived"] & (f["denominator"] == 0)),
        lambda r: f"the denominator is 0, so \"{r['name']}\" has no value: leave the value blank and "
                  "write z (not applicable)",
    ),
    Rule(
        "value_matches_counts", "value",
        lambda f: ~(_consistency_checked(f) & ((f["value"] - _expected_value(f)).abs() > _allowed_difference(f))),
        _consistency_reason,
    ),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}

SCHEMA = pa.DataFrameSchema(
    {
        "status": pa.Column(checks=pa.Check.isin(STATUSES)),
        "value": pa.Column(float, nullable=True),
        "numerator": pa.Column(float, nullable=True),
        "denominator": pa.Column(float, nullable=True),
    },
    # ignore_na would pass a row whose every field is null, which no figure is: pandera would look for them in
    # each column for each rule.
    checks=[pa.Check(rule.passes, name=rule.name, ignore_na=False) for rule in RULES],
)


def broken_rules(figures: pd.DataFrame) -> list[tuple[int, Rule]]:
    """(row label, rule) for every rule a row of ``figures`` breaks, in row order."""
    return rule_failures(SCHEMA, RULES, figures)


def rule_failures(schema: pa.DataFrameSchema, rules: tuple[Rule, ...], frame: pd.DataFrame) -> list[tuple[int, Rule]]:
    """(row label, rule) for every rule of ``rules`` (the named checks of ``schema``) a row breaks, in row order.

    Any other failure of the schema (a column of the wrong type) is a bug and raises."""
    by_name = {rule.name: rule for rule in rules}
    try:
        schema.validate(frame, lazy=True, inplace=True)  # the schema coerces nothing, so no copy is needed
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        failed = cases.loc[cases["check"].isin(by_name), ["index", "check"]].drop_duplicates()
        unexpected = cases[~cases["check"].isin(by_name)]
        if not unexpected.empty:
            raise
        return sorted(
            ((int(index), by_name[check]) for index, check in zip(failed["index"], failed["check"])),
            key=lambda found: (found[0], rules.index(found[1])),
        )
    return []
