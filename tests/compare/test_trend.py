"""Tests for trend over each area's window, and runs of 'worse'."""

import numpy as np
import pytest
from scipy import optimize, stats

from boards.compare.funnel import BINOMIAL, POISSON
from boards.compare.trend import trend_statistics, worse_streak


def one_series(numerators, denominators, family=BINOMIAL, window=4, values=None):
    """The statistics of the last row of one area's series."""
    size = len(numerators)
    result = trend_statistics(
        series=np.zeros(size, dtype=int),
        window=np.full(size, window),
        family=np.full(size, family, dtype=object),
        numerator=np.asarray(numerators, dtype=float),
        denominator=np.asarray(denominators, dtype=float),
        value=np.full(size, np.nan) if values is None else np.asarray(values, dtype=float),
        multiplier=np.full(size, 100.0),
        group=np.arange(size),
    )
    return result.iloc[-1]


def test_armitage_trend_equals_n_times_squared_correlation():
    """Armitage's chi-square for trend is N r^2, r the correlation of score and outcome over all N children.

    The proportions lie on a straight line, so there is no departure from linearity and no dispersion.
    """
    successes, trials = np.array([80, 70, 60, 50]), np.array([100, 100, 100, 100])
    last = one_series(successes, trials)
    scores = np.repeat(np.arange(4), trials)
    outcome = np.concatenate([np.r_[np.ones(s), np.zeros(n - s)] for s, n in zip(successes, trials)])
    n_r2 = len(outcome) * np.corrcoef(scores, outcome)[0, 1] ** 2
    assert last["armitage_p"] == pytest.approx(stats.chi2.sf(n_r2, 1))
    assert last["trend_slope"] == pytest.approx(-10.0)  # percentage points a quarter


def test_poisson_trend_is_the_score_test_of_a_log_linear_slope():
    """Counts over a population: the score statistic equals U^2 / I from the Poisson log-likelihood, derived numerically."""
    counts, exposure = np.array([30.0, 36, 45, 52]), np.array([10_000.0, 10_100, 10_200, 10_300])
    last = one_series(counts, exposure, family=POISSON)
    x = np.arange(4.0)

    def loglik(alpha, beta):
        mean = exposure * np.exp(alpha + beta * x)
        return np.sum(counts * np.log(mean) - mean)

    alpha = optimize.minimize_scalar(lambda a: -loglik(a, 0.0)).x
    h = 1e-4
    score = (loglik(alpha, h) - loglik(alpha, -h)) / (2 * h)
    d_bb = (loglik(alpha, h) - 2 * loglik(alpha, 0) + loglik(alpha, -h)) / h**2
    d_aa = (loglik(alpha + h, 0) - 2 * loglik(alpha, 0) + loglik(alpha - h, 0)) / h**2
    d_ab = (loglik(alpha + h, h) - loglik(alpha + h, -h) - loglik(alpha - h, h) + loglik(alpha - h, -h)) / (4 * h**2)
    information = -d_bb + d_ab**2 / d_aa
    assert last["armitage_p"] == pytest.approx(stats.chi2.sf(score**2 / information, 1), rel=1e-3)


def test_three_points_are_needed():
    """Two reported periods in the window: not tested."""
    last = one_series([np.nan, np.nan, 50, 60], [np.nan, np.nan, 100, 100])
    assert last["trend_points"] == 2
    assert np.isnan(last["trend_p"])


def test_window_stops_at_the_series_start():
    """A row only looks back within its own series."""
    result = trend_statistics(
        series=np.array([0, 0, 1, 1, 1]),
        window=np.full(5, 4),
        family=np.full(5, BINOMIAL, dtype=object),
        numerator=np.array([10.0, 20, 50, 60, 70]),
        denominator=np.full(5, 100.0),
        value=np.full(5, np.nan),
        multiplier=np.full(5, 100.0),
        group=np.arange(5),
    )
    assert result["trend_points"].tolist() == [1, 2, 1, 2, 3]


