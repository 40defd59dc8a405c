"""The downloadable quarterly template (long and wide) and its data dictionary, from the catalogue;
and the two files of the case review register (reviews, recommendations) with their dictionary.

The template covers the indicators of the local quarterly return; the dictionary explains every
column and every catalogue indicator, since any of them may be uploaded.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from fractions import Fraction

import pandas as pd

from boards.catalogue import Indicator
from boards.exports import to_csv_bytes
from boards.imports.cells import SYMBOLS_TEXT
from boards.imports.layouts import COUNT_SUFFIXES, EXAMPLE_NOTE, LONG_COLUMNS
from boards.imports.period_forms import EXPECTED
from boards.imports.validation import UNIT_PHRASES, number_text
from boards.reviews.register import (
    AGENCIES,
    IMPACT_CHECKS,
    IMPACT_EVIDENCE_MONTHS,
    IMPACT_RESULTS,
    KINDS,
    STATUSES,
)
from boards.reviews.themes import RECURRENCE_RULES, load_themes

LOCAL_RETURN_SOURCE = "Local quarterly return"
EXAMPLE_AREA = "E06000001"  # Hartlepool
EXAMPLE_PERIOD = "2025-26 Q1"
EXAMPLE_LONG = {"indicator": "attendance_police", "value": "85.7", "numerator": "6", "denominator": "7"}
_EXAMPLE_BY_UNIT = {"percent": 80.0, "per_10k": 150.0, "count": 2.0}

LAYOUT_COLUMNS = {
    "area_code": (
        "yes",
        "The local authority: its ONS code (E06000001), 3-digit DfE code (805) or name (Hartlepool); "
        "case, spacing, '&' or 'and' and 'City of' do not matter, and former or recoded codes are "
        "accepted. A joint return is written 'A / B' (Kingston upon Thames / Richmond upon Thames): "
        "its rate applies to both LAs, without its counts.",
    ),
    "period": (
        "yes",
        "The period the figure is for: " + "; ".join(EXPECTED.values()) + ". Only periods that have ended.",
    ),
    "indicator": ("yes (long layout)", "The indicator id, from the rows below."),
    "value": (
        "yes, unless numerator and denominator are given",
        "The figure, such as 85.7: percentages from 0 to 100 (a % sign is allowed), thousands "
        f"separators allowed (1,234). Where there is no figure, one of the symbols {SYMBOLS_TEXT}: "
        "c confidential, x not available, z not applicable, low rounds to 0, u low reliability. "
        "A symbol is stored as such, never as 0.",
    ),
    "numerator": ("no", "The count the figure is made from (what is counted), for rates and percentages."),
    "denominator": ("no", "The count it is divided by; the value must match numerator / denominator."),
    "note": ("no", "Anything a reader should know about the figure. The template's example row says "
                   f'"{EXAMPLE_NOTE}" here: such a row is refused, so delete it and write your own rows.'),
}
DICTIONARY_COLUMNS = ["column", "required", "name", "description", "unit", "valid_range", "period",
                      "numerator", "denominator"]


def local_return_indicators(indicators: MappingType[str, Indicator]) -> list[Indicator]:
    return [i for i in indicators.values() if i.source == LOCAL_RETURN_SOURCE]


def _example_value(indicator: Indicator) -> str:
    example = indicator.england_reference or _EXAMPLE_BY_UNIT[indicator.unit]
    return f"{example:.{indicator.decimals}f}"


def _example_counts(indicator: Indicator) -> dict[str, str]:
    """A numerator and denominator that give the example value exactly (80.0% as 4 of 5)."""
    share = Fraction(_example_value(indicator)) / Fraction(indicator.multiplier)
    return {f"{indicator.indicator_id}_numerator": str(share.numerator),
            f"{indicator.indicator_id}_denominator": str(share.denominator)}


def count_columns(indicator: Indicator) -> list[str]:
    """The wide layout's numerator and denominator columns of an indicator, if the catalogue gives it counts."""
    if indicator.denominator is None:
        return []
    return [f"{indicator.indicator_id}_{role}" for role in COUNT_SUFFIXES]


def long_template() -> bytes:
    """The long layout: its header and one example row, marked as such so that it is never imported."""
    example = {"area_code": EXAMPLE_AREA, "period": EXAMPLE_PERIOD, "note": EXAMPLE_NOTE, **EXAMPLE_LONG}
    return to_csv_bytes(pd.DataFrame([example], columns=list(LONG_COLUMNS)))


