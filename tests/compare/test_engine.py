"""The engine end to end: the small world of world.py (worked by hand) and the demo database."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from boards.compare.engine import ComparisonError, compare
from boards.store import Store

from .test_funnel import median_tau2
from .world import PARTNERSHIP, area, result


def test_default_period_is_the_latest_quarter_with_the_latest_annual_figures(small_comparison):
    """As at 2025-26 Q4 (31 Mar 2026): re-referrals from 2024-25, caseload from Sep 2025, quarterly from Q4."""
    periods = small_comparison.area_results.groupby("indicator_id", observed=True)["period_id"].first().astype(str)
    assert small_comparison.period_id == "2025-26 Q4"
    assert periods.to_dict() == {
        "referral_rate": "2024-25", "rereferral_rate": "2024-25", "strategy_discussion_partners": "2025-26 Q4",
        "ilacs_grade": "2025-26 Q4", "months_since_inspection": "2025-26 Q4", "caseload": "Sep 2025",
    }


def test_a_partnership_of_two_las_sums_counts_and_prefers_its_own_return(small_comparison):
    """P-AB: re-referrals (200 + 260) / (1000 + 1000); its own return 170/200 wins over its LAs' 10/100;
    ILACS grades agree (Good); months since inspection differ (10, 20): no figure, and context anyway."""
    rereferrals = result(small_comparison, PARTNERSHIP, "rereferral_rate")
    assert (rereferrals["numerator"], rereferrals["denominator"], rereferrals["value"]) == (460, 2000, 23.0)
    own = result(small_comparison, PARTNERSHIP, "strategy_discussion_partners")
    assert (own["numerator"], own["denominator"], own["value"]) == (170, 200, 85.0)
    assert result(small_comparison, PARTNERSHIP, "ilacs_grade")["value"] == 2.0
    months = result(small_comparison, PARTNERSHIP, "months_since_inspection")
    assert (months["status"], months["flag"]) == ("x", "not judged")
    assert set(small_comparison.scores["partnership_id"]) == {PARTNERSHIP, *(area(n) for n in range(3, 13))}


def test_benchmarks_and_their_basis(small_comparison):
    """England: published counts recomputed (22,000 / 100,000), pooled local returns (815 / 1,000), the median
    of areas for grades; regions: published counts, a published value only, or pooled."""
    england = {
        row.indicator_id: (round(row.value, 6), row.basis)
        for row in small_comparison.benchmarks[
            (small_comparison.benchmarks["geography_code"] == "E92000001")
            & small_comparison.benchmarks["period_id"].isin(["2024-25", "2025-26 Q4", "Sep 2025"])
        ].itertuples()
    }
    assert england == {
        "referral_rate": (465.0, "pooled"), "rereferral_rate": (22.0, "published"),
        "strategy_discussion_partners": (81.5, "pooled"), "ilacs_grade": (2.0, "median"),
        "months_since_inspection": (23.0, "median"), "caseload": (15.2, "published"),
    }
    assert result(small_comparison, area(3), "rereferral_rate")["region"] == 23.0
    assert result(small_comparison, area(7), "rereferral_rate")["region"] == 21.0
    assert result(small_comparison, area(3), "caseload")["region"] == pytest.approx(46 / 3)  # (310 + 140 + 150 + 170 + 150) / 60


def test_neighbours_are_partnerships_other_than_itself(small_comparison):
    """Area 3's ten neighbours (LAs 1, 2, 4-11) are nine partnerships: P-AB counts once."""
    row = result(small_comparison, area(3), "rereferral_rate")
    values = [23.0, 21.8, 22.0, 22.2, 22.4, 22.6, 22.8, 23.0, 23.0]
    assert row["neighbour_count"] == 9
    assert row["neighbour_median"] == pytest.approx(np.median(values))
    assert row["neighbour_mean"] == pytest.approx(np.mean(values))


def test_ranks_apply_polarity(small_comparison):
    """Re-referrals (lower is better): 21.6% ranks 1 of 11, 40% ranks 11; the referral rate (context) ranks the
    highest first; quartile 1 is the best quarter."""
    best, worst = result(small_comparison, area(3), "rereferral_rate"), result(small_comparison, area(12), "rereferral_rate")
    assert (best["rank"], best["ranked_areas"], best["percentile"], best["quartile"]) == (1, 11, 100.0, 1)
    assert (worst["rank"], worst["percentile"], worst["quartile"]) == (11, 0.0, 4)
    assert result(small_comparison, area(12), "referral_rate")["rank"] == 1


