"""Cells to numbers: symbols are statuses never 0, separators and percent signs, written precision."""

import math

import pandas as pd

from boards.imports.cells import not_a_number_reason, parse_cells


def parsed(*texts):
    frame = parse_cells(pd.Series(texts, dtype="str"))
    return [
        (None if math.isnan(n) else n, str(s), h, bool(p))
        for n, s, h, p in zip(frame["number"], frame["status"], frame["half_unit"], frame["percent_sign"])
    ]


def test_numbers_with_separators_and_percent_signs():
    """1,234 is 1234; 85.2% is 85.2 with its sign noted; the last decimal gives the precision."""
    assert parsed("85.2", "1,234", "1,234.50", "85.2%", "12 %", "-3", ".5", "007") == [
        (85.2, "reported", 0.05, False),
        (1234.0, "reported", 0.5, False),
        (1234.5, "reported", 0.005, False),
        (85.2, "reported", 0.05, True),
        (12.0, "reported", 0.5, True),
        (-3.0, "reported", 0.5, False),
        (0.5, "reported", 0.05, False),
        (7.0, "reported", 0.5, False),
    ]


def test_symbols_are_statuses_with_no_value():
    """c, x, z, low, u keep their meaning; : is x and ~ is low (older DfE files); case does not matter."""
    assert [status for _, status, _, _ in parsed("c", "X", "z", "Low", "u", ":", "~")] == [
        "c", "x", "z", "low", "u", "x", "low"
    ]
    assert all(number is None for number, _, _, _ in parsed("c", "x", "z", "low", "u", ":", "~"))


def test_blank_and_invalid_cells():
    """A blank cell is blank; words, decimal commas, exponents and symbols with % are not numbers."""
    assert [status for _, status, _, _ in parsed("", "abc", "85,2", "1e3", "x%", "(5)")] == [
        "blank", "invalid", "invalid", "invalid", "invalid", "invalid"
    ]


def test_reasons_for_cells_that_are_not_numbers():
    """A decimal comma gets its own hint."""
    assert not_a_number_reason("85,2") == '"85,2" is not a number: write the decimal point as "." (for example 85.2)'
    assert not_a_number_reason("n/a") == '"n/a" is not a number or one of the symbols c, x, z, low, u, : or ~'