def wide_template(indicators: MappingType[str, Indicator]) -> bytes:
    """The wide layout: for each indicator of the local return its column, followed by its numerator and
    denominator columns when it has counts (a percentage without them is not judged), and one example row,
    marked as such so that it is never imported."""
    chosen = local_return_indicators(indicators)
    example = {"area_code": EXAMPLE_AREA, "period": EXAMPLE_PERIOD, "note": EXAMPLE_NOTE}
    for indicator in chosen:
        example[indicator.indicator_id] = _example_value(indicator)
        if count_columns(indicator):
            example |= _example_counts(indicator)
    columns = ["area_code", "period", *(column for i in chosen for column in [i.indicator_id, *count_columns(i)]),
               "note"]
    return to_csv_bytes(pd.DataFrame([example], columns=columns))


def data_dictionary(indicators: MappingType[str, Indicator]) -> bytes:
    """Every column of the template, then every catalogue indicator, in plain words."""
    rows = [
        {"column": column, "required": required, "description": description}
        for column, (required, description) in LAYOUT_COLUMNS.items()
    ]
    for indicator in indicators.values():
        low, high = indicator.min_value, indicator.max_value
        valid = (
            f"{number_text(low)} to {number_text(high)}" if low is not None and high is not None
            else f"{number_text(low)} or more" if low is not None else "any"
        )
        rows.append(
            {
                "column": indicator.indicator_id,
                "required": "no",
                "name": indicator.name,
                "description": indicator.definition,
                "unit": UNIT_PHRASES[indicator.unit],
                "valid_range": valid,
                "period": EXPECTED[indicator.period_type],
                "numerator": indicator.numerator,
                "denominator": indicator.denominator or "",
            }
        )
    return to_csv_bytes(pd.DataFrame(rows, columns=DICTIONARY_COLUMNS).fillna(""))


# -- the case review register (boards.imports.register) ----------------------------------------
# The register has no note: its example rows are marked in their review id, "EXAMPLE - delete this row: RR-2025-03",
# and refused whoever uploads them (boards.imports.register), so that the example never replaces Hartlepool's register.
REGISTER_EXAMPLE_REVIEWS = [
    {"partnership": EXAMPLE_AREA, "review_id": f"{EXAMPLE_NOTE}: RR-2025-03", "kind": "rapid_review",
     "incident_known_date": "2025-06-02",
     "notification_date": "2025-06-05", "rapid_review_date": "2025-06-24", "decision_date": "", "published_date": "",
     "themes": "information_sharing; voice_of_the_child"},
    {"partnership": EXAMPLE_AREA, "review_id": f"{EXAMPLE_NOTE}: CSPR-2025-01", "kind": "lcspr",
     "incident_known_date": "2025-01-13",
     "notification_date": "2025-01-16", "rapid_review_date": "2025-02-05", "decision_date": "",
     "published_date": "2025-07-30", "themes": "neglect; management_oversight; multi_agency_working"},
]
REGISTER_EXAMPLE_RECOMMENDATIONS = [
    {"partnership": EXAMPLE_AREA, "review_id": f"{EXAMPLE_NOTE}: CSPR-2025-01", "recommendation_id": "1",
     "owner_agency": "health",
     "due_date": "2025-12-31", "status": "completed", "completed_date": "2025-11-28", "themes": "neglect",
     "impact_check": "re_audit", "impact_checked_date": "2026-05-20", "impact_result": "partly_improved"},
    {"partnership": EXAMPLE_AREA, "review_id": f"{EXAMPLE_NOTE}: CSPR-2025-01", "recommendation_id": "2",
     "owner_agency": "local_authority", "due_date": "2026-03-31", "status": "in_progress", "completed_date": "",
     "themes": "management_oversight; multi_agency_working", "impact_check": "", "impact_checked_date": "",
     "impact_result": ""},
]
_DATES = ("A date: 2026-01-04, 04/01/2026 (day first) or 4 Jan 2026; Excel date cells are read as dates. "
          "Not in the future, nor before 1 April 2006.")