def test_flags(small_comparison):
    """Worse beyond 99.8% for the outlier and a caseload of 30; Inadequate and Requires improvement worse as
    Ofsted's judgement, with no level, Outstanding better; not compared for a joint return; did not report for a
    missing row and a 'missing' status; context never judged."""
    expected = {
        (area(12), "rereferral_rate"): ("worse", "99.8"),
        (area(12), "strategy_discussion_partners"): ("worse", "99.8"),
        (area(12), "caseload"): ("worse", "99.8"),
        (area(8), "ilacs_grade"): ("worse", ""),
        (area(9), "ilacs_grade"): ("worse", ""),
        (area(12), "ilacs_grade"): ("worse", ""),
        (area(3), "ilacs_grade"): ("similar", ""),
        (area(7), "ilacs_grade"): ("better", ""),
        (area(12), "months_since_inspection"): ("not judged", ""),
        (area(11), "rereferral_rate"): ("not compared", ""),
        (area(9), "strategy_discussion_partners"): ("did not report", ""),
        (area(10), "strategy_discussion_partners"): ("did not report", ""),
        (area(12), "referral_rate"): ("not judged", ""),
        (area(3), "rereferral_rate"): ("similar", ""),
    }
    for (partnership, indicator), flag in expected.items():
        row = result(small_comparison, partnership, indicator)
        assert (row["flag"], row["flag_level"]) == flag, (partnership, indicator)
    worse = small_comparison.area_results[small_comparison.area_results["flag"] == "worse"]
    assert len(worse) == 6


def test_caseload_robust_z_worked_by_hand(small_comparison):
    """Caseloads 14,14,15,15,15,15,15.5,16,16,17,30: median 15, MAD 1, z(30) = 15 / 1.4826."""
    assert result(small_comparison, area(12), "caseload")["robust_z"] == pytest.approx(15 / 1.4826)


def test_trend_and_run(small_comparison):
    """Area 12's re-referrals 30%, 35%, 40%: worse three years running and worsening; its assessments
    85, 80, 70, 50%: worsening, worse two quarters running."""
    rereferrals = result(small_comparison, area(12), "rereferral_rate")
    assert (rereferrals["worse_streak"], rereferrals["trend"]) == (3, "worsening")
    assert rereferrals["trend_slope"] == pytest.approx(5.0)
    assessments = result(small_comparison, area(12), "strategy_discussion_partners")
    assert (assessments["worse_streak"], assessments["trend"]) == (2, "worsening")


def test_sentence_with_an_independent_limit(small_comparison):
    """The limit in the sentence is the exact 99.8% binomial limit at n = 1,000 around 22% (per scipy.stats)
    plus the mid-P's half count, not widened: the other nine areas (21.6% to 23.0% of 1,000) spread no more
    than chance, and the one area at 40% does not move the median of the squared residuals, so tau2 is 0
    (the 10%-winsorised mean square it replaced lifted tau to 0.62 points)."""
    n, theta, p = 1000, 0.22, 0.999
    r = stats.binom.ppf(p, n, theta)
    at, below = stats.binom.cdf(r, n, theta), stats.binom.cdf(r - 1, n, theta)
    exact = (r - (at - p) / (at - below)) / n
    table = small_comparison.overdispersion.set_index(["indicator_id", "period_id"])
    assert table.loc[("rereferral_rate", "2024-25"), ["tau2", "adjustment"]].tolist() == [0.0, "none"]
    limit = (exact + 0.5 / n) * 100
    assert f"{limit:.1f}" == "26.1"
    assert result(small_comparison, area(12), "rereferral_rate")["sentence"] == (
        f"Re-referrals 40.0% (year to 31 Mar 2025) against England 22.0%: above the 99.8% limit ({limit:.1f}%); "
        "worse for 3 years running; worsening relative to England over the last 3 years (p < 0.001)."
    )


