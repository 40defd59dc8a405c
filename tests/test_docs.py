"""The README documents every indicator, command and setting the code has."""

from pathlib import Path

import pytest

from boards.catalogue import load_catalogue
from boards.cli import _parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
INDICATORS = list(load_catalogue().values())


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.indicator_id)
def test_readme_lists_each_indicator(indicator):
    """Each catalogue indicator appears in the README by name and id."""
    assert f"{indicator.name} (`{indicator.indicator_id}`)" in README


def test_readme_documents_each_command():
    """Every `boards` subcommand is in the README's command table."""
    subcommands = _parser()._subparsers._group_actions[0].choices
    assert sorted(subcommands) == ["audit", "backtest", "backup", "check", "demo", "dictionary", "flags", "import", "info", "init", "loads", "pack",
                                  "partnerships", "restore", "rollback", "settings", "template", "users"]
    for name, parser in subcommands.items():
        actions = parser._subparsers._group_actions[0].choices if parser._subparsers else {}
        for action in actions or [None]:
            assert f"`boards {name} {action + ' ' if action else ''}" in README, (name, action)


@pytest.mark.parametrize("setting", ["BOARDS_DB", "BOARDS_CHROMIUM", "--db PATH", "data/boards.duckdb"])
def test_readme_documents_settings(setting):
    """The database and browser settings are documented."""
    assert setting in README


def test_quick_start_is_the_ci_command():
    """.ci/run calls exactly the README's test command."""
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "python3 dev.py test    # every test" in README
    assert ci.strip().splitlines()[-1] == "python3 dev.py test"
