"""Confidence intervals: Wilson for proportions, exact Poisson and Byar for counts."""

import numpy as np
import pytest
from scipy import stats

from boards.compare.intervals import normal_quantile, poisson_count_interval, wilson_interval


@pytest.mark.parametrize(
    ("successes", "trials", "lower", "upper"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombe_1998(successes, trials, lower, upper):
    """Newcombe, Statistics in Medicine 17 (1998) 857-872, table II, method 3 (Wilson score, no correction)."""
    low, high = wilson_interval(np.array([successes]), np.array([trials]))
    assert (round(float(low[0]), 4), round(float(high[0]), 4)) == (lower, upper)


def test_wilson_65_of_100():
    """65/100: 55.25% to 73.64%, Wilson's closed form (PHEindicatormethods wilson_lower/upper) worked by hand."""
    low, high = wilson_interval(np.array([65.0]), np.array([100.0]))
    assert float(low[0]) == pytest.approx(0.55254, abs=5e-6)
    assert float(high[0]) == pytest.approx(0.73636, abs=5e-6)


def test_wilson_99_8_is_wider_and_stays_in_range():
    """At 99.8% the interval is wider than at 95% and never leaves 0-1, even at 0 and n events."""
    x, n = np.array([0.0, 5.0, 50.0]), np.array([50.0, 50.0, 50.0])
    low95, high95 = wilson_interval(x, n, 0.95)
    low998, high998 = wilson_interval(x, n, 0.998)
    assert np.all(low998 <= low95) and np.all(high998 >= high95)
    assert np.all(low998 >= 0) and np.all(high998 <= 1)


@pytest.mark.parametrize(
    ("count", "lower", "upper"), [(0, 0.0, 3.689), (1, 0.0253, 5.572), (5, 1.623, 11.668), (9, 4.115, 17.085)]
)
def test_exact_poisson_below_ten_events(count, lower, upper):
    """Exact (Garwood) 95% limits, as tabulated in Breslow and Day vol. II (1987) appendix; checked with scipy.stats.chi2."""
    low, high = poisson_count_interval(np.array([float(count)]))
    assert float(low[0]) == pytest.approx(lower, abs=6e-4)
    assert float(high[0]) == pytest.approx(upper, abs=6e-4)
    assert float(high[0]) == pytest.approx(stats.chi2.ppf(0.975, 2 * count + 2) / 2)


def test_byar_for_65_events():
    """65 events: Byar's formula (Breslow and Day 1987 p. 69; PHEindicatormethods byars_lower/upper) by hand, 50.16 to 82.85."""
    low, high = poisson_count_interval(np.array([65.0]))
    assert float(low[0]) == pytest.approx(50.164, abs=5e-3)
    assert float(high[0]) == pytest.approx(82.849, abs=5e-3)


@pytest.mark.parametrize("count", [10, 25, 100, 1000])
def test_byar_is_close_to_the_exact_limits_from_ten_events(count):
    """From 10 events (where Fingertips switches to Byar) it is within 0.5% of the exact chi-square limits."""
    low, high = poisson_count_interval(np.array([float(count)]))
    exact_low, exact_high = stats.chi2.ppf(0.025, 2 * count) / 2, stats.chi2.ppf(0.975, 2 * count + 2) / 2
    assert float(low[0]) == pytest.approx(exact_low, rel=5e-3)
    assert float(high[0]) == pytest.approx(exact_high, rel=5e-3)


def test_normal_quantiles():
    """The two-sided critical values 1.960 (95%) and 3.090 (99.8%) of the standard normal."""
    assert normal_quantile(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert normal_quantile(0.998) == pytest.approx(3.090232, abs=1e-6)
