"""Uploaded bytes to a table: encodings, delimiters, line endings, Excel leftovers and workbooks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boards.imports.problems import UnusableFile
from boards.imports.reading import read_table

from .xlsx import workbook

ROWS = [["E06000001", "2025-26 Q1", "85.7"], ["E06000002", "2025-26 Q2", "c"]]


def cells(table):
    return table.cells.values.tolist()


@pytest.mark.parametrize(
    "data",
    [
        b"area,period,value\nE06000001,2025-26 Q1,85.7\nE06000002,2025-26 Q2,c\n",
        b"\xef\xbb\xbfarea,period,value\r\nE06000001,2025-26 Q1,85.7\r\nE06000002,2025-26 Q2,c\r\n",
        "area;period;value\nE06000001;2025-26 Q1;85.7\nE06000002;2025-26 Q2;c".encode("cp1252"),
        "\ufeffarea\tperiod\tvalue\r\nE06000001\t2025-26 Q1\t85.7\r\nE06000002\t2025-26 Q2\tc\r\n".encode("utf-16-le"),
        "area\tperiod\tvalue\r\nE06000001\t2025-26 Q1\t85.7\r\nE06000002\t2025-26 Q2\tc\r\n".encode("utf-16-le"),
        "area,period,value\nE06000001,2025-26 Q1,85.7\nE06000002,2025-26 Q2,c\n".encode("utf-16-be"),
        b'"area","period","value"\n"E06000001","2025-26 Q1","85.7"\n"E06000002","2025-26 Q2","c"\n',
        b"area,period,value,,\nE06000001,2025-26 Q1,85.7,,\n,,,,\nE06000002,2025-26 Q2,c,,\n,,,,\n",
        b"\n\narea , period , value\nE06000001 , 2025-26 Q1 , 85.7\n\nE06000002,2025-26 Q2,c\n",
    ],
    ids=["utf8", "bom-crlf", "cp1252-semicolon", "utf16-tab", "utf16-le-without-bom", "utf16-be-without-bom",
         "quoted", "excel-blanks", "blank-lines-spaces"],
)
def test_every_text_form_gives_the_same_table(data):
    """Encodings, delimiters, quotes, CRLF, blank lines and Excel's blank columns all read alike."""
    table = read_table("return.csv", data)
    assert table.header == ["area", "period", "value"]
    assert cells(table) == ROWS


def test_lines_are_file_lines():
    """Row line numbers count the header, blank lines and cells spanning lines."""
    table = read_table("r.csv", b'\na,b\n1,"two\nlines"\n\n3,4\n')
    assert table.lines.tolist() == [3, 6]
    assert table.header_line == 2


def test_windows_1252_text_is_decoded():
    """A pound sign and an en dash saved by Excel in Windows-1252 read as themselves."""
    table = read_table("r.csv", "a,note\n1,£5 – ok\n".encode("cp1252"))
    assert cells(table) == [["1", "£5 – ok"]]


def test_longer_row_is_a_problem_not_a_shift():
    """A row with more cells than the header (an unquoted comma) is reported and left out."""
    table = read_table("r.csv", b"a,b\n1,2\n3,4,5\n")
    assert cells(table) == [["1", "2"]]
    assert [p.message for p in table.problems] == [
        "Line 3: this row has 3 cells but the header has 2 columns; check for a delimiter inside a figure "
        "or a name (put such cells in quotes)"
    ]


def test_shorter_row_is_padded():
    """Missing trailing cells are blank."""
    assert cells(read_table("r.csv", b"a,b,c\n1,2\n")) == [["1", "2", ""]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "r.csv is empty."),
        (b"\r\n \n", "r.csv is empty."),
        (b",,\n,,\n", "r.csv holds no figures: every cell is blank."),
        # A lone no-break space (Windows-1252 0xA0): blank, though str.strip(" ,;\t") keeps it.
        (b"\xa0", "r.csv holds no figures: every cell is blank."),
        (b"a,b\x00\n", "r.csv is not a CSV file: line 1 holds binary data (character 0x00). "
                       "Upload the CSV or Excel .xlsx file itself."),
        (b"a,b\n\x81\x8d\n", "r.csv is not a CSV file: its bytes are not text in UTF-8 or Windows-1252 (byte 5). "
                             "Upload the CSV or Excel .xlsx file itself."),
        (b'a,b\n"1,2\n', 'r.csv: line 2 cannot be read as CSV (unexpected end of data). A quote (") probably '
                         "opens a cell that never closes; remove it or close it."),
        (b"a,,b\n1,2,3\n", "Column 2 holds figures but has no name in the header (line 1). Give it the right "
                           "column name, or delete the column."),
    ],
    ids=["empty", "whitespace", "blank-cells", "no-break-space", "nul", "undecodable", "unclosed-quote", "unnamed-column"],
)
def test_unusable_text(data, message):
    """Each unreadable file gets one sentence saying why."""
    with pytest.raises(UnusableFile) as refused:
        read_table("r.csv", data)
    assert str(refused.value) == message


