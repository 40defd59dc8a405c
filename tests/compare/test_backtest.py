"""The backtest of the concern score against Ofsted: AUC, the clustered bootstrap, point in time."""

import numpy as np
import pandas as pd
import pytest

from boards.compare.backtest import (
    BASELINE,
    PREVIOUS,
    SCORE,
    auc,
    backtest_document,
    backtest_report,
    clustered_replicates,
    evaluate,
    scored_inspections,
)
from boards.compare.engine import compare
from boards.compare.score import concern_components, load_weights
from boards.reference import load_reference


def test_auc_of_hanley_and_mcneil_1982():
    """Hanley and McNeil (Radiology 1982), Table 1: 109 CT images rated 1 (definitely normal) to 5 (definitely
    abnormal); 58 normal (33, 6, 6, 11, 2) and 51 abnormal (3, 2, 2, 11, 33). Their area: 0.893."""
    ratings = np.arange(1, 6)
    normal = np.repeat(ratings, [33, 6, 6, 11, 2])
    abnormal = np.repeat(ratings, [3, 2, 2, 11, 33])
    scores = np.concatenate([normal, abnormal])
    positive = np.concatenate([np.zeros(58, bool), np.ones(51, bool)])
    assert auc(scores, positive) == pytest.approx(0.8932, abs=1e-4)


def test_auc_counts_pairs_and_ties_by_hand():
    """Positives 2 and 4 against negatives 1 and 3: 3 of 4 pairs ordered, 0.75; a tie counts half: positive 2
    against negatives 1 and 2 is (1 + 0.5) / 2 = 0.75; one group empty: NaN."""
    assert auc([1, 2, 3, 4], [False, True, False, True]) == 0.75
    assert auc([1, 2, 2], [False, True, False]) == 0.75
    assert np.isnan(auc([1, 2], [True, True]))


def test_bootstrap_draws_whole_local_authorities():
    """Each replicate draws 3 LAs with replacement and holds every inspection of each, as many times as it
    is drawn."""
    clusters = np.array(["A", "A", "B", "C", "C", "C"])
    sizes = {"A": 2, "B": 1, "C": 3}
    for rows in clustered_replicates(clusters, 50, seed=1):
        drawn = pd.Series(clusters[rows]).value_counts()
        assert all(count % sizes[name] == 0 for name, count in drawn.items())
        assert sum(count // sizes[name] for name, count in drawn.items()) == 3


def test_evaluate_worked_by_hand():
    """Six inspections of six LAs, three before 2022 and three after. Out of sample the score orders the weak
    pair above the good one perfectly (AUC 1), the baseline half right (0.5); the worst quarter of scores is
    the one Inadequate inspection: hit rate 100% against a base rate of 2 in 3."""
    inspections = pd.DataFrame({
        "area_code": list("ABCDEF"),
        "partnership_id": list("ABCDEF"),
        "inspection_type": "ILACS standard inspection",
        "start_date": pd.to_datetime(["2019-01-01", "2020-01-01", "2021-01-01", "2023-01-01", "2023-06-01", "2024-01-01"]),
        "grade": [2.0, 3.0, 2.0, 4.0, 3.0, 2.0],
        "help_protection_grade": [2.0, 3.0, 2.0, 4.0, 3.0, 2.0],
        SCORE: [0.1, 0.5, 0.2, 1.5, 1.0, 0.3],
        BASELINE: [0.2, 0.1, 0.3, 1.0, 0.0, 0.5],
    })
    result = evaluate(inspections, replicates=200, seed=3)
    areas = result.areas.set_index(["window", "judgement", "outcome", "measure"])["auc"]
    out = ("out of sample (2022 on)", "overall effectiveness", "Requires improvement or worse")
    assert areas[(*out, SCORE)] == 1.0
    assert areas[(*out, BASELINE)] == 0.5
    assert areas[("in sample (before 2022)", "overall effectiveness", "Requires improvement or worse", SCORE)] == 1.0
    difference = result.differences.set_index(["window", "judgement", "outcome"]).loc[out]
    assert difference["difference"] == 0.5
    quarter = result.worst_quarter.set_index(["window", "judgement", "outcome"]).loc[out]
    assert (quarter["worst_quarter"], quarter["hit_rate"], quarter["base_rate"]) == (1, 1.0, pytest.approx(2 / 3))
    assert "out of sample (2022 on)" in backtest_report(result)
    assert backtest_document(result)["out_of_sample"] == 3


# What DfE had published of Barking and Dagenham by July 2023: each judged indicator and its latest period.
SEEN_BEFORE_JULY_2023 = [
    ("rereferral_rate", "2021-22"), ("assessment_timeliness", "2021-22"), ("icpc_timeliness", "2021-22"),
    ("repeat_cp_plans", "2021-22"), ("cp_plans_2_years", "2021-22"), ("caseload", "Sep 2022"),
    ("vacancy_rate", "Sep 2022"), ("agency_rate", "Sep 2022"), ("turnover_rate", "Sep 2022"), ("absence_rate", "Sep 2022"),
]


def test_an_inspection_is_scored_on_what_was_published_before_it(demo_store):
    """Barking and Dagenham, inspected from 10 Jul 2023 (Requires improvement; Requires improvement in 2019,
    published Apr 2019): the children in need figures of 2021-22 (DfE's tables and LAIT, published 1 Dec 2022, not 2022-23's of
    1 Dec 2023) and the workforce figures of Sep 2022 (published 1 Mar 2023), each partnership result as the
    engine judged it, and the previous judgement as +1."""
    ref = load_reference()
    scored = scored_inspections(demo_store, ref, areas=("E09000002",)).set_index("start_date")
    inspection = scored.loc[pd.Timestamp("2023-07-10")]
    assert (inspection["grade"], inspection[PREVIOUS]) == (3.0, 1.0)
    history = compare(demo_store).history
    mine = history[history["partnership_id"].astype(str) == "E09000002"].set_index(["indicator_id", "period_id"])
    expected = {
        indicator: mine.loc[(indicator, period), "concern_z"]
        for indicator, period in SEEN_BEFORE_JULY_2023
    }
    for indicator, distance in expected.items():
        assert inspection[indicator] == pytest.approx(distance, nan_ok=True)
    assert inspection[BASELINE] == pytest.approx(np.nanmean(list(expected.values())))
    rows = mine.loc[SEEN_BEFORE_JULY_2023].reset_index()
    rows = pd.concat([rows, pd.DataFrame([{"indicator_id": "ilacs_grade", "domain": "inspection_audit", "flag": "worse",
                                          "flag_level": "", "trend": "not tested", "worse_streak": 1, "method": "grade",
                                          "concern_z": 1.0}])], ignore_index=True)
    components = concern_components(rows.astype({"indicator_id": str, "domain": str, "flag": str, "method": str,
                                                 "flag_level": str, "trend": str}), load_weights())
    assert inspection[SCORE] == pytest.approx(components["points"].sum() / components["assessed_weight"].sum())


def test_backtest_command_refuses_too_few_replicates(capsys):
    """boards backtest --replicates 50: one line on stderr, exit status 1, before any work."""
    from boards.cli import main

    assert main(["backtest", "--replicates", "50"]) == 1
    assert capsys.readouterr().err == "boards backtest: --replicates must be at least 100 for a 95% interval\n"
