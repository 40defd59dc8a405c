"""The README is a front door and docs/ documents every indicator, command, setting and dependency the code has,
with every relative link resolving."""

import re
import tomllib
from pathlib import Path

import pytest

from boards.accounts import SETTINGS_DEFAULTS
from boards.catalogue import load_catalogue
from boards.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
README_PATH = ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")
DOCS = ROOT / "docs"
OPERATIONS = (DOCS / "operations.md").read_text(encoding="utf-8")
DATA = (DOCS / "data.md").read_text(encoding="utf-8")
DEPENDENCIES = (DOCS / "dependencies.md").read_text(encoding="utf-8")
DOCUMENTS = [README_PATH, *sorted(DOCS.glob("*.md"))]
INDICATORS = list(load_catalogue().values())
README_LIMIT_BYTES = 8 * 1024  # a front door: what, for whom, quick start, links (DfE's own dashboard README is 4 KB)
# [text](target) outside code; a link's target ends at the first space (a title may follow) or the bracket.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)")
CODE_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def test_readme_is_a_front_door():
    """At most 8 KB: the rest lives in docs/."""
    assert README_PATH.stat().st_size <= README_LIMIT_BYTES


def test_quick_start_is_the_ci_command():
    """The README's quick start is the two commands, and .ci/run calls exactly its test command."""
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 dev.py run     # the dashboard at http://127.0.0.1:8501" in README
    assert "python3 dev.py test    # every test" in README
    assert ci.strip().splitlines()[-1] == "python3 dev.py test"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = CODE_BLOCK.sub("", path.read_text(encoding="utf-8"))
    return {_anchor(line.lstrip("#")) for line in text.splitlines() if re.match(r"#{1,6} ", line)}


def _relative_links(path: Path) -> list[str]:
    text = CODE_SPAN.sub("", CODE_BLOCK.sub("", path.read_text(encoding="utf-8")))
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:", target)]


def test_anchor_is_githubs():
    assert _anchor("Why DuckDB 1.5, not 2.0") == "why-duckdb-15-not-20"
    assert _anchor("The `boards` command") == "the-boards-command"
    assert _anchor("`server.py`, not only `streamlit run dashboard.py`") == "serverpy-not-only-streamlit-run-dashboardpy"


def test_links_are_found():
    """The link check below sees the links it checks: the README's to each of docs/, the architecture's to the code."""
    linked = {target.split("#")[0] for target in _relative_links(README_PATH)}
    assert {f"docs/{path.name}" for path in DOCS.glob("*.md")} <= linked
    assert "../boards/access.py" in _relative_links(DOCS / "architecture.md")
    assert "operations.md#releases-in-order" in _relative_links(DOCS / "decisions.md")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_relative_links_resolve(document):
    """Every relative link names a file or folder that exists, and a heading of it when it names one."""
    broken = []
    for target in _relative_links(document):
        file_part, _, anchor = target.partition("#")
        resolved = (document.parent / file_part).resolve() if file_part else document
        if not resolved.exists():
            broken.append(target)
        elif anchor and (resolved.suffix != ".md" or anchor not in _anchors(resolved)):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.indicator_id)
def test_data_lists_each_indicator(indicator):
    """Each catalogue indicator appears in docs/data.md by name and id."""
    assert f"{indicator.name} (`{indicator.indicator_id}`)" in DATA


def test_operations_documents_each_command():
    """Every `boards` subcommand, and each of its actions, is in docs/operations.md's command table."""
    subcommands = _parser()._subparsers._group_actions[0].choices
    assert sorted(subcommands) == [
        "audit", "backtest", "backup", "check", "copy", "demo", "dictionary", "flags", "import", "info", "init",
        "loads", "pack", "partnerships", "restore", "rollback", "settings", "template", "users",
    ]
    for name, parser in subcommands.items():
        actions = parser._subparsers._group_actions[0].choices if parser._subparsers else {}
        for action in actions or [None]:
            assert f"`boards {name} {action + ' ' if action else ''}" in OPERATIONS, (name, action)


def _environment_variables() -> list[str]:
    """Every BOARDS_ variable the application and dev.py read."""
    sources = [*sorted((ROOT / "boards").rglob("*.py")), ROOT / "dev.py", ROOT / "server.py", ROOT / "dashboard.py"]
    return sorted({name for path in sources for name in re.findall(r"\bBOARDS_[A-Z_]+\b", path.read_text("utf-8"))})


def test_operations_documents_each_environment_variable():
    variables = _environment_variables()
    assert variables == ["BOARDS_ADMIN_PASSWORD", "BOARDS_CHROMIUM", "BOARDS_DB", "BOARDS_TEST_SESSION_TIMEOUT_SECONDS"]
    assert [name for name in variables if f"`{name}`" not in OPERATIONS] == []


@pytest.mark.parametrize("setting", ["--db PATH", "data/boards.duckdb", *SETTINGS_DEFAULTS])
def test_operations_documents_settings(setting):
    """The database file and every setting `boards settings` changes are documented."""
    assert setting in OPERATIONS


def _dependency_names() -> list[str]:
    """Every package pyproject.toml names: the application's, each dependency group's and the build backend's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specifiers = [*project["project"]["dependencies"], *project["build-system"]["requires"]]
    specifiers += [spec for group in project["dependency-groups"].values() for spec in group]
    return sorted({re.match(r"[A-Za-z0-9._-]+", spec).group(0).lower() for spec in specifiers})


def test_dependencies_documents_each_dependency():
    """Every package of pyproject.toml has a row of docs/dependencies.md saying why it is there."""
    names = _dependency_names()
    assert "duckdb" in names and "hatchling" in names and "pytest" in names
    rows = {re.split(r"[ |(]", line.removeprefix("| "), maxsplit=1)[0].lower()
            for line in DEPENDENCIES.splitlines() if line.startswith("| ")}
    assert [name for name in names if name not in rows] == []