def test_scores_worked_by_hand(small_comparison):
    """The score is the mean capped distance over the 4 assessed indicators (months since inspection is
    context). Area 12: re-referrals 40% (z 7.0), assessments 50% (7.0) and caseload 30 (robust z 10.1) all
    count as the cap, 3, and Requires improvement +1: (3 + 3 + 3 + 1) / 4 = 2.5. Area 9: re-referrals
    228 of 1,000 against 22.0%, the mid-P position of 227.5 (tau2 0: not deflated; z 0.615), a missing return
    (the cap, 3), Requires improvement (1), caseload at the median (0): 4.615 / 4 = 1.154. Area 8, Inadequate
    (+2) with re-referrals 22.6% (0.463), assessments 85% against the pooled 85.9% (-0.889) and caseload 14
    (-0.674): 0.900 / 4 = 0.225."""
    scores = small_comparison.scores.set_index("partnership_id")
    assert scores.loc[area(12), ["rank", "score", "points", "assessed"]].tolist() == [1, 2.5, 10.0, 4]
    # Between whole counts F is joined linearly, as Spiegelhalter inverts it: G(227.5) = F(227) + pmf(228) / 2.
    position = stats.binom.cdf(227, 1000, 0.22) + 0.5 * stats.binom.pmf(228, 1000, 0.22)
    nine = result(small_comparison, area(9), "rereferral_rate")["concern_z"]
    assert nine == pytest.approx(stats.norm.ppf(position), abs=1e-9)
    assert nine == pytest.approx(0.6147, abs=1e-4)
    assert scores.loc[area(9), "score"] == pytest.approx((nine + 3 + 1 + 0) / 4)
    assert scores.loc[[area(9), area(10), area(8)], "score"].round(3).tolist() == [1.154, 1.110, 0.225]
    assert scores.loc[[area(9), area(10), area(8)], "rank"].tolist() == [2, 3, 4]
    assert scores.loc[area(12), "summary"] == (
        "Caseload +10.1 SD, Re-referrals +7.0 SD, Strategy discussions with partners +7.0 SD; "
        "4 worse (3 beyond 99.8% or 3 robust SDs), "
        "2 worsening, of 4 assessed; chance alone: about 0.1 worse of 3 tests"
    )


def test_scores_carry_rank_intervals(small_comparison):
    """Every score has a 95% interval of its rank around it; area 12, far worse on three indicators, is
    first in every replicate."""
    scores = small_comparison.scores.set_index("partnership_id")
    assert scores.loc[area(12), ["rank_low", "rank_high"]].tolist() == [1, 1]
    assert (scores["rank_low"] <= scores["rank"]).all() and (scores["rank"] <= scores["rank_high"]).all()
    assert (scores["score_low"] <= scores["score"]).all() and (scores["score"] <= scores["score_high"]).all()


def test_one_inspection_is_not_worse_for_quarters_running(small_comparison):
    """An ILACS judgement counts once however many quarters it stands, and has no trend; its sentence is
    Ofsted's judgement with the day its inspection ended, never a limit. Where the inspections table does not
    hold the inspection the grade was read from (area 9: 26 months since inspection, the table's ended 36
    months before), the sentence gives its age instead of a wrong day."""
    grade = result(small_comparison, area(8), "ilacs_grade")
    assert (grade["worse_streak"], grade["trend"]) == (1, "not tested")
    assert grade["sentence"] == (
        "ILACS grade Inadequate against the median of areas Good: Ofsted's judgement, a concern "
        "(inspection ending 12 March 2024)."
    )
    assert result(small_comparison, area(9), "ilacs_grade")["sentence"] == (
        "ILACS grade Requires improvement against the median of areas Good: Ofsted's judgement, a concern "
        "(inspected 26 months before 31 Mar 2026)."
    )
    grades = small_comparison.history[small_comparison.history["method"] == "grade"]
    assert grades["worse_streak"].max() <= 1
    assert not grades["flag_level"].isin(["95", "99.8"]).any()


def test_an_earlier_period(small_store):
    """As at 2025-26 Q2 there is no ILACS grade yet and the quarter's own figures are used."""
    comparison = compare(small_store, "2025-26 Q2")
    indicators = set(comparison.area_results["indicator_id"].astype(str))
    assert "ilacs_grade" not in indicators
    assert result(comparison, area(12), "strategy_discussion_partners")["value"] == 80.0
    assert set(comparison.score_history["as_at_period_id"]) >= {"2025-26 Q2", "2025-26 Q4"}