REGISTER_COLUMNS = {
    "reviews": {
        "partnership": ("yes", "The partnership: its id from data/partnerships.csv, its name, or the code or name of "
                               "one of its local authorities."),
        "review_id": ("yes", "The partnership's own reference for the review, unique within the partnership; capitals do not "
                             "count (LCSPR-1 and lcspr-1 are the same review). The template's example rows start "
                             f'"{EXAMPLE_NOTE}" here: such a row is refused, so delete it and write your own rows.'),
        "kind": ("yes", "One of: " + "; ".join(f"{k} ({v})" for k, v in KINDS.items()) + "."),
        "incident_known_date": ("for rapid reviews and practice reviews",
                                "The day the local authority became aware of the serious incident. " + _DATES),
        "notification_date": ("for rapid reviews and practice reviews",
                               "The day the serious incident was notified to the Child Safeguarding Practice Review "
                               "Panel: due within 5 working days of the incident becoming known. " + _DATES),
        "rapid_review_date": ("no", "The day the rapid review was completed and sent to the panel: due within 15 "
                                    "working days of the notification. Blank while it is under way. " + _DATES),
        "decision_date": ("no", "Practice reviews only: the day the partners decided to hold the review, if not at the "
                                "rapid review (blank means the rapid review date). Publication is due 6 months "
                                "after it. " + _DATES),
        "published_date": ("no", "Practice reviews and serious case reviews: the day the final report was "
                                 "published. Blank while unpublished. " + _DATES),
        "themes": ("no", "What the review found, as theme ids or names from data/review_themes.csv, separated by ';' "
                         "(listed below)."),
    },
    "recommendations": {
        "partnership": ("no", "As in the reviews file; may be left blank when the review id is in one partnership's "
                              "register only."),
        "review_id": ("yes", "The review the recommendation comes from: it must be in the register (upload the "
                             "register first, or both as one workbook with sheets reviews and recommendations)."),
        "recommendation_id": ("yes", "The recommendation's number or reference, unique within the review (capitals do not "
                                     "count)."),
        "owner_agency": ("yes", "The agency that owns it. One of: " + "; ".join(
            f"{k} ({v})" for k, v in AGENCIES.items()) + "."),
        "due_date": ("yes", "The day it is due. " + _DATES),
        "status": ("yes", "One of: " + "; ".join(f"{k} ({v})" for k, v in STATUSES.items()) + "."),
        "completed_date": ("when completed", "The day it was signed off as completed. " + _DATES),
        "themes": ("no", "The themes the recommendation addresses, as theme ids or names from data/review_themes.csv, "
                         "separated by ';' (listed below). A theme found again by a later review after the "
                         "recommendation was signed off shows the learning did not take hold (rules below). May be "
                         "left out."),
        "impact_check": ("no", "Once completed, how its impact was checked. One of: " + "; ".join(
            f"{k} ({v})" for k, v in IMPACT_CHECKS.items()) + f". A completed recommendation with no evidence of "
            f"impact {IMPACT_EVIDENCE_MONTHS} months after it was completed is shown as a concern."),
        "impact_checked_date": ("when the impact was checked", "The day the impact check was made: not before the "
                                                               "recommendation was completed. " + _DATES),
        "impact_result": ("when the impact was checked", "What the check found. One of: " + "; ".join(
            f"{k} ({v})" for k, v in IMPACT_RESULTS.items()) + "."),
    },
}
REGISTER_DICTIONARY_COLUMNS = ["file", "column", "required", "description"]


def register_template(part: str) -> bytes:
    """The reviews or the recommendations file of the register: its header and two example rows."""
    rows = REGISTER_EXAMPLE_REVIEWS if part == "reviews" else REGISTER_EXAMPLE_RECOMMENDATIONS
    return to_csv_bytes(pd.DataFrame(rows, columns=list(REGISTER_COLUMNS[part])))


def register_dictionary() -> bytes:
    """Every column of both register files, the rules of recurrence, then every theme of the taxonomy."""
    rows = [
        {"file": part, "column": column, "required": required, "description": description}
        for part, columns in REGISTER_COLUMNS.items()
        for column, (required, description) in columns.items()
    ]
    rows += [{"file": "rules", "column": rule, "required": "", "description": text}
             for rule, text in RECURRENCE_RULES.items()]
    rows += [
        {"file": "themes", "column": theme.theme_id, "required": "",
         "description": f"{theme.name}: {theme.description} Source: {theme.source}."}
        for theme in load_themes()
    ]
    return to_csv_bytes(pd.DataFrame(rows, columns=REGISTER_DICTIONARY_COLUMNS))
