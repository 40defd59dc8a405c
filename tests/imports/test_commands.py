"""boards import, loads, rollback, template and dictionary, run as a user runs them."""

import getpass
import io
import json
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from boards.store import OBSERVATION_COLUMNS, Store

from .conftest import long_csv
from .xlsx import workbook

GOOD = long_csv("E06000001,2025-26 Q1,attendance_police,85.7,6,7,", "E06000002,2025-26 Q1,multi_agency_audits,3,,,")
BAD = long_csv("E06000001,2025-26 Q1,attendance_police,104.5,,,", "Atlantis,2025-26 Q1,attendance_police,50,1,2,")
OPERATOR = f"system:{getpass.getuser()}"


def boards(*args):
    return subprocess.run([sys.executable, "-m", "boards", *map(str, args)], capture_output=True, text=True)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "good.csv").write_bytes(GOOD)
    (tmp_path / "bad.csv").write_bytes(BAD)
    (tmp_path / "empty.csv").write_bytes(b"")
    return tmp_path


def test_import_then_again_then_loads(db_path, files):
    """Exit 0 and the counts; the same file again is nothing to do; loads lists the load."""
    first = boards("import", files / "good.csv", "--db", db_path)
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout.splitlines() == [
        "good.csv: 2 rows read; 2 figures to add, 0 to change, 0 unchanged; 0 rows rejected",
        "  imported as load 1: 2 added, 0 changed, 0 unchanged, 0 rows rejected",
    ]
    again = boards("import", files / "good.csv", "--db", db_path)
    assert again.returncode == 0
    assert again.stdout.startswith("good.csv: already imported as load 1 on ")
    assert again.stdout.rstrip().endswith(f" UTC by {OPERATOR}; nothing to do")
    loads = json.loads(boards("loads", "--json", "--db", db_path).stdout)
    assert [(load["load_id"], load["file_name"], load["rows_added"], load["status"]) for load in loads] == [
        (1, "good.csv", 2, "committed")
    ]


