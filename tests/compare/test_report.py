"""`boards flags`: partnerships ranked by concern score, as a table, CSV or JSON; errors in one line."""

import csv
import io
import json

from boards.cli import main
from boards.compare.report import CSV_COLUMNS


def flags(capsys, *args):
    code = main(["flags", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_lists_every_partnership_with_its_flags(demo_db_path, capsys):
    """The latest quarter by default; rank with its 95% interval, name, score and summary, then one sentence per
    flag."""
    code, out, err = flags(capsys, "--db", str(demo_db_path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Concern scores as at 2026-27 Q2 (Jul-Sep 2026): 153 partnerships, most concern first."
    ranked = [line for line in lines if line[:4].strip().isdigit()]
    assert len(ranked) == 153
    assert ranked[0].startswith("   1 (1-3)  Kensington and Chelsea (E09000020)  score +2.02  ")
    sentences = [line.strip() for line in lines if line.startswith("        ")]
    assert sentences and all(sentence.endswith(".") for sentence in sentences)


def test_csv_has_one_row_per_flag(demo_db_path, capsys):
    """CSV: the documented columns; partnerships without flags still have their row."""
    code, out, _ = flags(capsys, "--format", "csv", "--db", str(demo_db_path))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == CSV_COLUMNS
    assert len({row["partnership_id"] for row in rows}) == 153
    assert rows[0]["rank"] == "1" and rows[0]["sentence"]


def test_json_for_another_period(demo_db_path, capsys):
    """JSON as at an annual period: ranks in order, every flag with its sentence."""
    code, out, _ = flags(capsys, "--period", "2024-25", "--format", "json", "--db", str(demo_db_path))
    document = json.loads(out)
    assert code == 0
    assert (document["period_id"], document["as_at"]) == ("2024-25", "2025-03-31")
    ranks = [entry["rank"] for entry in document["partnerships"]]
    assert len(ranks) == 153 and ranks == sorted(ranks)
    flagged = [flag for entry in document["partnerships"] for flag in entry["flags"]]
    assert flagged and all(flag["sentence"] for flag in flagged)


def test_errors_are_one_line(demo_db_path, tmp_path, capsys):
    """An unknown period or a missing database: one line on stderr, exit status 1."""
    code, out, err = flags(capsys, "--period", "2031-32 Q1", "--db", str(demo_db_path))
    assert (code, out) == (1, "")
    assert err == ("boards flags: no data for period '2031-32 Q1'; the latest periods are 2025-26 Q3, "
                   "2025-26 Q4, 2026-27 Q1, 2026-27 Q2\n")
    code, _, err = flags(capsys, "--db", str(tmp_path / "none.duckdb"))
    assert code == 1
    assert err.count("\n") == 1 and "does not exist" in err


def test_published_figures_only(demo_db_path, capsys):
    """--sources published: the same 153 partnerships ranked on DfE and Ofsted figures alone, none of the
    invented local returns counted, so none is 'not reported'."""
    code, out, _ = flags(capsys, "--sources", "published", "--format", "json", "--db", str(demo_db_path))
    document = json.loads(out)
    assert code == 0 and len(document["partnerships"]) == 153
    assert sum(entry["did_not_report"] for entry in document["partnerships"]) == 0
    indicators = {flag["indicator_id"] for entry in document["partnerships"] for flag in entry["flags"]}
    assert indicators and indicators <= {"rereferral_rate", "repeat_cp_plans", "assessment_timeliness", "icpc_timeliness",
                                         "cp_plans_2_years", "caseload", "vacancy_rate", "agency_rate", "turnover_rate",
                                         "absence_rate", "ilacs_grade"}
