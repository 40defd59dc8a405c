"""Funnel limits (Spiegelhalter 2005), verdicts, and the overdispersion estimate and rule."""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from boards.compare import funnel


def independent_limit(distribution, p: float, n: np.ndarray) -> np.ndarray:
    """Spiegelhalter's appendix A.1.1 interpolation, computed with scipy.stats only."""
    r = distribution.ppf(p)
    at, below = distribution.cdf(r), distribution.cdf(r - 1)
    alpha = np.where(at > below, (at - p) / (at - below), 0.0)
    return (r - alpha) / n


def test_interpolated_limit_worked_by_hand():
    """n = 4, theta = 0.5, p = 0.999: r_p = 4, alpha = (1 - 0.999) / (1 - 0.9375) = 0.016, limit 0.996."""
    assert float(funnel.exact_limit(funnel.BINOMIAL, 0.5, np.array([4]), 0.999)[0]) == pytest.approx(0.996)


@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
@pytest.mark.parametrize("theta", [0.023, 0.226, 0.86])
def test_binomial_limits_match_scipy(p, theta):
    """Exact binomial limits over denominators 1 to 50,000 equal the same interpolation done with scipy.stats.binom."""
    n = np.array([1, 2, 5, 13, 40, 100, 357, 1000, 4506, 50_000])
    expected = independent_limit(stats.binom(n, theta), p, n)
    assert funnel.exact_limit(funnel.BINOMIAL, theta, n, p) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_poisson_limits_match_scipy(p):
    """Exact Poisson rate limits (per person) equal the same interpolation done with scipy.stats.poisson."""
    theta = 0.0519  # 519 referrals per 10,000 children
    n = np.array([100.0, 319.0, 2_000.0, 21_090.0, 355_390.0])
    expected = independent_limit(stats.poisson(n * theta), p, n)
    assert funnel.exact_limit(funnel.POISSON, theta, n, p) == pytest.approx(expected, rel=1e-12)


def test_discrete_quantile_is_scipy_ppf():
    """The quantile search gives scipy.stats' ppf on 2,000 random denominators and targets."""
    rng = np.random.default_rng(7)
    n, theta = rng.integers(1, 30_000, 2_000), rng.uniform(0.0005, 0.9995, 2_000)
    for p in (0.001, 0.025, 0.975, 0.999):
        assert np.array_equal(funnel.discrete_quantile(funnel.BINOMIAL, p, n, theta), stats.binom.ppf(p, n, theta))
        mean = n * theta
        assert np.array_equal(funnel.discrete_quantile(funnel.POISSON, p, mean, 1.0), stats.poisson.ppf(p, mean))


def test_large_denominators_approach_the_normal_limits():
    """With n = 1,000,000 the 95% limits are theta +/- 1.96 sqrt(theta (1 - theta) / n) to within 0.1%."""
    theta, n = 0.2258, np.array([1_000_000])
    half_width = 1.959964 * np.sqrt(theta * (1 - theta) / n[0])
    assert float(funnel.exact_limit(funnel.BINOMIAL, theta, n, 0.975)[0]) - theta == pytest.approx(half_width, rel=1e-3)


def test_a_count_on_the_limit_sits_at_its_tail_probability():
    """The position at a drawn limit (Spiegelhalter's interpolated limit plus half a count) is the limit's
    probability: the verdict and the drawn limit agree (denominators whose limits lie inside 0 to 1)."""
    n = np.array([40, 100, 2_020])
    for level, (_, low_p, high_p) in funnel.LEVELS.items():
        lower, upper = funnel.limits(funnel.BINOMIAL, 0.3, n, level, np.ones(3))
        assert funnel.positions(funnel.BINOMIAL, lower, n, 0.3, np.ones(3)) == pytest.approx(np.full(3, low_p))
        assert funnel.positions(funnel.BINOMIAL, upper, n, 0.3, np.ones(3)) == pytest.approx(np.full(3, high_p))


