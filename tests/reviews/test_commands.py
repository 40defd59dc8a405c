"""The register through the `boards` command: templates, dictionary, import with exit statuses, rollback."""

from boards.cli import main

from .conftest import recommendations_csv, reviews_csv


def run(capsys, *arguments):
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_templates_and_dictionary(tmp_path, capsys):
    """`boards template --reviews/--recommendations` and `boards dictionary --register` write the register files."""
    for option, header in (("--reviews", "partnership,review_id,kind,"), ("--recommendations", "partnership,review_id,"
                                                                                               "recommendation_id,")):
        out = tmp_path / f"{option[2:]}.csv"
        status, output, _ = run(capsys, "template", option, str(out))
        assert status == 0 and output.startswith(f"Wrote the {option[2:]} file of the case review register")
        assert out.read_text(encoding="utf-8-sig").startswith(header)
    status, output, _ = run(capsys, "dictionary", "--register", str(tmp_path / "dictionary.csv"))
    assert (status, output.strip()) == (0, f"Wrote the data dictionary of the case review register to "
                                           f"{tmp_path / 'dictionary.csv'}")


def test_import_rejects_then_imports_then_rolls_back(store, tmp_path, capsys):
    """A register with a problem exits 1 even with --accept-valid-rows; the register then the recommendations
    import (exit 0); the last load rolls back."""
    db = store.path
    bad = tmp_path / "bad.csv"
    bad.write_bytes(reviews_csv("E06000001,A,rapid_review,2025-10-08,2025-10-01,,,,"))
    status, _, error = run(capsys, "import", str(bad), "--accept-valid-rows", "--db", db)
    assert status == 1
    assert error.strip().endswith("1 file(s) rejected by validation; nothing was written.")
    assert 'bad.csv: Line 2, column "notification_date": 01 Oct 2025 is before' in error

    reviews, recommendations = tmp_path / "reviews.csv", tmp_path / "recommendations.csv"
    reviews.write_bytes(reviews_csv())
    recommendations.write_bytes(recommendations_csv())
    status, output, _ = run(capsys, "import", str(reviews), "--db", db)
    assert status == 0 and "imported as load 1: 108 added" in output
    status, output, _ = run(capsys, "import", str(recommendations), "--db", db)
    assert status == 0 and "imported as load 2: 0 added, 20 changed, 88 unchanged" in output
    status, _, error = run(capsys, "rollback", "1", "--db", db)
    assert status == 1 and "load 2 (recommendations.csv) has since loaded the case review register" in error
    status, output, _ = run(capsys, "rollback", "2", "--db", db)
    assert (status, output.strip()) == (0, "Rolled back load 2 (recommendations.csv): restored 20 values it had "
                                           "replaced and removed 0 it had added.")
