"""The dry run figure by figure (planned_figures), its counts per partnership, and who may roll back which load."""

import pytest

from boards.access import Actor
from boards.catalogue import load_catalogue
from boards.imports.pipeline import commit_plan, rollback
from boards.imports.preview import by_partnership_and_indicator, figure_texts, load_history, planned_figures

from .conftest import OPERATOR, inspect, long_csv

FIRST = long_csv(
    "E06000001,2025-26 Q1,attendance_police,85.7,6,7,",
    "E06000002,2025-26 Q1,attendance_police,50,1,2,",
    "E06000003,2025-26 Q1,multi_agency_audits,4,,,",
)
SECOND = long_csv(
    "E06000001,2025-26 Q1,attendance_police,85.7,6,7,",  # unchanged
    "E06000002,2025-26 Q1,attendance_police,75,3,4,",  # value and counts change
    "E06000003,2025-26 Q1,multi_agency_audits,4,,,recounted",  # only the note changes
    "E06000004,2025-26 Q1,multi_agency_audits,c,,,",  # added
)
HAL = Actor("hal", "Hal", "uploader", frozenset({"E06000001"}), ("Hartlepool",))
MIA = Actor("mia", "Mia", "uploader", frozenset({"E06000002"}), ("Middlesbrough",))
ANA = Actor("ana", "Ana", "analyst")
ADA = Actor("ada", "Ada", "admin")
VIC = Actor("vic", "Vic", "viewer")


def test_every_figure_says_what_committing_does_and_the_counts_equal_the_plans(store):
    commit_plan(store, inspect(store, "first.csv", FIRST))
    plan = inspect(store, "second.csv", SECOND)
    figures = planned_figures(store, plan, load_catalogue()).set_index("area_code")
    assert figures["action"].value_counts().to_dict() == {
        "add": plan.summary.rows_to_add, "change": plan.summary.rows_to_change,
        "unchanged": plan.summary.rows_unchanged}
    assert figures[["action", "current", "new", "what_changes"]].to_dict("index") == {
        "E06000001": {"action": "unchanged", "current": "85.7 (6 of 7)", "new": "85.7 (6 of 7)", "what_changes": ""},
        "E06000002": {"action": "change", "current": "50 (1 of 2)", "new": "75 (3 of 4)",
                      "what_changes": "value, counts"},
        "E06000003": {"action": "change", "current": "4", "new": "4", "what_changes": "note"},
        "E06000004": {"action": "add", "current": "", "new": "c (confidential)", "what_changes": ""},
    }
    assert figures.loc["E06000002", ["partnership_name", "indicator_name", "current_load_id"]].tolist() == [
        "Middlesbrough", "Police attendance at partnership meetings", 1]


def test_counts_per_partnership_and_indicator(store):
    commit_plan(store, inspect(store, "first.csv", FIRST))
    figures = planned_figures(store, inspect(store, "second.csv", SECOND), load_catalogue())
    table = by_partnership_and_indicator(figures)
    assert table.to_dict("records") == [
        {"partnership_name": "Hartlepool", "indicator_name": "Police attendance at partnership meetings",
         "periods": "2025-26 Q1", "add": 0, "change": 0, "unchanged": 1},
        {"partnership_name": "Middlesbrough", "indicator_name": "Police attendance at partnership meetings",
         "periods": "2025-26 Q1", "add": 0, "change": 1, "unchanged": 0},
        {"partnership_name": "Redcar and Cleveland", "indicator_name": "Multi-agency case audits completed",
         "periods": "2025-26 Q1", "add": 0, "change": 1, "unchanged": 0},
        {"partnership_name": "Stockton-on-Tees", "indicator_name": "Multi-agency case audits completed",
         "periods": "2025-26 Q1", "add": 1, "change": 0, "unchanged": 0},
    ]


def test_a_file_already_imported_plans_no_figures(store):
    commit_plan(store, inspect(store, "first.csv", FIRST))
    again = inspect(store, "again.csv", FIRST)
    assert planned_figures(store, again, load_catalogue()).empty
    assert by_partnership_and_indicator(planned_figures(store, again, load_catalogue())).empty


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [(None, []), (VIC, []), (HAL, [2]), (MIA, [3]), (ANA, [3]), (ADA, [3, 2])],
)
def test_who_may_roll_back_which_load(store, actor, allowed):
    """Load 1 (rolled back): nobody. Load 2 (Hartlepool's, by the operator): Hal and admins. Load 3
    (Middlesbrough's, by Ana): Ana who made it, Mia whose area it is, and admins."""
    first = commit_plan(store, inspect(store, "first.csv", FIRST))
    rollback(store, first.load_id, actor=OPERATOR)
    commit_plan(store, inspect(store, "hartlepool.csv", long_csv("E06000001,2025-26 Q2,attendance_police,80,4,5,")))
    commit_plan(store, inspect(store, "ana.csv", long_csv("E06000002,2025-26 Q2,attendance_police,80,4,5,"),
                               actor=ANA))
    history = load_history(store, actor)
    assert history["load_id"].tolist() == [3, 2, 1]
    assert history.loc[history["may_roll_back"], "load_id"].tolist() == allowed


def test_figure_texts():
    """A figure with both counts, one with one count, a thousand, a symbol, nothing stored, a symbol not in the list."""
    texts = figure_texts(
        [85.71428571, 12.0, 1234.5, None, None, None],
        ["reported", "reported", "reported", "x", None, "q"],
        [6, 3, None, None, None, None],
        [7, None, None, None, None, None],
    )
    assert texts.tolist() == ["85.7143 (6 of 7)", "12", "1,234.5", "x (not available)", "", "q"]