def test_positions_are_the_mid_p_for_whole_counts():
    """For a whole count r, the position is P(R < r) + P(R = r) / 2 (scipy.stats.binom)."""
    n = np.array([10, 200, 200])
    r = np.array([3, 57, 80])
    got = funnel.positions(funnel.BINOMIAL, r / n, n, 0.3, np.ones(3))
    assert got == pytest.approx(stats.binom.cdf(r - 1, n, 0.3) + stats.binom.pmf(r, n, 0.3) / 2)


def test_verdict_levels():
    """Above 0.999 is beyond the upper 99.8% limit; below 0.025 beyond the lower 95% one only."""
    direction, level = funnel.outside_level(np.array([0.9995, 0.98, 0.5, 0.02, 0.0005]))
    assert direction.tolist() == [1, 1, 0, -1, -1]
    assert level.tolist() == [2, 1, 0, 1, 2]


def plain_verdict(count, n, theta):
    judged = funnel.judge(np.array([funnel.BINOMIAL], dtype=object), np.array([float(count)]), np.array([float(n)]),
                          np.array([theta]), np.zeros(1, dtype=int), 1)
    direction, level = funnel.outside_level(judged.position)
    return int(direction[0]), int(level[0])


def test_two_of_two_against_79_5_percent_is_within_every_limit():
    """LA attendance 2 of 2 meetings, England 79.5%: P(X >= 2) = 0.795^2 = 0.632, mid-P 0.316, so not beyond
    any limit (Spiegelhalter's interpolated G(2) = 1 > 0.999 called it 'above the 99.8% limit')."""
    assert stats.binom.sf(1, 2, 0.795) == pytest.approx(0.632, abs=1e-3)
    assert plain_verdict(2, 2, 0.795) == (0, 0)


def test_one_of_one_overdue_action_is_within_every_limit():
    """1 of 1 review action overdue, England 18.3%: P(X >= 1) = 0.183 (mid-P 0.092), not beyond any limit."""
    assert plain_verdict(1, 1, 0.183) == (0, 0)
    assert plain_verdict(0, 1, 0.183) == (0, 0)  # P(X <= 0) = 0.817 (mid-P 0.409)


def test_three_of_three_fte_is_within_the_99_8_limit():
    """3 of 3 FTE vacant, England 14.2%, judged as a count: P(X >= 3) = 0.142^3 = 0.0029, mid-P 0.0014, beyond
    95% only, not beyond 99.8%."""
    assert plain_verdict(3, 3, 0.142) == (1, 1)


@pytest.mark.parametrize(("n", "theta"), [(20, 0.3), (7, 0.9), (150, 0.05), (1000, 0.226)])
def test_each_tail_is_its_mid_p_value(n, theta):
    """Above at 99.8% exactly when P(X > y) + P(X = y) / 2 < 0.001, at 95% when < 0.025; below when
    P(X < y) + P(X = y) / 2 is (scipy.stats)."""
    counts = np.arange(n + 1)
    # One area per group: no overdispersion adjustment.
    judged = funnel.judge(np.full(n + 1, funnel.BINOMIAL, dtype=object), counts.astype(float), np.full(n + 1, float(n)),
                          np.full(n + 1, theta), np.arange(n + 1), n + 1)
    direction, level = funnel.outside_level(judged.position)
    half = stats.binom.pmf(counts, n, theta) / 2
    upper_p, lower_p = stats.binom.sf(counts, n, theta) + half, stats.binom.cdf(counts - 1, n, theta) + half
    expected_direction = np.select([upper_p < 0.025, lower_p < 0.025], [1, -1], 0)
    expected_level = np.where((upper_p < 0.001) | (lower_p < 0.001), 2, np.abs(expected_direction))
    assert direction.tolist() == expected_direction.tolist()
    assert level.tolist() == expected_level.tolist()


