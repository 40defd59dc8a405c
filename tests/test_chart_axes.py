"""Value axes say when they do not start at zero; the spine chart's labels carry the unit and England's figure;
a missing figure's status is in words (demo literals as at 2026-27 Q2, Peterborough)."""

import pandas as pd
import pytest

from boards import profile
from boards.charts.axes import value_axis, value_axis_title
from boards.charts.explorer import ranked_dot_chart
from boards.charts.explorer import trend_chart as indicator_trend_chart
from boards.charts.spine import spine_chart, spine_table
from boards.charts.trends import trend_chart
from boards.compare.engine import compare
from boards.compare.sentences import status_words
from boards.compare.spine import spine_rows

PETERBOROUGH = "E06000031"


@pytest.fixture(scope="module")
def latest(demo_store):
    return compare(demo_store, "2026-27 Q2")


def test_axis_from_zero_unless_the_lowest_value_is_above_a_third_of_the_highest():
    assert value_axis([0, 40], "percent").range == [0.0, 42.4]
    assert value_axis([10, 40], "percent").note == ""  # 10 is within a third of 40: from zero
    truncated = value_axis([60, 80, 100], "percent")
    assert (truncated.range, truncated.note) == ([50.0, 102.4], "axis starts at 50, not 0")
    assert value_axis([0.31, 0.36], "ratio").note == "axis starts at 0.30, not 0"
    assert value_axis([-0.5, 2.0], "count").range == [-0.65, 2.15]  # below zero: zero is on the axis
    assert value_axis([1, 4], "grade").range is None  # grades have no zero
    assert value_axis([float("nan")], "percent").range is None


def test_axis_titles_name_the_unit_once():
    assert value_axis_title("Re-referrals", "percent") == "Re-referrals (%)"
    assert value_axis_title("Referrals per 10k", "per_10k") == "Referrals per 10k"
    assert value_axis_title("Months since inspection", "months") == "Months since inspection"
    assert value_axis_title("Caseload", "ratio") == "Caseload"


def test_trend_panels_say_when_their_axis_does_not_start_at_zero(latest):
    results = profile.partnership_results(latest.area_results, PETERBOROUGH)
    ids = results.loc[results["domain"].astype(str) == "workforce", "indicator_id"].astype(str).tolist()
    frame = profile.trend_frame(latest.history, latest.benchmarks, PETERBOROUGH, "E12000006", ids, latest.as_at)
    figure = trend_chart(frame, partnership_name="Peterborough", region_name="East of England", title="Workforce")
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles[0] == 'Caseload<br><span style="font-size:11px">axis starts at 13, not 0</span>'
    assert titles[1] == "Vacancy rate"
    assert titles[5] == 'Supervision on time<br><span style="font-size:11px">axis starts at 30, not 0</span>'
    assert (figure.layout.yaxis.range[0], figure.layout.yaxis2.range[0], figure.layout.yaxis6.range[0]) == (13, 0, 30)


def test_indicator_charts_say_when_their_axis_does_not_start_at_zero(latest):
    rereferrals = latest.area_results[latest.area_results["indicator_id"] == "rereferral_rate"]
    ranked = ranked_dot_chart(rereferrals, title="Ranked", short_name="Re-referrals", unit="percent", decimals=1,
                              judged=True, england=22.6)
    assert ranked.layout.yaxis.title.text == "Re-referrals (%)"  # Isles of Scilly's 0.0%: from zero
    frame = pd.DataFrame(
        {"period": ["2023-24", "2024-25"], "england": [22.4, 22.6], "lower_quartile": [17.7, 16.9],
         "upper_quartile": [23.6, 23.0]})
    figure = indicator_trend_chart(frame, title="Over time", short_name="Re-referrals", unit="percent",
                                   decimals=1)
    assert figure.layout.yaxis.title.text == "Re-referrals (%)<br>axis starts at 16, not 0"
    assert figure.layout.yaxis.range[0] == 16


def test_spine_labels_carry_the_unit_and_englands_figure(latest):
    rows = spine_rows(latest.area_results, latest.benchmarks, PETERBOROUGH)
    figure = spine_chart(rows[rows["x_worst"].notna()], partnership_name="Peterborough",
                         region_name="East of England", title="Spine")
    labels = list(figure.layout.yaxis.ticktext)
    assert labels[:2] == ["Referrals per 10k (context) · England 519.4", "Re-referrals (%) · England 22.6"]
    assert "ILACS grade · median of areas Good" in labels
    assert "Days actions overdue · median of areas 96" in labels
    # Status codes in words at the end of the row and in the table, never "z" or "x".
    ends = [annotation.text for annotation in figure.layout.annotations if annotation.xref == "paper"]
    assert ends.count("○ not applicable") == 2 and ends.count("○ not available") == 1
    verdicts = spine_table(rows).set_index("Indicator")["Verdict"]
    assert verdicts["Notified in 5 days"] == "○ Not compared: not applicable"
    assert verdicts["CP plans ended 2+ years"] == "○ Not compared: not available"


def test_status_codes_in_words():
    assert [status_words(code) for code in ("z", "c", "x", "missing", "reported")] == [
        "not applicable", "suppressed", "not available", "not returned", "reported"]