def test_rejected_file_exits_1_writes_nothing_and_reports_every_problem(db_path, files):
    """Every problem on stderr and in the report with line, column, value and reason; no load."""
    report = files / "report.csv"
    result = boards("import", files / "bad.csv", "--report", report, "--db", db_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "boards import: bad.csv: 2 rows read; 0 figures to add, 0 to change, 0 unchanged; 2 rows rejected",
        'bad.csv: Line 2, column "value": 104.5 is above the maximum of 100 for "Police attendance at partnership '
        'meetings" (a percentage)',
        'bad.csv: Line 3, column "area_code": "Atlantis" is not a local authority we know: give its ONS code, '
        "3-digit DfE code or name",
        "1 file(s) rejected by validation; nothing was written.",
    ]
    rows = pd.read_csv(report, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert rows[["file", "line", "column", "value"]].values.tolist() == [
        ["bad.csv", "2", "value", "104.5"], ["bad.csv", "3", "area_code", "Atlantis"]
    ]
    assert rows["reason"][1] == ('"Atlantis" is not a local authority we know: give its ONS code, 3-digit DfE '
                                 "code or name")
    assert boards("loads", "--db", db_path).stdout == "no loads\n"


def test_one_bad_file_stops_every_file(db_path, files):
    """Files are validated together: an unusable one means exit 2 and nothing written for any."""
    result = boards("import", files / "good.csv", files / "empty.csv", "--db", db_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-2:] == ["empty.csv: empty.csv is empty.",
                                               "1 file(s) unusable; nothing was written."]
    assert boards("loads", "--db", db_path).stdout == "no loads\n"


def test_dry_run_and_accepting_valid_rows(db_path, files):
    """--dry-run writes nothing; --accept-valid-rows imports the good row and records the other."""
    dry = boards("import", files / "good.csv", "--dry-run", "--db", db_path)
    assert (dry.returncode, dry.stdout.splitlines()[-1]) == (0, "  dry run: nothing was written")
    accepted = boards("import", files / "bad.csv", "--accept-valid-rows", "--db", db_path)
    assert accepted.returncode == 1  # nothing valid to accept
    mixed = files / "mixed.csv"
    mixed.write_bytes(long_csv("E06000001,2025-26 Q1,attendance_police,85.7,6,7,",
                               "E06000002,2025-26 Q1,attendance_police,104.5,,,"))
    result = boards("import", mixed, "--accept-valid-rows", "--db", db_path)
    assert (result.returncode, result.stdout.splitlines()[-1]) == (
        0, "  imported as load 1: 1 added, 0 changed, 0 unchanged, 1 rows rejected")


def test_unusable_file_and_missing_database(db_path, files, tmp_path):
    """Exit 2 for a file that is not a return; one line for a database that does not exist."""
    picture = files / "picture.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = boards("import", picture, "--db", db_path)
    assert (result.returncode, result.stderr) == (
        2, "boards import: picture.png: picture.png is not a CSV file: line 2 holds binary data (character 0x1a). "
           "Upload the CSV or Excel .xlsx file itself.\n1 file(s) unusable; nothing was written.\n")
    missing = boards("import", files / "good.csv", "--db", tmp_path / "none.duckdb")
    assert (missing.returncode, missing.stderr) == (
        1, f"boards import: {tmp_path / 'none.duckdb'} does not exist; create it with 'boards init' or 'boards demo'\n")


def test_size_limit_option(db_path, files):
    """--max-size refuses a larger file with exit 2."""
    result = boards("import", files / "good.csv", "--max-size", "0.0001", "--db", db_path)
    assert result.returncode == 2
    assert "good.csv is 155 bytes, over the 100 bytes limit for one upload" in result.stderr


def test_mapping_option(db_path, files):
    """An EES file with --mapping; a broken mapping is exit 2."""
    mapping = files / "d3.toml"
    mapping.write_text('period = "year_to_march"\n[indicators.repeat_cp_plans]\nvalue = "pct"\n')
    ees = files / "plans.csv"
    ees.write_text("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
                   "old_la_code,new_la_code,la_name,pct\n2025,Reporting year,Local authority,E92000001,England,"
                   "E12000001,North East,805,E06000001,Hartlepool,21.5\n")
    result = boards("import", ees, "--mapping", mapping, "--db", db_path)
    assert (result.returncode, result.stdout.splitlines()[-1]) == (
        0, "  imported as load 1: 1 added, 0 changed, 0 unchanged, 0 rows rejected")
    mapping.write_text('period = "weekly"\n')
    broken = boards("import", ees, "--mapping", mapping, "--db", db_path)
    assert (broken.returncode, broken.stderr) == (
        2, "boards import: The mapping d3.toml cannot be used: period must be one of year_to_march, "
           "year_to_september, financial_quarter, not 'weekly'; there is no [indicators.<id>] table.\n")


def test_rollback_command_counts_benchmarks(db_path):
    """Undoing a DfE load of only England and North East rows says it removed those 2 benchmarks (it said it
    restored 0 values and removed 0)."""
    store = Store.open(db_path)
    store.commit_load(
        pd.DataFrame(columns=list(OBSERVATION_COLUMNS)), source="published", loaded_by=OPERATOR,
        file_name="england.csv",
        benchmarks=pd.DataFrame({"geography_code": ["E92000001", "E12000001"], "indicator_id": ["rereferral_rate"] * 2,
                                 "period_id": ["2024-25"] * 2, "value": [20.5, 21.5], "numerator": [None, None],
                                 "denominator": [None, None], "status": ["reported"] * 2}),
    )
    store.close()
    result = boards("rollback", "1", "--db", db_path)
    assert (result.returncode, result.stdout) == (
        0, "Rolled back load 1 (england.csv): restored 0 values it had replaced and removed 0 it had added; "
           "restored 0 published benchmarks it had replaced and removed 2 it had added.\n")


def test_rollback_command(db_path, files):
    """rollback undoes a load and says what it restored; a second time is refused with exit 1."""
    boards("import", files / "good.csv", "--db", db_path)
    result = boards("rollback", "1", "--db", db_path)
    assert (result.returncode, result.stdout) == (
        0, "Rolled back load 1 (good.csv): restored 0 values it had replaced and removed 2 it had added.\n")
    again = boards("rollback", "1", "--db", db_path)
    assert again.returncode == 1
    assert again.stderr.startswith("boards rollback: Load 1 (good.csv) was already rolled back by ")


def test_acting_as_a_database_user(db_path, files):
    """--as uses that user's role: a viewer may not import."""
    added = boards("users", "add", "vic", "--role", "viewer", "--db", db_path)
    assert added.returncode == 0, added.stderr
    result = boards("import", files / "good.csv", "--as", "vic", "--db", db_path)
    assert (result.returncode, result.stderr) == (
        1, "boards import: vic has the Viewer (read only) role, which cannot upload data.\n")


def test_template_and_dictionary_commands(tmp_path):
    """template writes the long or wide template, dictionary the data dictionary."""
    written = boards("template", tmp_path / "long.csv").stdout
    assert written == f"Wrote the long quarterly template to {tmp_path / 'long.csv'}\n"
    assert (tmp_path / "long.csv").read_text(encoding="utf-8-sig").startswith("area_code,period,indicator,value")
    boards("template", "--wide", tmp_path / "wide.csv")
    assert (tmp_path / "wide.csv").read_text(encoding="utf-8-sig").startswith("area_code,period,strategy_discussion_partners")
    assert boards("dictionary", tmp_path / "d.csv").returncode == 0
    assert (tmp_path / "d.csv").read_text(encoding="utf-8-sig").startswith("column,required,name,description")


def test_the_long_template_as_written_is_refused_as_an_example(db_path, tmp_path):
    """The template straight from boards template, imported by the operator: its example row is refused."""
    boards("template", tmp_path / "long.csv")
    result = boards("import", tmp_path / "long.csv", "--dry-run", "--db", db_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "boards import: long.csv: 1 rows read; 0 figures to add, 0 to change, 0 unchanged; 1 rows rejected",
        'long.csv: Line 2, column "note": this is the template\'s example row (its note says "EXAMPLE - delete this '
        'row"), not a figure: delete the row and write your own figures',
        "1 file(s) rejected by validation; nothing was written.",
    ]


def test_dry_run_warns_of_a_percentage_without_counts(db_path, tmp_path):
    """A percentage without its counts is imported, but the dry run says it will not be judged, and why."""
    (tmp_path / "uncounted.csv").write_bytes(long_csv("E06000001,2025-26 Q1,attendance_police,85.7,,,"))
    result = boards("import", tmp_path / "uncounted.csv", "--dry-run", "--db", db_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "uncounted.csv: 1 rows read; 1 figures to add, 0 to change, 0 unchanged; 0 rows rejected",
        '  warning: "Police attendance at partnership meetings": 1 figure (2025-26 Q1) without a numerator and '
        "denominator will not be compared with others: a percentage needs its numerator and denominator to be "
        "judged against England. Give them (the columns attendance_police_numerator and "
        "attendance_police_denominator in the wide layout) to have them judged.",
        "  dry run: nothing was written",
    ]


def test_dry_run_lists_each_value_it_would_replace_old_to_new(db_path, files):
    """After good.csv, a file changing Hartlepool's police attendance: the dry run lists it, old to new."""
    boards("import", files / "good.csv", "--db", db_path)
    (files / "changed.csv").write_bytes(long_csv("E06000001,2025-26 Q1,attendance_police,,5,7,",
                                                 "E06000002,2025-26 Q1,multi_agency_audits,3,,,"))
    result = boards("import", files / "changed.csv", "--dry-run", "--db", db_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "changed.csv: 2 rows read; 0 figures to add, 1 to change, 1 unchanged; 0 rows rejected",
        "  change: Hartlepool, Police attendance at partnership meetings, 2025-26 Q1: 85.7 (6 of 7) to "
        "71.4286 (5 of 7) (value, counts)",
        "  dry run: nothing was written",
    ]


def test_size_is_checked_on_disk_before_the_file_is_read(db_path, files):
    """A 100 GB file (sparse: it takes no disk) is refused from its size, not read into memory first."""
    huge = files / "huge.csv"
    with huge.open("wb") as out:
        out.truncate(100 * 10**9)
    result = boards("import", huge, "--db", db_path)
    assert (result.returncode, result.stderr) == (
        2, "boards import: huge.csv: huge.csv is 100 GB, over the 50 MB limit for one upload. Split it into smaller "
           "files (for example one per year) and upload each.\n1 file(s) unusable; nothing was written.\n")


def test_deeply_nested_mapping_is_one_line(db_path, files):
    """A mapping nesting 10,000 arrays is refused in one line with exit 2, not a RecursionError."""
    mapping = files / "deep.toml"
    mapping.write_text("period = " + "[" * 10_000 + "]" * 10_000 + "\n")
    result = boards("import", files / "good.csv", "--mapping", mapping, "--db", db_path)
    assert (result.returncode, result.stderr) == (
        2, "boards import: The mapping deep.toml nests arrays or tables too deeply to be read; a mapping nests them "
           "two deep (data/mappings/README.md).\n")


def test_a_mapping_file_is_refused_from_its_size_on_disk(db_path, files):
    """A 100 GB (sparse) mapping file is refused before it is read."""
    mapping = files / "huge.toml"
    with mapping.open("wb") as out:
        out.truncate(100 * 10**9)
    result = boards("import", files / "good.csv", "--mapping", mapping, "--db", db_path)
    assert (result.returncode, result.stderr) == (
        2, f"boards import: The mapping file {mapping} is 100 GB, over the 100,000 bytes limit for a mapping (the "
           "shipped ones are under 1,000 bytes); check that it is the mapping you meant.\n")


def test_corrupt_block_of_a_workbook_is_one_line(db_path, files):
    """A workbook whose sheet's compressed data is damaged is unusable, exit 2, in one line."""
    data = bytearray(workbook({"S": [["area_code", "period"]] * 3000}))
    sheet = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename) + len(sheet.extra) + 200
    data[start:start + 60] = bytes(byte ^ 0xFF for byte in data[start:start + 60])
    (files / "damaged.xlsx").write_bytes(bytes(data))
    result = boards("import", files / "damaged.xlsx", "--db", db_path)
    assert (result.returncode, result.stderr) == (
        2, "boards import: damaged.xlsx: damaged.xlsx looks like a spreadsheet but cannot be read (Error -3 while "
           "decompressing data: invalid distance too far back). Save it again as .xlsx or CSV and upload that.\n"
           "1 file(s) unusable; nothing was written.\n")


def test_full_disk_writing_the_report_is_one_line(db_path, files):
    """The report written to a full disk (/dev/full) is exit 1, one line, and nothing is imported."""
    result = boards("import", files / "good.csv", "--report", "/dev/full", "--db", db_path)
    assert (result.returncode, result.stderr) == (
        1, "boards import: the report /dev/full cannot be written (No space left on device); nothing was imported.\n")
    assert json.loads(boards("loads", "--json", "--db", db_path).stdout) == []


def test_full_disk_writing_a_template_is_one_line(tmp_path):
    """Any command writing to a full disk ends with one line and exit 1."""
    result = boards("template", "/dev/full")
    assert (result.returncode, result.stderr) == (1, "boards template: No space left on device\n")