def test_poisson_tails_are_mid_p_values_too():
    """Poisson, expected 4 events: 10 events has mid-P P(X > 10) + P(X = 10) / 2 = 0.0055 (beyond 95% only),
    12 events 0.00059 (beyond 99.8%); 0 events 0.0092 (below 95% only)."""
    counts = np.array([10.0, 12.0, 0.0])
    judged = funnel.judge(np.full(3, funnel.POISSON, dtype=object), counts, np.full(3, 1000.0), np.full(3, 0.004),
                          np.zeros(3, dtype=int), 1)
    half = stats.poisson.pmf(counts, 4) / 2
    assert (stats.poisson.sf(counts[:2], 4) + half[:2]) == pytest.approx([0.0055, 0.00059], abs=5e-5)
    assert half[2] == pytest.approx(0.0092, abs=5e-5)
    direction, level = funnel.outside_level(judged.position)
    assert direction.tolist() == [1, 1, -1]
    assert level.tolist() == [1, 2, 1]


@pytest.mark.parametrize(("n", "theta"), [(20, 0.3), (150, 0.05), (1000, 0.226)])
def test_a_value_is_beyond_a_limit_drawn_exactly_when_judged_beyond_it(n, theta):
    """The limits drawn agree with the verdicts: count / n above the upper limit iff judged above."""
    counts = np.arange(n + 1)
    # One area per group: no overdispersion adjustment.
    judged = funnel.judge(np.full(n + 1, funnel.BINOMIAL, dtype=object), counts.astype(float), np.full(n + 1, float(n)),
                          np.full(n + 1, theta), np.arange(n + 1), n + 1)
    direction, level = funnel.outside_level(judged.position)
    for name, strong in (("95", False), ("99.8", True)):
        lower, upper = funnel.limits(funnel.BINOMIAL, theta, np.full(n + 1, n), name, np.ones(n + 1))
        beyond = (level == 2) if strong else (level >= 1)
        assert ((counts / n > upper) == (beyond & (direction > 0))).all()
        assert ((counts / n < lower) == (beyond & (direction < 0))).all()


def median_tau2(z, w):
    """The robust tau2 recomputed independently: numpy's median and scipy's root finder."""
    def excess(tau2):
        return np.median(z**2 / (1 + tau2 * w)) - stats.chi2.median(1)
    return 0.0 if excess(0.0) <= 0 else optimize.brentq(excess, 0.0, 4 * np.max(z**2 / w), xtol=1e-14)


def test_chi_square_median():
    """The median of Z^2, chi-square with 1 df: 0.4549 (scipy.stats), the square of Phi^-1(3/4) = 0.6745."""
    assert funnel.CHI_SQUARE_1_MEDIAN == pytest.approx(stats.chi2.median(1), rel=1e-12)
    assert funnel.CHI_SQUARE_1_MEDIAN == pytest.approx(0.4549, abs=1e-4)


def test_overdispersion_worked_by_hand():
    """z = -3,-1,-1,0,0,0,1,1,2,5 winsorised to [-1.2, 2.3]: phi = 14.73 / 10. tau2 by hand: the squares sorted
    are 0,0,0,1,1,1,1,4,9,25, median 1, so with weights 1 the median of z^2 / (1 + tau2) is 0.4549 at
    tau2 = 1 / 0.4549 - 1 = 1.1981."""
    z = np.array([-3.0, -1, -1, 0, 0, 0, 1, 1, 2, 5])
    summary = funnel.overdispersion(z, np.ones(10), np.zeros(10, dtype=int), 1).iloc[0]
    assert summary["areas"] == 10
    assert summary["phi"] == pytest.approx(1.473)
    assert summary["p_value"] == pytest.approx(stats.chi2.sf(14.73, 9))
    # p = 0.099, not significant at 5%, but the test does not decide: tau2 > 0 widens the limits.
    assert summary["tau2"] == pytest.approx(1 / stats.chi2.median(1) - 1, rel=1e-9)
    assert summary["tau2"] == pytest.approx(median_tau2(z, np.ones(10)), rel=1e-9)
    assert summary["tau2"] == pytest.approx(1.1981, abs=1e-4)
    assert summary["adjustment"] == funnel.RANDOM_EFFECTS


