"""The concern score: weights file, distances per result, score, ranking, intervals, and not reporting."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from boards.compare.score import (
    WEIGHTS_PATH,
    WeightsError,
    chance_of_any_worse,
    chance_of_strong,
    concern_components,
    concern_scores,
    load_weights,
    score_intervals,
)

WEIGHTS = load_weights()


def test_shipped_weights():
    """data/concern_weights.csv: every domain 1, vacancy and agency half each, distances capped at 3 SDs,
    one SD per ILACS grade step."""
    assert set(WEIGHTS.domain.values()) == {1.0}
    assert WEIGHTS.indicator == {"vacancy_rate": 0.5, "agency_rate": 0.5}
    assert (WEIGHTS.cap, WEIGHTS.grade_step) == (3.0, 1.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("distance,cap,3,", "distance,cap,three,"), "line 10: weight 'three' is not a number"),
        (("distance,cap,3,", "distance,cap,-1,"), "line 10: weight -1.0 is negative"),
        (("distance,cap,3,", "distance,cap,0,"), "distance/cap must be above 0"),
        (("domain,demand,1,", "domain,demandz,1,"), "line 2: unknown weight domain/demandz"),
        (("inspection,grade_step,1,", "distance,cap,1,"), "line 11: distance/cap is given twice"),
    ],
)
def test_bad_weights_files_are_refused(tmp_path, change, message):
    """Each problem is named with its line."""
    path = tmp_path / "weights.csv"
    path.write_text(WEIGHTS_PATH.read_text().replace(*change))
    with pytest.raises(WeightsError, match=message):
        load_weights(path)


def test_missing_weight_is_refused(tmp_path):
    """Every weight must be given."""
    path = tmp_path / "weights.csv"
    path.write_text("\n".join(line for line in WEIGHTS_PATH.read_text().splitlines() if not line.startswith("inspection,")))
    with pytest.raises(WeightsError, match="no weight for inspection/grade_step"):
        load_weights(path)


def rows(*items):
    """Results (partnership, domain, flag, level, distance) as at one period, with method and trend."""
    frame = pd.DataFrame(items, columns=["partnership_id", "domain", "flag", "flag_level", "concern_z"])
    return frame.assign(as_at_period_id="2025-26 Q4", trend="no significant change", worse_streak=0, method="proportion")


def scored(frame, weights=WEIGHTS):
    components = concern_components(frame, weights)
    components["as_at_period_id"] = frame["as_at_period_id"].to_numpy()
    components["partnership_id"] = frame["partnership_id"].to_numpy()
    return concern_scores(components).set_index("partnership_id")


def test_score_worked_by_hand():
    """A: worse by 4.5 SDs (capped at 3), similar at -0.5, a missing return (the cap, 3), better by 1.5; one
    context and one not compared left out: (3 - 0.5 + 3 - 1.5) / 4 = 1.0."""
    frame = rows(
        ("A", "demand", "worse", "99.8", 4.5),
        ("A", "workforce", "similar", "", -0.5),
        ("A", "partnership", "did not report", "", np.nan),
        ("A", "partnership", "better", "95", -1.5),
        ("A", "demand", "not judged", "", np.nan),
        ("A", "case_reviews", "not compared", "", np.nan),
    )
    score = scored(frame).loc["A"]
    assert (score["points"], score["assessed_weight"], score["score"]) == (4.0, 4.0, 1.0)
    assert score[["assessed", "worse", "worse_99_8", "did_not_report", "better", "not_compared"]].tolist() == [
        4, 1, 1, 1, 1, 1
    ]


def test_grades_count_in_grade_steps():
    """Inadequate is 2 steps from Good; with grade_step 1.5 it counts 3 SDs: (3 + 0) / 2 = 1.5."""
    frame = rows(("A", "inspection_audit", "worse", "", 2.0), ("A", "demand", "similar", "", 0.0))
    frame["method"] = ["grade", "proportion"]
    assert scored(frame).loc["A", "score"] == 1.0
    steeper = load_weights().__class__(**{**load_weights().__dict__, "grade_step": 1.5})
    assert scored(frame, steeper).loc["A", "score"] == 1.5


def test_domain_weights_multiply_distances_and_the_base(tmp_path):
    """Workforce weighted 3: (3 x 2 + 1 x 0) / (3 + 1) = 1.5."""
    path = tmp_path / "weights.csv"
    path.write_text(WEIGHTS_PATH.read_text().replace("domain,workforce,1,", "domain,workforce,3,"))
    frame = rows(("A", "workforce", "worse", "95", 2.0), ("A", "demand", "similar", "", 0.0))
    assert scored(frame, load_weights(path)).loc["A", "score"] == 1.5


def test_equal_scores_share_a_rank():
    """Equal scores share a rank, listed by 99.8% flags then flags; no assessed indicator: no score, last."""
    frame = rows(
        ("A", "demand", "worse", "95", 2.0),
        ("B", "demand", "worse", "99.8", 2.0),
        ("C", "demand", "similar", "", 0.5),
        ("D", "demand", "not judged", "", np.nan),
    )
    scores = scored(frame)
    assert list(scores.index) == ["B", "A", "C", "D"]
    assert scores["rank"].tolist() == [1, 1, 3, 4]
    assert np.isnan(scores.loc["D", "score"])


def test_vacancy_and_agency_count_as_one_indicator():
    """Both at +2 SDs in the workforce domain: half weight each, so 2 points over one indicator's weight."""
    frame = pd.DataFrame({
        "indicator_id": ["vacancy_rate", "agency_rate"], "domain": ["workforce", "workforce"],
        "flag": ["worse", "worse"], "flag_level": ["95", "95"], "trend": ["", ""], "worse_streak": [1, 1],
        "concern_z": [2.0, 2.0],
    })
    both = concern_components(frame, WEIGHTS)
    assert (both["points"].sum(), both["assessed_weight"].sum()) == (2.0, 1.0)


