"""Sentences a director can read aloud, and how values are written."""

from datetime import date

import pandas as pd
import pytest

from boards.compare.sentences import format_value, period_phrase, sentences_of


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [(31.24, "percent", 1, "31.2%"), (519.436, "per_10k", 1, "519.4 per 10,000"), (19.84, "ratio", 1, "19.8"),
     (30.0, "months", 0, "30 months"), (4.0, "grade", 0, "Inadequate"), (1.0, "grade", 0, "Outstanding"),
     (1234.0, "count", 0, "1,234"), (float("nan"), "percent", 1, "no figure")],
)
def test_values(value, unit, decimals, text):
    """Units and decimals from the catalogue; ILACS grades by Ofsted's names."""
    assert format_value(value, unit, decimals) == text


def test_period_phrases():
    """Quarters by their id, years by their end."""
    assert period_phrase("2026-27 Q2", "quarter", date(2026, 9, 30)) == "2026-27 Q2"
    assert period_phrase("2024-25", "year_to_march", date(2025, 3, 31)) == "year to 31 Mar 2025"
    assert period_phrase("Sep 2025", "year_to_september", date(2025, 9, 30)) == "year to 30 Sep 2025"


def sentence(row: dict, as_at_period_id: str) -> str | None:
    """The sentence of one area result, as the engine writes it for a period's results."""
    return sentences_of(pd.DataFrame([row]), as_at_period_id)[0]


def funnel_row(**changes):
    row = {
        "flag": "worse", "flag_level": "99.8", "unit": "percent", "decimals": 1, "short_name": "Re-referrals",
        "period_id": "2024-25", "granularity": "year_to_march", "end_date": date(2025, 3, 31), "status": "reported",
        "value": 31.2, "england": 22.58, "england_basis": "published", "method": "proportion", "direction": 1,
        "lower_95": 20.1, "upper_95": 25.3, "lower_99_8": 17.3, "upper_99_8": 27.94, "robust_z": float("nan"),
        "areas_median": 22.9, "worse_streak": 3, "trend": "no significant change", "trend_p": 0.4, "trend_points": 3,
    }
    return {**row, **changes}


def test_the_issue_example():
    """The issue's example sentence, with the annual period named in a quarter's comparison."""
    assert sentence(funnel_row(), "2026-27 Q2") == (
        "Re-referrals 31.2% (year to 31 Mar 2025) against England 22.6%: above the 99.8% limit (27.9%); "
        "worse for 3 years running."
    )


def test_similar_with_a_worsening_trend():
    """Within the limits, worsening over the window, period not repeated when it is the comparison's own."""
    row = funnel_row(flag="similar", flag_level="", direction=0, period_id="2026-27 Q2", granularity="quarter",
                     value=81.0, england=86.0, short_name="Assessments in 45 days", worse_streak=0,
                     trend="worsening", trend_p=0.0031, trend_points=4)
    assert sentence(row, "2026-27 Q2") == (
        "Assessments in 45 days 81.0% against England 86.0%: within the 95% limits (20.1% to 25.3%); "
        "worsening relative to England over the last 4 quarters (p = 0.003)."
    )


def test_robust_z_sentence():
    """Values without a denominator are measured from the median of areas."""
    row = funnel_row(method="robust", unit="ratio", short_name="Caseload", period_id="Sep 2025",
                     granularity="year_to_september", end_date=date(2025, 9, 30), value=19.8, england=15.2,
                     robust_z=3.42, areas_median=15.9, worse_streak=1)
    assert sentence(row, "2026-27 Q2") == (
        "Caseload 19.8 (year to 30 Sep 2025) against England 15.2: far above the median of areas (15.9), "
        "robust z 3.4, beyond 3 robust SDs."
    )


def test_robust_z_below():
    """Below the median the threshold is negative too."""
    row = funnel_row(method="robust", unit="count", decimals=0, short_name="Multi-agency audits", value=0.0,
                     england=4.0, england_basis="median", robust_z=-2.5, areas_median=4.0, flag_level="95",
                     period_id="2026-27 Q2", granularity="quarter", worse_streak=1)
    assert sentence(row, "2026-27 Q2") == (
        "Multi-agency audits 0 against the median of areas 4: below it, robust z -2.5, beyond 2 robust SDs."
    )


def test_robust_z_per_10k_children():
    """A count compared per 10,000 children says so, with the rate and the areas' median rate."""
    row = funnel_row(method="robust", unit="count", decimals=0, short_name="Multi-agency audits", value=2.0,
                     england=6.0, england_basis="median", robust_z=-3.4, areas_median=6.0, flag_level="99.8",
                     robust_value=0.21, robust_median=1.93, period_id="2026-27 Q2", granularity="quarter",
                     worse_streak=1)
    assert sentence(row, "2026-27 Q2") == (
        "Multi-agency audits 2 against the median of areas 6: 0.2 per 10,000 children against the median of "
        "areas 1.9: far below it, robust z -3.4, beyond 3 robust SDs."
    )


def test_missing_return_context_and_suppressed():
    """Did not report names the period; context has no sentence; a suppressed figure says why."""
    assert sentence(funnel_row(flag="did not report", period_id="2026-27 Q2", granularity="quarter",
                               short_name="Police attendance"), "2026-27 Q2") == (
        "Police attendance: no return for 2026-27 Q2."
    )
    assert sentence(funnel_row(flag="not judged"), "2026-27 Q2") is None
    assert sentence(funnel_row(flag="not compared", status="c", value=float("nan")), "2026-27 Q2") == (
        "Re-referrals (year to 31 Mar 2025): not compared, suppressed to protect confidentiality."
    )


def test_a_value_beyond_its_limit_never_prints_as_the_same_number():
    """31.24% above a limit of 31.21% would read '31.2% ... above the 99.8% limit (31.2%)': both get a decimal more."""
    row = funnel_row(value=31.24, upper_99_8=31.21, worse_streak=1)
    assert sentence(row, "2026-27 Q2") == (
        "Re-referrals 31.24% (year to 31 Mar 2025) against England 22.6%: above the 99.8% limit (31.21%)."
    )