def test_no_spread_beyond_chance_is_not_adjusted():
    """z = -1..1: the squares sorted are 0,0,0.25,0.25,0.25,0.25,1,1,1,1, median 0.25, under 0.4549 already at
    tau2 = 0: tau2 is 0 and the limits stay exact."""
    z = np.array([-1.0, -1, -0.5, -0.5, 0, 0, 0.5, 0.5, 1, 1])
    summary = funnel.overdispersion(z, np.ones(10), np.zeros(10, dtype=int), 1).iloc[0]
    assert (summary["tau2"], summary["adjustment"]) == (0.0, funnel.NO_ADJUSTMENT)


def test_too_few_to_judge_are_left_out_of_the_estimate():
    """An area with a denominator under 10 (1 of 1 at 15%, z = 2.38) is judged "too few" and does not
    count in phi or tau2: the group's summary is that of the other ten areas alone."""
    counts = np.array([10.0, 14, 16, 18, 20, 20, 22, 24, 26, 30])
    n = np.full(10, 100.0)
    with_small = funnel.judge(np.full(11, funnel.BINOMIAL, dtype=object), np.append(counts, 1.0), np.append(n, 1.0),
                              np.full(11, 0.2), np.zeros(11, dtype=int), 1)
    alone = funnel.judge(np.full(10, funnel.BINOMIAL, dtype=object), counts, n, np.full(10, 0.2),
                         np.zeros(10, dtype=int), 1)
    assert with_small.summary.iloc[0]["areas"] == 10
    assert with_small.summary.iloc[0]["tau2"] == alone.summary.iloc[0]["tau2"] > 0
    assert np.isfinite(with_small.position[10])  # still placed, for the chart; the engine says "too few"


def test_significant_overdispersion_chooses_random_effects():
    """z = -6..6 winsorised to [-4.2, 4.2]: phi = 9.328. Weights 4: the squares sorted are 0,0,4,4,9,9,16,16,36,36,
    median 9, and 9 / (1 + 4 tau2) = 0.4549 at tau2 = (9 / 0.4549 - 1) / 4 = 4.6957 (to four places)."""
    z = np.array([-6.0, -4, -3, -2, 0, 0, 2, 3, 4, 6])
    summary = funnel.overdispersion(z, np.full(10, 4.0), np.zeros(10, dtype=int), 1).iloc[0]
    assert summary["phi"] == pytest.approx(9.328)
    assert summary["tau2"] == pytest.approx((9 / stats.chi2.median(1) - 1) / 4, rel=1e-9)
    assert summary["tau2"] == pytest.approx(4.6957, abs=1e-4)
    assert summary["adjustment"] == funnel.RANDOM_EFFECTS


def test_too_few_areas_are_never_adjusted():
    """Fewer than 10 areas: no overdispersion adjustment, however spread."""
    z = np.array([-9.0, -5, 0, 5, 9])
    assert funnel.overdispersion(z, np.ones(5), np.zeros(5, dtype=int), 1).iloc[0]["adjustment"] == funnel.NO_ADJUSTMENT


def test_random_effects_limits_approach_theta_plus_z_sqrt_s2_plus_tau2():
    """Spiegelhalter (QSHC 2005): additive limits theta +/- z sqrt(s^2 + tau2) where the normal approximation holds."""
    theta, tau2, n = 0.2258, 0.0011, np.array([200_000])
    widen = funnel.inflation(funnel.RANDOM_EFFECTS, funnel.BINOMIAL, theta, n, 1.0, tau2)
    _, upper = funnel.limits(funnel.BINOMIAL, theta, n, "99.8", widen)
    s2 = theta * (1 - theta) / n[0]
    assert float(upper[0]) == pytest.approx(theta + 3.090232 * np.sqrt(s2 + tau2), rel=2e-3)