def test_size_limit_is_configurable():
    """A file over the limit is refused before it is read."""
    with pytest.raises(UnusableFile, match=r"^r.csv is 2,000 bytes, over the 1,000 bytes limit for one upload"):
        read_table("r.csv", b"a" * 2000, max_bytes=1000)
    with pytest.raises(UnusableFile, match=r"^big.csv is 50.5 MB, over the 50 MB limit for one upload\. Split it"):
        read_table("big.csv", b"a" * 50_500_000)
    with pytest.raises(UnusableFile, match=r"^limit.csv is 50,000,001 bytes, over the 50 MB limit for one upload\."):
        read_table("limit.csv", b"a" * 50_000_001)


def test_workbook_first_sheet_or_named_sheet():
    """The first sheet by default, another by name; rows are numbered as Excel numbers them."""
    data = workbook({"Q1": [["area", "value"], ["E06000001", 85.7]],
                     "Q2": [[], ["area", "value"], ["E06000002", 3.0], [None, None], ["E06000003", "x"]]})
    first = read_table("r.xlsx", data)
    assert (first.header, cells(first), first.lines.tolist(), first.line_label) == (
        ["area", "value"], [["E06000001", "85.7"]], [2], "Row")
    second = read_table("r.xlsx", data, sheet="Q2")
    assert (cells(second), second.lines.tolist()) == ([["E06000002", "3"], ["E06000003", "x"]], [3, 5])


def test_workbook_without_the_sheet_lists_its_sheets():
    """A sheet name that is not there is refused with the names that are."""
    with pytest.raises(UnusableFile, match='^r.xlsx has no sheet called "Q3"; its sheets are "Q1", "Q2".$'):
        read_table("r.xlsx", workbook({"Q1": [["a"]], "Q2": [["a"]]}), sheet="Q3")


def test_sheet_of_a_text_file_is_refused():
    """--sheet means a workbook."""
    with pytest.raises(UnusableFile, match='is a text file, not an Excel workbook, so it has no sheet "Q1"'):
        read_table("r.csv", b"a\n1\n", sheet="Q1")


_CELL = st.text(alphabet="abcXYZ019 .-%£é", max_size=6)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_blank_lines_keep_the_line_numbers_of_an_unquoted_file(newline):
    """Blank lines between and after rows are dropped, and every row keeps its line in the file."""
    text = newline.join(["area,value", "E06000001,1", "", "", "E06000002,2", ",", "E06000003,3", "", ""])
    table = read_table("r.csv", text.encode())
    assert (cells(table), table.lines.tolist()) == (
        [["E06000001", "1"], ["E06000002", "2"], ["E06000003", "3"]], [2, 5, 7]
    )


def test_lines_ended_by_cr_alone_are_lines():
    """Excel for Mac's "CSV (Macintosh)" ends lines with CR alone."""
    table = read_table("r.csv", b"area,value\rE06000001,1\rE06000002,c\r")
    assert (table.header, cells(table), table.lines.tolist()) == (
        ["area", "value"], [["E06000001", "1"], ["E06000002", "c"]], [2, 3]
    )


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.one_of(st.none(), st.lists(_CELL, min_size=3, max_size=3)), min_size=1, max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]), newline=st.sampled_from(["\n", "\r\n"]))
def test_fast_reader_agrees_with_the_csv_module(rows, delimiter, newline):
    """Files without quotes go through Arrow; the same rows with every cell quoted, through csv: equal tables.
    A row of None is a blank line."""
    header = ["first", "second", "third"]
    plain = newline.join("" if row is None else delimiter.join(row) for row in [header, *rows]) + newline
    quoted = newline.join(
        "" if row is None else delimiter.join(f'"{cell}"' for cell in row) for row in [header, *rows]
    ) + newline
    fast, careful = read_table("r.csv", plain.encode()), read_table("r.csv", quoted.encode())
    assert fast.header == careful.header
    assert cells(fast) == cells(careful)
    assert fast.lines.tolist() == careful.lines.tolist()


def test_arrow_buffers_come_from_the_system_allocator():
    """Importing boards swaps Arrow's mimalloc for the system allocator (boards/__init__.py), which halved
    reading and validating a million rows on the 2-core machines."""
    import pyarrow

    import boards  # noqa: F401

    assert pyarrow.default_memory_pool().backend_name == "system"
