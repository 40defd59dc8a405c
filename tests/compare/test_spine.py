"""Spine chart positions: the Fingertips scaling (boards/compare/spine.py) on a worked example and
on the small world of world.py."""

import numpy as np
import pytest

from boards.compare.spine import spine_positions, spine_rows

from .world import PARTNERSHIP, area

# The worked example of the module docstring: England 37.9, areas from 14.9 to 74.8, quartiles
# 27.9 and 47.2, the area 53.5. The highest is further from England (36.9 against 23.0), so the
# scale runs from 37.9 - 36.9 = 1.0 to 74.8, 73.8 wide: (value - 1.0) / 73.8.
ENGLAND, LOWEST, LOWER_QUARTILE, UPPER_QUARTILE, HIGHEST, AREA = 37.9, 14.9, 27.9, 47.2, 74.8, 53.5
FIGURES = np.array([LOWEST, LOWER_QUARTILE, ENGLAND, UPPER_QUARTILE, HIGHEST, AREA])


def test_worked_example_higher_is_better():
    """England at the centre, the far extreme (highest) at the right edge, the near one short of the left."""
    positions = spine_positions(FIGURES, ENGLAND, LOWEST, HIGHEST)
    assert positions == pytest.approx([13.9 / 73.8, 26.9 / 73.8, 0.5, 46.2 / 73.8, 1.0, 52.5 / 73.8])
    assert positions == pytest.approx([0.188347, 0.364499, 0.5, 0.626016, 1.0, 0.711382], abs=1e-6)


def test_worked_example_lower_is_better_is_mirrored():
    """Where lower is better the highest is the worst: it goes to the left edge, better stays on the right."""
    positions = spine_positions(FIGURES, ENGLAND, LOWEST, HIGHEST, lower_is_better=True)
    assert positions == pytest.approx([0.811653, 0.635501, 0.5, 0.373984, 0.0, 0.288618], abs=1e-6)


def test_the_near_extreme_sets_nothing_and_distances_match_on_both_sides():
    """Equal distances from England get equal distances from the centre, whichever side."""
    above, below = spine_positions(np.array([ENGLAND + 10, ENGLAND - 10]), ENGLAND, LOWEST, HIGHEST)
    assert above - 0.5 == pytest.approx(0.5 - below)


def test_no_spread_puts_values_at_the_centre_and_no_value_nowhere():
    """Every area at England's value: no scale to draw on, so the centre; a missing value stays missing."""
    positions = spine_positions(np.array([5.0, np.nan]), 5.0, 5.0, 5.0)
    assert positions[0] == 0.5
    assert np.isnan(positions[1])


def test_rows_of_a_partnership_in_the_small_world(small_comparison):
    """P-AB's re-referrals (lower is better) in 2024-25: 23.0% against England 22.0%, areas from 21.6%
    (LA 3) to 40.0% (LA 12): the scale runs from 22.0 - 18.0 = 4.0 to 40.0, mirrored, so LA 12 is the
    left edge."""
    rows = spine_rows(small_comparison.area_results, small_comparison.benchmarks, PARTNERSHIP)
    assert rows["indicator_id"].tolist()[:3] == ["referral_rate", "rereferral_rate", "strategy_discussion_partners"]
    row = rows.set_index("indicator_id").loc["rereferral_rate"]
    assert (row["value"], row["england"], row["lowest"], row["highest"]) == pytest.approx((23.0, 22.0, 21.6, 40.0))
    assert row["x_value"] == pytest.approx(1 - (23.0 - 4.0) / 36.0)
    assert row["x_worst"] == pytest.approx(0.0)
    assert row["x_best"] == pytest.approx(1 - (21.6 - 4.0) / 36.0)
    # England's quartiles of the 11 partnerships, 22.1% and 23.0%: the worse one (23.0%) on the left.
    assert (row["lower_quartile"], row["upper_quartile"]) == pytest.approx((22.1, 23.0))
    assert row["x_quartile_worse"] == pytest.approx(1 - (23.0 - 4.0) / 36.0)
    assert row["x_quartile_better"] == pytest.approx(1 - (22.1 - 4.0) / 36.0)
    assert row["flag"] == "similar"


def test_every_value_lies_on_its_bar(small_comparison):
    """The partnership is one of the areas, so its position lies between the ends of its bar."""
    for code in (PARTNERSHIP, area(12), area(8)):
        rows = spine_rows(small_comparison.area_results, small_comparison.benchmarks, code)
        placed = rows[rows["x_value"].notna()]
        assert len(placed) >= 4
        assert (placed["x_value"] >= placed["x_worst"] - 1e-9).all()
        assert (placed["x_value"] <= placed["x_best"] + 1e-9).all()