def test_multiplicative_limits_scale_by_root_phi():
    """Multiplicative: the distance from the target times sqrt(phi), plus the mid-P's half count."""
    n = np.array([500])
    plain = funnel.exact_limit(funnel.BINOMIAL, 0.3, n, 0.975)
    widen = funnel.inflation(funnel.MULTIPLICATIVE, funnel.BINOMIAL, 0.3, n, 4.0, 0.0)
    _, upper = funnel.limits(funnel.BINOMIAL, 0.3, n, "95", widen)
    assert float(upper[0]) == pytest.approx(0.3 + 2 * (float(plain[0]) - 0.3) + 0.5 / 500)


def test_judge_flags_outliers_without_overdispersion():
    """Twelve areas of 1,000 at 22%, one at 40%: only that one is beyond 99.8%, with no adjustment."""
    counts = np.array([216.0, 218, 220, 222, 224, 226, 228, 230, 214, 212, 220, 400])
    judged = funnel.judge(np.full(12, funnel.BINOMIAL, dtype=object), counts, np.full(12, 1000.0),
                          np.full(12, 0.22), np.zeros(12, dtype=int), 1)
    direction, level = funnel.outside_level(judged.position)
    assert direction.tolist() == [0] * 11 + [1]
    assert level.tolist() == [0] * 11 + [2]
    assert judged.summary.iloc[0]["adjustment"] == funnel.NO_ADJUSTMENT
    assert np.array_equal(judged.position, judged.plain_position)


def test_judge_ignores_rows_without_counts():
    """Rows with no numerator, no denominator or no family are not judged (NaN)."""
    judged = funnel.judge(np.array([funnel.BINOMIAL, funnel.BINOMIAL, ""], dtype=object), np.array([np.nan, 5.0, 5.0]),
                          np.array([10.0, 0.0, 10.0]), np.full(3, 0.5), np.zeros(3, dtype=int), 1)
    assert np.isnan(judged.position).all()
    assert judged.summary.iloc[0]["areas"] == 0


def test_summary_is_a_frame_per_group():
    """One summary row per group, in group order."""
    z = np.r_[np.zeros(10), np.linspace(-5, 5, 10)]
    groups = np.repeat([0, 1], 10)
    summary = funnel.overdispersion(z, np.ones(20), groups, 2)
    assert isinstance(summary, pd.DataFrame)
    assert summary["adjustment"].tolist() == [funnel.NO_ADJUSTMENT, funnel.RANDOM_EFFECTS]


def test_continuous_rates_have_normal_random_effects_limits():
    """A vacancy rate of FTE: theta 14.2%, n = 250 FTE, tau2 = 0.004: limits theta +/- z sqrt(theta (1 - theta) / n
    + tau2), Spiegelhalter's normal random-effects limits (QSHC 2005), with no half count: 14.2% +/- 1.960 x 0.0670."""
    theta, n, tau2 = 0.142, np.array([250.0]), 0.004
    widen = funnel.inflation(funnel.RANDOM_EFFECTS, funnel.NORMAL, theta, n, 1.0, tau2)
    lower, upper = funnel.limits(funnel.NORMAL, theta, n, "95", widen)
    spread = np.sqrt(theta * (1 - theta) / 250 + tau2)
    assert spread == pytest.approx(0.0670, abs=1e-4)
    assert (float(lower[0]), float(upper[0])) == pytest.approx((theta - 1.959964 * spread, theta + 1.959964 * spread))
    at_upper = funnel.positions(funnel.NORMAL, upper, n, theta, widen)
    assert float(at_upper[0]) == pytest.approx(0.975)