def test_funnel_curve(small_comparison):
    """Limits over denominators for a chart: narrowing with n, and equal to the area's own limits at its n."""
    curve = small_comparison.funnel_curve("rereferral_rate")
    assert list(curve.columns) == ["denominator", "target", "lower_95", "upper_95", "lower_99_8", "upper_99_8",
                                   "adjustment"]
    assert curve["upper_99_8"].is_monotonic_decreasing
    at_1000 = small_comparison.funnel_curve("rereferral_rate", points=2)  # the range ends: 500 and 2,400
    assert at_1000["denominator"].tolist() == [500, 2400]
    own = result(small_comparison, area(3), "rereferral_rate")
    exact = small_comparison.funnel_curve("rereferral_rate", adjustment="none")
    assert (exact["upper_99_8"] > exact["upper_95"]).all()
    assert own["upper_99_8"] == pytest.approx(
        small_comparison.funnel_curve("rereferral_rate", points=200)
        .set_index("denominator")["upper_99_8"].get(1000, own["upper_99_8"])
    )


def test_funnel_curve_errors(small_comparison):
    """No funnel for a value without denominator, or an unknown adjustment."""
    with pytest.raises(ComparisonError, match="caseload has no funnel in Sep 2025"):
        small_comparison.funnel_curve("caseload")
    with pytest.raises(ComparisonError, match="adjustment must be one of"):
        small_comparison.funnel_curve("rereferral_rate", adjustment="wide")


def test_unknown_period_and_empty_database(small_store, tmp_path):
    """A period without data, and a database without observations, are refused in words."""
    with pytest.raises(ComparisonError, match="no data for period '2030-31 Q1'; the latest periods are"):
        compare(small_store, "2030-31 Q1")
    empty = Store.open(tmp_path / "empty.duckdb")
    with pytest.raises(ComparisonError, match="holds no observations"):
        compare(empty)
    empty.close()


# -- the demo database ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_comparison(demo_store):
    return compare(demo_store)


def test_demo_comparison_covers_every_partnership(demo_comparison):
    """153 partnerships scored and ranked as at 2026-27 Q2, 37 indicators each; judged results explain
    themselves and context ones never do."""
    results = demo_comparison.area_results
    assert demo_comparison.period_id == "2026-27 Q2"
    assert len(demo_comparison.scores) == 153
    assert demo_comparison.scores["rank"].iloc[0] == 1
    assert len(results) == 153 * 37
    judged = results["polarity"] != "context"
    assert results.loc[judged, "sentence"].notna().all()
    assert results.loc[~judged, "sentence"].isna().all()
    assert (results.loc[~judged, "flag"] == "not judged").all()


def test_demo_joint_return_is_not_compared(demo_comparison):
    """Kingston upon Thames and Richmond upon Thames share one workforce return (a rate, no counts): their
    vacancy rate is ranked but not compared; caseload has no denominator to need, so it is judged."""
    for code in ("E09000021", "E09000027"):
        vacancy = result(demo_comparison, code, "vacancy_rate")
        assert (vacancy["period_id"], vacancy["flag"]) == ("Sep 2025", "not compared")
        assert vacancy["rank"] > 0
        assert result(demo_comparison, code, "caseload")["flag"] in ("similar", "better", "worse")


def independent_counts(history, indicator_id, period_id):
    """(plain, adjusted) LAs beyond 99.8% either side, recomputed with scipy.stats from the history's counts."""
    rows = history[(history["indicator_id"] == indicator_id) & (history["period_id"] == period_id)
                   & history["funnel_position"].notna()]
    theta = rows["england"].iloc[0] / 100
    n = np.maximum(np.rint(rows["denominator"].to_numpy()), 1)
    y = (rows["numerator"] / rows["denominator"]).to_numpy()
    s = np.sqrt(theta * (1 - theta) / n)
    z = (y - theta) / s
    low, high = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, low, high) ** 2)
    tau2 = median_tau2(z, 1 / s**2)

    def limit(p):
        r = stats.binom.ppf(p, n, theta)
        at, below = stats.binom.cdf(r, n, theta), stats.binom.cdf(r - 1, n, theta)
        return (r - np.where(at > below, (at - p) / (at - below), 0)) / n

    widen = np.sqrt(1 + tau2 / s**2) if stats.chi2.sf(len(z) * phi, len(z) - 1) < 0.05 else 1.0
    count = np.rint(y * n)
    half = stats.binom.pmf(count, n, theta) / 2
    plain = (stats.binom.sf(count, n, theta) + half < 0.001) | (stats.binom.cdf(count - 1, n, theta) + half < 0.001)
    # Mid-P, widened: the limits half a count above the widened interpolated limits.
    adjusted = (y > theta + (limit(0.999) - theta) * widen + 0.5 / n) | (
        y < theta + (limit(0.001) - theta) * widen + 0.5 / n
    )
    return int(plain.sum()), int(adjusted.sum())