def test_departures_from_linearity_widen_the_test():
    """Quarterly figures zig-zagging around their line in other areas inflate phi and weaken a trend's p-value."""
    steady = one_series([50, 55, 60, 65], [100, 100, 100, 100])
    rows = 8
    series = np.repeat([0, 1], 4)
    result = trend_statistics(
        series=series,
        window=np.full(rows, 4),
        family=np.full(rows, BINOMIAL, dtype=object),
        numerator=np.array([50.0, 55, 60, 65, 20, 80, 20, 80]),
        denominator=np.full(rows, 100.0),
        value=np.full(rows, np.nan),
        multiplier=np.full(rows, 100.0),
        group=np.tile(np.arange(4), 2),
    )
    assert result.iloc[3]["armitage_p"] > steady["armitage_p"]


def test_values_without_denominator_compare_slopes_between_areas():
    """Caseloads: the area whose slope is far from every other area's is rising; the others are not."""
    areas, years = 12, 3
    slopes = np.r_[np.linspace(-0.5, 0.5, areas - 1), 4.0]
    values = (15 + slopes[:, None] * np.arange(years)).ravel()
    result = trend_statistics(
        series=np.repeat(np.arange(areas), years),
        window=np.full(areas * years, 3),
        family=np.full(areas * years, "", dtype=object),
        numerator=np.full(areas * years, np.nan),
        denominator=np.full(areas * years, np.nan),
        value=values,
        multiplier=np.ones(areas * years),
        group=np.tile(np.arange(years), areas),
    )
    last = result.iloc[years - 1 :: years]
    assert last["trend_direction"].tolist() == [0] * (areas - 1) + [1]
    assert last["trend_slope"].iloc[-1] == pytest.approx(4.0)


def test_worse_streak_counts_runs_within_each_series():
    """Runs restart at a 'not worse' period and at the start of every series."""
    series = np.array([0, 0, 0, 0, 1, 1, 1])
    worse = np.array([True, True, False, True, True, True, True])
    assert worse_streak(series, worse).tolist() == [1, 2, 0, 1, 1, 2, 3]


def areas_over_time(rates, denominators, family=BINOMIAL):
    """Every area's last row of a 4-period window: ``rates`` (areas x periods) of ``denominators`` (areas)."""
    areas, periods = rates.shape
    n = np.repeat(np.asarray(denominators, dtype=float), periods)
    result = trend_statistics(
        series=np.repeat(np.arange(areas), periods), window=np.full(areas * periods, periods),
        family=np.full(areas * periods, family, dtype=object), numerator=np.rint(rates.ravel() * n), denominator=n,
        value=np.full(areas * periods, np.nan), multiplier=np.full(areas * periods, 100.0),
        group=np.tile(np.arange(periods), areas),
    )
    return result.iloc[periods - 1 :: periods].reset_index(drop=True)


def test_a_trend_every_area_shares_is_not_a_local_trend():
    """Twenty areas all rising 2 points a quarter (a national drift): each area's own change is significant
    (Armitage), none differs from England's; one area rising 8 points a quarter does."""
    rates = 0.3 + 0.02 * np.arange(4) + np.zeros((20, 1))
    rates[0] = 0.3 + 0.08 * np.arange(4)
    last = areas_over_time(rates, np.full(20, 1000))
    assert (last["armitage_p"].iloc[1:] < 0.01).all()
    assert (last["trend_direction"].iloc[1:] == 0).all()
    assert last["trend_direction"].iloc[0] == 1


def test_relative_trend_is_the_slope_difference_over_its_standard_error():
    """Two areas of 1,000 with 4 quarters, no spread of slopes (tau2 = 0 with fewer than 3 areas): z is the
    difference of the Armitage slopes over sqrt(var(b_i) + 0), England's slope their weighted mean."""
    rates = np.array([[0.30, 0.32, 0.34, 0.36], [0.30, 0.30, 0.30, 0.30]])
    last = areas_over_time(rates, [1000, 1000])
    x = np.arange(4.0)
    sxx = 1000 * np.sum((x - x.mean()) ** 2)
    slopes = np.array([np.sum(1000 * r * (x - x.mean())) / sxx for r in rates])
    variances = np.array([r.mean() * (1 - r.mean()) / sxx for r in rates])
    england = np.sum(slopes / variances) / np.sum(1 / variances)
    z = (slopes - england) / np.sqrt(variances)
    assert last["trend_p"].to_numpy() == pytest.approx(2 * stats.norm.sf(np.abs(z)))
