"""The concern score: weights file, points per result, score and ranking."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from boards.compare.score import (
    chance_of_any_worse,
    chance_of_strong,
    WEIGHTS_PATH,
    WeightsError,
    concern_components,
    concern_scores,
    load_weights,
)

WEIGHTS = load_weights()


def test_shipped_weights():
    """data/concern_weights.csv: every domain 1, flags 1 and 2, did not report 0.5, trend and persistence 0.5."""
    assert set(WEIGHTS.domain.values()) == {1.0}
    assert (WEIGHTS.flag_95, WEIGHTS.flag_99_8, WEIGHTS.did_not_report, WEIGHTS.worsening, WEIGHTS.persistent) == (
        1.0, 2.0, 0.5, 0.5, 0.5
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("flag,95,1,", "flag,95,one,"), "line 8: weight 'one' is not a number"),
        (("flag,95,1,", "flag,95,-1,"), "line 8: weight -1.0 is negative"),
        (("domain,demand,1,", "domain,demandz,1,"), "line 2: unknown weight domain/demandz"),
        (("trend,worsening,0.5,", "flag,95,0.5,"), "line 15: flag/95 is given twice"),
        (("persistence,worse_3_running,0.5,", "persistence,worse_3_running,x,"), "line 16: weight 'x' is not a number"),
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
    path.write_text("\n".join(line for line in WEIGHTS_PATH.read_text().splitlines() if not line.startswith("trend,")))
    with pytest.raises(WeightsError, match="no weight for trend/worsening"):
        load_weights(path)


def rows(*items):
    """Results (partnership, domain, flag, level, trend, streak) as at one period."""
    frame = pd.DataFrame(items, columns=["partnership_id", "domain", "flag", "flag_level", "trend", "worse_streak"])
    return frame.assign(as_at_period_id="2025-26 Q4")


def scored(frame, weights=WEIGHTS):
    components = concern_components(frame, weights)
    components["as_at_period_id"] = frame["as_at_period_id"]
    components["partnership_id"] = frame["partnership_id"]
    return concern_scores(components, weights).set_index("partnership_id")


def test_points_worked_by_hand():
    """A: 99.8% worse for 3 running and worsening (2 + 0.5 + 0.5), 95% worse (1), a missing return (0.5),
    one similar and one context: 4.5 points over 4 assessed, score 100 x 4.5 / (2 x 4) = 56.25."""
    frame = rows(
        ("A", "demand", "worse", "99.8", "worsening", 3),
        ("A", "workforce", "worse", "95", "no significant change", 1),
        ("A", "partnership", "did not report", "", "not tested", 0),
        ("A", "partnership", "similar", "", "no significant change", 0),
        ("A", "demand", "not judged", "", "rising", 0),
        ("A", "case_reviews", "not compared", "", "not tested", 0),
    )
    score = scored(frame).loc["A"]
    assert (score["points"], score["assessed_weight"], score["score"]) == (4.5, 4.0, 56.25)
    assert score[["assessed", "worse", "worse_99_8", "worsening", "worse_3_running", "did_not_report",
                  "not_compared"]].tolist() == [4, 2, 1, 1, 1, 1, 1]


def test_domain_weights_multiply_points_and_the_base(tmp_path):
    """Workforce weighted 3: a 95% workforce flag is 3 points of a base of 2 x (3 + 1): score 37.5."""
    path = tmp_path / "weights.csv"
    path.write_text(WEIGHTS_PATH.read_text().replace("domain,workforce,1,", "domain,workforce,3,"))
    frame = rows(("A", "workforce", "worse", "95", "no significant change", 1),
                 ("A", "demand", "similar", "", "no significant change", 0))
    assert scored(frame, load_weights(path)).loc["A", "score"] == 37.5


def test_ranking_breaks_ties_by_99_8_flags_then_flags():
    """Equal scores: more 99.8% flags first; equal in both: the same rank."""
    frame = rows(
        ("A", "demand", "worse", "95", "no significant change", 1),
        ("A", "demand", "worse", "95", "no significant change", 1),
        ("B", "demand", "worse", "99.8", "no significant change", 1),
        ("B", "demand", "similar", "", "no significant change", 0),
        ("C", "demand", "worse", "99.8", "no significant change", 1),
        ("C", "demand", "similar", "", "no significant change", 0),
        ("D", "demand", "similar", "", "no significant change", 0),
        ("E", "demand", "not judged", "", "rising", 0),
    )
    scores = scored(frame)
    assert scores["score"].round(2).to_dict() == {"B": 50.0, "C": 50.0, "A": 50.0, "D": 0.0, "E": pytest.approx(float("nan"), nan_ok=True)}
    assert scores["rank"].to_dict() == {"B": 1, "C": 1, "A": 3, "D": 4, "E": 5}


def test_vacancy_and_agency_count_as_one_indicator():
    """Both worse beyond 99.8% in the workforce domain: half weight each, so 2 points over one indicator's
    weight, as one flag would be; one of them worse: 1 point over 1, half the score."""
    weights = load_weights()
    frame = pd.DataFrame({
        "indicator_id": ["vacancy_rate", "agency_rate"], "domain": ["workforce", "workforce"],
        "flag": ["worse", "worse"], "flag_level": ["99.8", "99.8"], "trend": ["", ""], "worse_streak": [1, 1],
    })
    both = concern_components(frame, weights)
    assert (both["points"].sum(), both["assessed_weight"].sum()) == (2.0, 1.0)
    one = concern_components(frame.assign(flag=["worse", "similar"]), weights)
    assert (one["points"].sum(), one["assessed_weight"].sum()) == (1.0, 1.0)


def test_what_chance_alone_gives():
    """20 tests at 2.5% each: P(at least one worse) = 1 - 0.975^20 = 0.397; 3 or more beyond 99.8% of 20 tests:
    1 - P(0, 1 or 2) = 1.13e-6 (binomial, scipy.stats)."""
    assert float(chance_of_any_worse(np.array([20]))[0]) == pytest.approx(1 - 0.975**20)
    assert float(chance_of_any_worse(np.array([20]))[0]) == pytest.approx(0.397, abs=1e-3)
    assert float(chance_of_strong(np.array([20]), 3)[0]) == pytest.approx(stats.binom.sf(2, 20, 0.001), rel=1e-6)
