"""Files within the size limit that would cost gigabytes are refused first, each with a short sentence naming
the limit: workbooks that unpack to too much, text files with too many lines, columns, cells or characters."""

import io
import struct
import zipfile

import pytest

from boards.imports.problems import UnusableFile
from boards.imports.reading import read_table

from .conftest import inspect
from .xlsx import workbook

ROW_XML = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000


def refusal(file_name, data, **options):
    with pytest.raises(UnusableFile) as refused:
        read_table(file_name, data, **options)
    return str(refused.value)


def with_sheet_xml(sheet_xml_chunks, *, compression=zipfile.ZIP_DEFLATED):
    """A workbook whose first sheet is the given XML, written to the zip a chunk at a time."""
    source = zipfile.ZipFile(io.BytesIO(workbook({"S": [["a"]]})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for part in source.infolist():
            if part.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(part.filename, source.read(part))
                continue
            with archive.open(part.filename, "w", force_zip64=True) as sheet:
                for chunk in sheet_xml_chunks:
                    sheet.write(chunk)
    return buffer.getvalue()


def sheet_xml(rows_xml):
    yield b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    yield b"<sheetData>"
    yield from rows_xml
    yield b"</sheetData></worksheet>"


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_unread():
    """A zip bomb (210 MB of sheet XML in a file of a few hundred kilobytes) is refused by the sizes its zip
    declares, before anything is unpacked."""
    bomb = with_sheet_xml(sheet_xml(ROW_XML for _ in range(4_500)))
    assert len(bomb) < 1024 * 1024
    assert refusal("bomb.xlsx", bomb) == (
        "bomb.xlsx unpacks to 220.5 MB, over the limit of 200 MB for the contents of a workbook. Save the sheet "
        "you want to upload as CSV, or split it into smaller workbooks, and upload those."
    )


def test_a_workbook_compressed_beyond_any_spreadsheet_program_is_refused():
    """Within the size limit, a part compressed hundreds of times over is refused by its ratio."""
    dense = with_sheet_xml(sheet_xml(ROW_XML for _ in range(400)))
    ratio = next(p for p in zipfile.ZipFile(io.BytesIO(dense)).infolist() if p.filename.endswith("sheet1.xml"))
    assert ratio.file_size // ratio.compress_size > 100
    assert refusal("dense.xlsx", dense) == (
        f"dense.xlsx is compressed {ratio.file_size // ratio.compress_size:,} to 1, more than the limit of 100 to 1 "
        "(spreadsheet programs write about 10 to 1), so it is not read. Save it again as .xlsx or CSV and upload that."
    )


def test_a_part_that_holds_more_than_its_zip_declares_is_refused():
    """A sheet whose zip entry claims 1,000 bytes but holds more: unpacking stops at the claim and the part's
    checksum fails, before calamine reads it."""
    archive = bytearray(workbook({"S": [["a", "b", "c"]] * 500}))
    name = b"xl/worksheets/sheet1.xml"
    # The uncompressed size of the sheet, in its local header (offset 22) and its central directory entry (24),
    # each followed by the name at offset 30 and 46.
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        header = archive.find(signature)
        while archive[header + name_at: header + name_at + len(name)] != name:
            header = archive.find(signature, header + 4)
        assert struct.unpack_from("<I", archive, header + size_at)[0] > 1_000
        struct.pack_into("<I", archive, header + size_at, 1_000)
    assert refusal("liar.xlsx", bytes(archive)) == (
        "liar.xlsx looks like a spreadsheet but cannot be read (Bad CRC-32 for file 'xl/worksheets/sheet1.xml'). "
        "Save it again as .xlsx or CSV and upload that."
    )


def test_a_sheet_reaching_the_last_cell_is_refused_before_calamine_lays_it_out():
    """Two cells, A1 and XFD1048576, would make calamine allocate 17 billion cells (550 GB)."""
    far = with_sheet_xml(sheet_xml([b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
                                    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>']))
    assert refusal("far.xlsx", far) == (
        "A sheet of far.xlsx reaches row 1,048,576 and column 16,384, beyond the limits of 1,500,000 rows, 1,000 "
        "columns and 10,000,000 cells for one upload. Delete the empty rows and columns after the figures (or copy "
        "the figures to a new workbook), and upload it again."
    )


def test_cells_in_another_namespace_are_located_too():
    """calamine reads cells by their name alone, whatever their namespace: so does the check."""
    far = with_sheet_xml([b'<?xml version="1.0"?><worksheet xmlns="urn:elsewhere"><sheetData><row r="1">'
                          b'<c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'])
    assert refusal("elsewhere.xlsx", far).startswith(
        "A sheet of elsewhere.xlsx reaches row 1,048,576 and column 16,384, beyond")


def test_cells_without_references_are_counted_where_calamine_puts_them():
    """A row of 1,001 cells without a reference reaches column 1,001."""
    wide = with_sheet_xml(sheet_xml([b"<row>" + b"<c><v>1</v></c>" * 1_001 + b"</row>"]))
    assert refusal("wide.xlsx", wide).startswith("A sheet of wide.xlsx reaches row 1 and column 1,001, beyond")


def test_a_workbook_of_many_sheets_names_a_few():
    """A missing sheet lists the first five sheets and how many more there are."""
    many = workbook({f"Sheet {n}": [["a"]] for n in range(1, 41)})
    assert refusal("many.xlsx", many, sheet="Q3") == (
        'many.xlsx has no sheet called "Q3"; its sheets are "Sheet 1", "Sheet 2", "Sheet 3", "Sheet 4", "Sheet 5" '
        "and 35 more."
    )


def test_a_header_of_too_many_columns_is_refused_before_parsing():
    """100,000 columns (1.1 MB): one sentence, not a list of every column."""
    data = b",".join(b"col%d" % n for n in range(100_000)) + b"\n" + b"1," * 99_999 + b"1\n"
    assert refusal("wide.csv", data) == (
        "The header of wide.csv has 100,000 columns, over the limit of 1,000 for one upload. A quarterly return "
        "has fewer than 100; check that this is the file you meant to upload."
    )


def test_too_many_lines_are_refused_before_parsing():
    """1,500,001 short lines: counted on the bytes, not parsed."""
    data = b"a,b\n" + b"1,2\n" * 1_500_000
    assert refusal("long.csv", data) == (
        "long.csv has 1,500,001 lines, over the limit of 1,500,000 for one upload. Split it into smaller files "
        "(for example one per year) and upload each."
    )


def test_too_many_cells_are_refused_before_parsing():
    """1,000,000 lines of 11 columns."""
    data = b"a,b,c,d,e,f,g,h,i,j,k\n" + b"1\n" * 999_999
    assert refusal("cells.csv", data) == (
        "cells.csv has 1,000,000 lines of 11 columns (11,000,000 cells), over the limit of 10,000,000 cells for one "
        "upload. Split it into smaller files (for example one per year) and upload each."
    )


def test_a_row_wider_than_the_limit_is_refused():
    """A short header and a row of 2,000 quoted cells: counted as the rows stream in."""
    data = b'a,b\n"1",' + b",".join([b'"2"'] * 1_999) + b"\n"
    assert refusal("row.csv", data) == (
        "row.csv: line 2 has 2,000 cells, over the limit of 1,000 columns for one upload. Check that this is the "
        "file you meant to upload."
    )


@pytest.mark.parametrize(
    "data",
    [b"a,b\n1," + b"x" * 40_000 + b"\n", b'a,b\n1,"' + b"x" * 40_000 + b'"\n', b'a,b\n1,"' + b"x" * 200_000 + b'"\n'],
    ids=["unquoted", "quoted", "over-the-csv-modules-own-limit"],
)
def test_a_cell_longer_than_excel_allows_is_refused(data):
    assert refusal("long_cell.csv", data) == (
        "long_cell.csv: line 2 has a cell longer than 32,767 characters, the limit for one cell (Excel's own). "
        "Shorten it, or check that this is the file you meant to upload."
    )


def test_every_refusal_is_at_most_2000_characters():
    """A message built from a file's own texts keeps its start and its end."""
    refused = UnusableFile("start " + "x" * 5_000 + " end")
    assert len(str(refused)) == 2_000
    assert str(refused).startswith("start xxx") and str(refused).endswith("xxx end")
    assert " … " in str(refused)


def test_a_problem_quoting_a_long_cell_is_shortened(store):
    """A 30,000-character area name: the reason keeps its start and end, the value stays whole."""
    name = "Atlantis" * 3_750
    data = f"area_code,period,indicator,value\n{name},2025-26 Q1,attendance_police,5\n".encode()
    plan = inspect(store, "long.csv", data)
    (problem,) = plan.problems
    assert (len(problem.reason), problem.value) == (2_000, name)
    assert problem.reason.startswith('"AtlantisAtlantis') and " … " in problem.reason
    assert problem.reason.endswith("give its ONS code, 3-digit DfE code or name")


def test_unknown_columns_are_listed_five_at_most(store):
    """A wide header of 900 unknown columns, each 200 characters long: the first five, shortened, and a count."""
    names = [f"column_{n}_" + "y" * 190 for n in range(900)]
    data = ("area_code,period," + ",".join(names) + "\n").encode()
    with pytest.raises(UnusableFile) as refused:
        inspect(store, "wide.csv", data + b"E06000001,2025-26 Q1" + b",1" * 900 + b"\n")
    shortened = [f'"column_{n}_' + "y" * (59 - len(f"column_{n}_")) + '…"' for n in range(5)]
    assert str(refused.value) == (
        f"The header has column(s) {', '.join(shortened)} and 895 more that the wide layout does not have. Each "
        "column after area_code and period must be an indicator id from the data dictionary."
    )