@pytest.mark.parametrize(
    ("indicator_id", "plain", "adjusted"), [("rereferral_rate", 103, 2), ("repeat_cp_plans", 28, 2)]
)
def test_real_data_plain_against_adjusted_limits(demo_comparison, indicator_id, plain, adjusted):
    """DfE 2024-25: LAs beyond the plain and the overdispersion-adjusted 99.8% limits (either side), equal to
    an independent recomputation with scipy.stats."""
    history = demo_comparison.history
    rows = history[(history["indicator_id"] == indicator_id) & (history["period_id"] == "2024-25")]
    engine_plain = int(rows["plain_flag_level"].eq("99.8").sum())
    engine_adjusted = int(rows["flag_level"].eq("99.8").sum())
    assert (engine_plain, engine_adjusted) == (plain, adjusted)
    assert independent_counts(history, indicator_id, "2024-25") == (plain, adjusted)


def test_score_history_covers_every_period(demo_comparison):
    """Scores as at every period in the database by whose end something had been published, 153 partnerships
    each: 29 of the 30, all but 2012-13, whose figures DfE published on 1 December 2013."""
    sizes = demo_comparison.score_history.groupby("as_at_period_id").size()
    assert len(sizes) == 29
    assert "2012-13" not in sizes.index
    assert (sizes == 153).all()


def test_history_has_every_result(demo_comparison):
    """Every partnership x indicator x period the indicator has data for."""
    history = demo_comparison.history
    assert len(history) == 52_020
    assert not history.duplicated(["partnership_id", "indicator_id", "period_id"]).any()
    assert isinstance(history, pd.DataFrame)


def test_small_denominators_are_too_few_to_judge(demo_comparison):
    """Under 10 in the denominator a proportion is shown but 'too few to judge', never worse or better, and
    counted apart: not assessed in the score, in its own count, said in its sentence."""
    results = demo_comparison.area_results
    small = results[results["method"].isin(["proportion", "rate"]) & (results["denominator"] < 10)
                    & (results["flag"] != "did not report") & (results["polarity"] != "context")]
    assert len(small) > 0
    assert set(small["flag"]) == {"too few to judge"}
    assert (small["flag_level"] == "").all()
    assert small["sentence"].str.contains("too few to judge").all()
    counted = small.groupby("partnership_id", observed=True).size()
    scores = demo_comparison.scores.set_index("partnership_id")
    assert (scores.loc[counted.index, "too_few"] == counted).all()
    assessed = results[results["flag"].isin(["worse", "similar", "better", "did not report"])]
    per_partnership = assessed.groupby("partnership_id", observed=True).size().reindex(scores.index, fill_value=0)
    assert (scores["assessed"] == per_partnership).all()


def test_la_attendance_of_a_few_meetings_is_never_better_beyond_99_8(demo_comparison):
    """LA attendance is 3 to 6 meetings a quarter: too few to judge, so never 'better beyond 99.8%'."""
    attendance = demo_comparison.area_results[demo_comparison.area_results["indicator_id"] == "attendance_local_authority"]
    assert not (attendance["flag"].isin(["better", "worse"])).any()


def test_multi_agency_audits_are_compared_per_10k_children(demo_comparison):
    """Audits are a count that grows with the partnership: the robust z measures them per 10,000 children."""
    audits = demo_comparison.area_results[(demo_comparison.area_results["indicator_id"] == "multi_agency_audits")
                                          & demo_comparison.area_results["robust_z"].notna()]
    assert len(audits) > 100
    rate = audits["robust_value"].to_numpy()
    assert np.isfinite(rate).all()
    median = np.median(rate)
    scale = 1.4826 * np.median(np.abs(rate - median))
    assert audits["robust_z"].to_numpy() == pytest.approx((rate - median) / scale)
    assert np.allclose(audits["robust_median"].to_numpy(), median)
    flagged = audits[audits["flag"].isin(["worse", "better"])]
    assert flagged["sentence"].str.contains("per 10,000 children").all()


def test_workforce_rates_of_fte_are_continuous(demo_comparison):
    """Vacancy, agency and turnover rates (FTE over FTE) are judged with normal limits, not binomial ones."""
    table = demo_comparison.overdispersion
    families = table[table["indicator_id"].isin(["vacancy_rate", "agency_rate", "turnover_rate"])]["family"]
    assert set(families) == {"normal"}
    assert set(table[table["indicator_id"] == "rereferral_rate"]["family"]) == {"binomial"}


