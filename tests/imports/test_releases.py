"""Published releases in order (issue 19, item 6): a load records its release, and an older DfE release does
not replace the figures of a newer one unless the uploader says so."""

import json
import subprocess
import sys

import pytest

from boards.imports.pipeline import ImportRejected, commit_plan
from boards.reference import REFERENCE_DIR

from .conftest import inspect

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
RELEASE_2025 = (REFERENCE_DIR / "dfe" / C1).read_bytes()
# Barnsley's 2023-24 row of the real file: 3,114 referrals, 696 re-referrals, 22.4%.
BARNSLEY_2024 = b"Barnsley,Referrals and Re-referrals,3114,696,22.4,"


def release_2024(*, revised: bool) -> bytes:
    """The real file as the 2024 release covered it, rows to 2023-24 only. ``revised``: Barnsley's 2023-24
    re-referrals read 690 (22.2%), standing for a figure the 2025 release revised (the one cell not as published)."""
    lines = RELEASE_2025.splitlines(keepends=True)
    kept = b"".join([lines[0], *(line for line in lines[1:] if int(line[:4]) <= 2024)])
    assert kept.count(BARNSLEY_2024) == 1
    return kept.replace(BARNSLEY_2024, b"Barnsley,Referrals and Re-referrals,3114,690,22.2,") if revised else kept


OLDER = release_2024(revised=True)
REFUSAL = (
    "c1_2013_to_2024.csv is an older DfE release than the one in force for 1 figure it would change: it is the "
    "release with figures to 31 March 2024, and load 1 (" + C1 + ") imported the release with figures to "
    "31 March 2025. Importing it would replace revised figures with superseded ones."
)


def test_a_load_records_the_release_its_figures_came_from(store):
    """The real C1 file runs to 2024-25: its load's release; a quarterly return has none."""
    plan = inspect(store, C1, RELEASE_2025)
    assert (plan.release, plan.older_release) == ("2024-25", None)
    commit_plan(store, plan)
    local = inspect(store, "q.csv", b"area_code,period,indicator,value\nE06000001,2025-26 Q1,multi_agency_audits,3\n")
    assert local.release is None
    commit_plan(store, local)
    assert store.loads()["release"].fillna("none").tolist() == ["2024-25", "none"]


def test_an_older_release_is_refused_unless_allowed(store):
    """After the 2025 release, the 2024 release with one figure it gave otherwise is refused, naming both
    releases; allowed, it replaces that one figure and the load records 2023-24."""
    commit_plan(store, inspect(store, C1, RELEASE_2025))
    plan = inspect(store, "c1_2013_to_2024.csv", OLDER)
    assert (plan.release, plan.summary.rows_to_change, plan.problems) == ("2023-24", 1, ())
    assert plan.older_release == REFUSAL
    with pytest.raises(ImportRejected) as refused:
        commit_plan(store, plan)
    assert str(refused.value) == REFUSAL + " Nothing was written."
    assert len(store.loads()) == 1
    assert store.audit_log()[["action", "target"]].values.tolist()[-1] == ["upload_refused", "c1_2013_to_2024.csv"]
    result = commit_plan(store, plan, allow_older=True)
    assert (result.rows_changed, store.loads()["release"].tolist()) == (1, ["2024-25", "2023-24"])
    row = store.table("observations").set_index(["area_code", "indicator_id", "period_id"]).loc[
        ("E08000038", "rereferral_rate", "2023-24")]
    assert (row.value, row.numerator, row.denominator) == (22.2, 690.0, 3114.0)


def test_an_older_release_that_changes_nothing_is_not_refused(store):
    """The 2024 release as the 2025 one states it changes no figure: leaving them alone harms nothing."""
    commit_plan(store, inspect(store, C1, RELEASE_2025))
    same = inspect(store, "c1_2013_to_2024.csv", release_2024(revised=False))
    assert (same.older_release, same.summary.rows_to_change, same.summary.rows_unchanged) == (None, 0, 3578)


def test_a_newer_release_replaces_an_older_one(store):
    """Imported in their order, the 2025 release revises Barnsley's 2023-24 figure of the 2024 release."""
    commit_plan(store, inspect(store, "c1_2013_to_2024.csv", OLDER))
    plan = inspect(store, C1, RELEASE_2025)
    assert (plan.older_release, plan.summary.rows_to_change) == (None, 1)
    commit_plan(store, plan)
    row = store.table("observations").set_index(["area_code", "indicator_id", "period_id"]).loc[
        ("E08000038", "rereferral_rate", "2023-24")]
    assert (row.value, row.numerator, row.load_id) == (22.4, 696.0, 2)


def boards(*args):
    return subprocess.run([sys.executable, "-m", "boards", *map(str, args)], capture_output=True, text=True)


def test_boards_import_refuses_an_older_release_lists_its_change_and_allows_it_when_asked(db_path, tmp_path):
    """The dry run lists the change old to new with the refusal (exit 1); --allow-older imports it."""
    newer, older = tmp_path / C1, tmp_path / "c1_2013_to_2024.csv"
    newer.write_bytes(RELEASE_2025)
    older.write_bytes(OLDER)
    first = boards("import", newer, "--db", db_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0].endswith("; 312 National and Regional benchmarks; the release with figures "
                                                 "to 31 March 2025; left out: 20 rows of a former LA split between "
                                                 "current areas; left out: 14 rows of former LAs merged into one "
                                                 "current area in the same year")
    dry = boards("import", older, "--dry-run", "--db", db_path)
    assert (dry.returncode, dry.stdout) == (1, "")
    assert dry.stderr.splitlines()[1:] == [
        "  change: Barnsley, Re-referrals within 12 months, 2023-24: 22.4 (696 of 3,114) to 22.2 (690 of 3,114) "
        "(value, counts)",
        REFUSAL + " If you mean to go back to that release, import it again with --allow-older.",
        "1 file(s) older than the release in force; nothing was written.",
    ]
    refused = boards("import", older, "--db", db_path)
    assert refused.returncode == 1
    allowed = boards("import", older, "--allow-older", "--db", db_path)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.splitlines()[-1] == "  imported as load 2: 0 added, 1 changed, 3577 unchanged, 0 rows rejected"
    local = tmp_path / "q.csv"
    local.write_bytes(b"area_code,period,indicator,value\nE06000001,2025-26 Q1,multi_agency_audits,3\n")
    assert boards("import", local, "--db", db_path).returncode == 0
    loads = json.loads(boards("loads", "--json", "--db", db_path).stdout)
    assert [load["release"] for load in loads] == ["2024-25", "2023-24", None]
    table = boards("loads", "--db", db_path).stdout.splitlines()
    # Each row: load, date, time, who, source, file, release (blank for the quarterly return, then rows added).
    assert [line.split()[6] for line in table[1:]] == ["2024-25", "2023-24", "1"]
