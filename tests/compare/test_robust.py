"""Robust z-scores: median and MAD, with the mean-absolute-deviation fallback."""

import numpy as np
import pytest

from boards.compare.robust import robust_z


def test_median_and_mad_worked_by_hand():
    """1, 2, 3, 4, 100: median 3, MAD 1, so z = (x - 3) / 1.4826 (Iglewicz and Hoaglin 1993)."""
    z, median = robust_z(np.array([1.0, 2, 3, 4, 100]), np.zeros(5, dtype=int))
    assert median.tolist() == [3.0] * 5
    assert z == pytest.approx(np.array([-2, -1, 0, 1, 97]) / 1.4826)


def test_zero_mad_falls_back_to_the_mean_absolute_deviation():
    """5, 5, 5, 5, 9: MAD 0; mean absolute deviation 0.8, scale 1.2533 x 0.8, so z(9) = 4 / 1.00265 = 3.989."""
    z, _ = robust_z(np.array([5.0, 5, 5, 5, 9]), np.zeros(5, dtype=int))
    assert z[-1] == pytest.approx(4 / (np.sqrt(np.pi / 2) * 0.8))
    assert z[:4].tolist() == [0.0] * 4


def test_all_equal_values_score_zero():
    """When every area has the same value, nobody is an outlier."""
    z, _ = robust_z(np.array([2.0, 2, 2, np.nan]), np.zeros(4, dtype=int))
    assert z[:3].tolist() == [0.0, 0.0, 0.0]
    assert np.isnan(z[3])


def test_groups_are_scored_separately():
    """Each group has its own median and scale; missing values are ignored and stay missing."""
    values = np.array([1.0, 2, 3, np.nan, 10, 20, 30])
    z, median = robust_z(values, np.array([0, 0, 0, 0, 1, 1, 1]))
    assert median.tolist() == [2.0, 2.0, 2.0, 2.0, 20.0, 20.0, 20.0]
    assert z[[0, 2, 4, 6]] == pytest.approx([-1 / 1.4826, 1 / 1.4826, -1 / 1.4826, 1 / 1.4826])
    assert np.isnan(z[3])