# -- not reporting never helps -------------------------------------------------------------

PARTNERSHIPS = ("A", "B", "C", "D", "E")
DOMAINS = ("demand", "child_protection", "workforce", "partnership")


def world(distances: np.ndarray) -> pd.DataFrame:
    """Every partnership with one reported figure per domain, at the given distances."""
    partnership, domain = np.meshgrid(np.arange(len(PARTNERSHIPS)), np.arange(len(DOMAINS)), indexing="ij")
    return rows(*[
        (PARTNERSHIPS[p], DOMAINS[d], "worse" if z > 2 else "similar", "95" if z > 2 else "", z)
        for p, d, z in zip(partnership.ravel(), domain.ravel(), distances.ravel(), strict=True)
    ])


def withhold(frame: pd.DataFrame, partnership: str, domains) -> pd.DataFrame:
    """The same world with ``partnership``'s figures of ``domains`` not reported."""
    frame = frame.copy()
    chosen = (frame["partnership_id"] == partnership) & frame["domain"].isin(list(domains))
    frame.loc[chosen, ["flag", "flag_level", "concern_z"]] = ["did not report", "", np.nan]
    return frame


def test_withholding_the_two_worst_returns_does_not_help():
    """The issue's case: A, worst on two indicators, withholds them. Its score rises (each counts as the
    cap, 3, not as nothing), and it stays first."""
    frame = world(np.array([[2.8, 2.5, 0.2, 0.1], [2.0, 1.0, 0.5, 0.5], [0.0] * 4, [-1.0] * 4, [0.5] * 4]))
    before = scored(frame)
    after = scored(withhold(frame, "A", ("demand", "child_protection")))
    assert before.loc["A", ["score", "rank"]].tolist() == [pytest.approx(1.4), 1]
    assert after.loc["A", ["score", "rank"]].tolist() == [pytest.approx(1.575), 1]


def test_withholding_a_good_figure_costs_rank():
    """C, at England on everything (score 0), withholds one figure: it counts 3, its score becomes 0.75 and
    it passes E (0.5)."""
    frame = world(np.array([[2.8, 2.5, 0.2, 0.1], [2.0, 1.0, 0.5, 0.5], [0.0] * 4, [-1.0] * 4, [0.5] * 4]))
    assert scored(frame).loc["C", "rank"] == 4
    after = scored(withhold(frame, "C", ("workforce",)))
    assert after.loc["C", ["score", "rank"]].tolist() == [0.75, 3]


@settings(max_examples=100, deadline=None)
@given(
    distances=st.lists(st.floats(-5, 5, allow_nan=False), min_size=20, max_size=20),
    partnership=st.sampled_from(PARTNERSHIPS),
    withheld=st.sets(st.sampled_from(DOMAINS), min_size=1),
)
def test_withholding_any_subset_never_gains_rank(distances, partnership, withheld):
    """Whatever the figures, a partnership that withholds any subset of its returns never moves away from
    rank 1 (a larger rank number is less concern) and its score never falls."""
    frame = world(np.array(distances).reshape(len(PARTNERSHIPS), len(DOMAINS)))
    before = scored(frame).loc[partnership]
    after = scored(withhold(frame, partnership, withheld)).loc[partnership]
    assert after["rank"] <= before["rank"]
    assert after["score"] >= before["score"] - 1e-12


# -- intervals -------------------------------------------------------------------------------


def test_rank_intervals_widen_with_sampling_error():
    """Three partnerships 0.2 SD apart: with no sampling error each rank is exact; with one SD of sampling
    error on every distance the intervals overlap; a partnership 3 SDs worse stays first either way."""
    components = pd.DataFrame({
        "partnership_id": ["A", "B", "C", "D"],
        "distance": [0.2, 0.0, -0.2, 3.0],
        "distance_se": [0.0] * 4,
        "weight": [1.0] * 4,
        "assessed": [True] * 4,
    })
    exact = score_intervals(components, 3.0).set_index("partnership_id")
    assert exact[["rank_low", "rank_high"]].to_dict("list") == {"rank_low": [2, 3, 4, 1], "rank_high": [2, 3, 4, 1]}
    noisy = score_intervals(components.assign(distance_se=[1.0, 1.0, 1.0, 0.0]), 3.0).set_index("partnership_id")
    assert noisy.loc["D", ["rank_low", "rank_high"]].tolist() == [1, 1]
    assert noisy.loc["A", ["rank_low", "rank_high"]].tolist() == [2, 4]
    # One distance of sampling SD 1: its score's interval is about +-1.96.
    assert noisy.loc["B", "score_high"] - noisy.loc["B", "score_low"] == pytest.approx(2 * 1.96, abs=0.2)


def test_what_chance_alone_gives():
    """20 tests at 2.85% each (the rate of "worse" at 95% the engine's verdicts gave in the simulation benchmark):
    P(at least one worse) = 1 - 0.9715^20 = 0.439; 3 or more at 99.8% (0.366% a test) of 20 tests:
    1 - P(0, 1 or 2) = 5.33e-5 (binomial, scipy.stats)."""
    assert float(chance_of_any_worse(np.array([20]))[0]) == pytest.approx(1 - 0.9715**20)
    assert float(chance_of_any_worse(np.array([20]))[0]) == pytest.approx(0.439, abs=1e-3)
    assert float(chance_of_strong(np.array([20]), 3)[0]) == pytest.approx(stats.binom.sf(2, 20, 0.00366), rel=1e-6)
    assert float(chance_of_strong(np.array([20]), 3)[0]) == pytest.approx(5.33e-5, abs=1e-7)
