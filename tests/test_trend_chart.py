"""The trend chart's time axis names periods as the figures are published (demo literals, as at 2026-27 Q2)."""

import pytest

from boards import profile
from boards.charts.trends import trend_chart
from boards.compare.engine import compare


@pytest.fixture(scope="module")
def workforce(demo_store):
    compared = compare(demo_store, "2026-27 Q2")
    results = profile.partnership_results(compared.area_results, "E06000031")
    ids = results.loc[results["domain"].astype(str) == "workforce", "indicator_id"].astype(str).tolist()
    frame = profile.trend_frame(compared.history, compared.benchmarks, "E06000031", "E12000006", ids, compared.as_at)
    return trend_chart(frame, partnership_name="Peterborough", region_name="East of England", title="Workforce")


def test_axes_name_years_and_quarters_not_months(workforce):
    """Caseload (years to 30 September) and supervision (quarters): at most 3 names, the latest always shown."""
    caseload, supervision = workforce.layout.xaxis, workforce.layout.xaxis6
    assert list(caseload.ticktext) == ["Sep 2019", "Sep 2022", "Sep 2025"]
    assert list(supervision.ticktext) == ["2024-25 Q4", "2025-26 Q3", "2026-27 Q2"]
    assert (caseload.title.text, caseload.tickangle) == ("Period", 0)
