"""Downloads neutralise formula injection and keep numbers as numbers."""

import pandas as pd

from boards.exports import neutralise, to_csv_bytes


def test_formula_cells_get_an_apostrophe():
    """=, +, -, @, tab and carriage return at the start of text are neutralised."""
    frame = pd.DataFrame({"note": ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "fine", None]})
    assert neutralise(frame)["note"].fillna("(empty)").tolist() == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1", "fine", "(empty)"
    ]


def test_numbers_are_left_alone():
    """A negative number is a number, not a formula."""
    frame = pd.DataFrame({"value": [-1.5, 2.0], "name": ["Barnsley", "=cmd"]})
    safe = neutralise(frame)
    assert safe["value"].tolist() == [-1.5, 2.0]
    assert safe["name"].tolist() == ["Barnsley", "'=cmd"]


def test_categorical_formula_cells_keep_their_text():
    """A categorical column's formula cells get an apostrophe like text columns, and keep their value."""
    frame = pd.DataFrame({"note": pd.Categorical(["=1+1", "ok", "=1+1", None, "-x"])})
    safe = neutralise(frame)["note"]
    assert isinstance(safe.dtype, pd.CategoricalDtype)
    assert safe.cat.add_categories("(empty)").fillna("(empty)").tolist() == ["'=1+1", "ok", "'=1+1", "(empty)", "'-x"]


def test_csv_bytes_start_with_a_bom_for_excel():
    """The CSV opens in Excel with accents intact."""
    data = to_csv_bytes(pd.DataFrame({"name": ["Southend-on-Sea", "=1+1"]}))
    assert data == "\ufeffname\nSouthend-on-Sea\n'=1+1\n".encode("utf-8")