def test_three_of_three_fte_vacant_is_too_few_to_judge(demo_comparison):
    """Isles of Scilly, Sep 2025: 3 FTE vacancies of 3 FTE (100%): too few to judge, not beyond any limit."""
    scilly = result(demo_comparison, "E06000053", "vacancy_rate")
    assert (scilly["numerator"], scilly["denominator"], scilly["value"]) == (3.0, 3.0, 100.0)
    assert (scilly["flag"], scilly["flag_level"]) == ("too few to judge", "")
    assert "too few to judge" in scilly["sentence"]


def test_published_figures_only_leave_out_local_returns(small_store):
    """On published figures alone, the local return (strategy discussions with partners) is gone and nothing counts as not
    reported: area 10, whose only concern was its missing return, drops to re-referrals 23.0% (0.766, not deflated:
    tau2 is 0), Good (0) and caseload 16 (0.674) over 3: 0.480; area 12 has re-referrals, caseload and Requires
    improvement: 7/3."""
    published = compare(small_store, published_only=True)
    assert "strategy_discussion_partners" not in set(published.area_results["indicator_id"].astype(str))
    assert "strategy_discussion_partners" in set(compare(small_store).area_results["indicator_id"].astype(str))
    scores = published.scores.set_index("partnership_id")
    assert scores["did_not_report"].sum() == 0
    assert scores.loc[area(10), ["score", "assessed"]].tolist() == [pytest.approx(0.480, abs=1e-3), 3]
    assert scores.loc[area(12), ["rank", "score"]].tolist() == [1, pytest.approx(7 / 3)]


def test_summaries_mark_invented_figures(demo_comparison):
    """A demo figure named in a summary says it is invented; a published one does not."""
    summaries = demo_comparison.scores.set_index("partnership_id")["summary"]
    assert summaries["E06000031"].startswith("CP conference attendance +5.3 SD (invented), ")
    assert summaries["E06000018"].startswith("12 figures not reported (invented), Sickness absence +2.7 SD, ")


def test_a_past_quarter_sees_only_what_had_been_published_by_its_end(demo_store):
    """Peterborough as at 2025-26 Q2 (30 Sep 2025): assessments within 45 days from 2023-24 (83.3%, published
    1 Dec 2024), not 2024-25 (77.0%, published 1 Dec 2025); as at Q3 (31 Dec 2025) from 2024-25. Caseload as at
    2024-25 Q3 (31 Dec 2024) from Sep 2023 (14.5, published 1 Mar 2024), as at Q4 from Sep 2024 (19.0). The
    quarter's own invented returns count, published on the day they were loaded; the score history as at a past
    quarter is that quarter's comparison."""
    def peterborough(period_id, indicator_id):
        results = compare(demo_store, period_id).area_results
        row = results[(results["partnership_id"] == "E06000031") & (results["indicator_id"] == indicator_id)].iloc[0]
        return row["period_id"], row["value"], row["published_on"]

    assert peterborough("2025-26 Q2", "assessment_timeliness") == ("2023-24", 83.3, date(2024, 12, 1))
    assert peterborough("2025-26 Q3", "assessment_timeliness") == ("2024-25", 77.0, date(2025, 12, 1))
    assert peterborough("2024-25 Q3", "caseload") == ("Sep 2023", 14.5, date(2024, 3, 1))
    assert peterborough("2024-25 Q4", "caseload") == ("Sep 2024", 19.0, date(2025, 3, 1))
    loads = demo_store.loads()
    loaded = loads.loc[loads["source"] == "demo", "loaded_at"].min().date()
    period, value, published = peterborough("2025-26 Q2", "cp_conference_attendance")
    assert (period, value, published) == ("2025-26 Q2", 31.7, loaded)

    past = compare(demo_store, "2025-26 Q2").scores.set_index("partnership_id")
    history = compare(demo_store).score_history
    then = history[history["as_at_period_id"] == "2025-26 Q2"].set_index("partnership_id")
    assert then.loc["E06000031", ["rank", "score"]].tolist() == [6, pytest.approx(1.425502, abs=1e-6)]
    pd.testing.assert_series_equal(then["score"], past.loc[then.index, "score"])
