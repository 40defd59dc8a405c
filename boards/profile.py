"""What the partnership profile shows, as tidy frames cut from a comparison and the store.

No statistics here: the comparison engine (``boards/compare``) judges every figure; these
functions pick one partnership's rows, order its flags for reading, and say where each figure
came from. The page (``boards/pages/profile.py``) only draws them.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from boards.compare.engine import ENGLAND_CODE
from boards.compare.score import invented_words
from boards.store import Store

RECENT_QUARTERS = 4  # missing returns are listed for the last year of quarters

# Flag groups in reading order: the worse ones first, the strongest evidence first.
WORSE_99_8 = "Worse than England, beyond the 99.8% limit or 3 robust SDs"
WORSE_95 = "Worse than England, beyond the 95% limit or 2 robust SDs"
INSPECTION = "Ofsted's judgement a concern (Inadequate or Requires improvement)"
WORSENING = "Getting worse over time"
DID_NOT_REPORT = "Not reported"
BETTER = "Better than England"
FLAG_GROUPS = (WORSE_99_8, WORSE_95, INSPECTION, WORSENING, DID_NOT_REPORT, BETTER)

BASIS_WORDS = {
    "pooled": "pooled from the partnerships' own returns",
    "median": "the median of areas (no published figure)",
    "none": "no figure",
}


def partnership_results(area_results: pd.DataFrame, partnership_id: str) -> pd.DataFrame:
    """One partnership's rows of ``Comparison.area_results``, in catalogue order."""
    return area_results[area_results["partnership_id"] == partnership_id].reset_index(drop=True)


def flags(results: pd.DataFrame) -> pd.DataFrame:
    """The flags of one partnership's results, in ``FLAG_GROUPS`` order, catalogue order within.

    A result worse than England is listed once, under its level, even when it is also
    worsening (its sentence says so); "getting worse" lists the worsening trends of results
    not flagged worse. Columns: group, indicator_id, short_name, flag, flag_level, trend, sentence.
    """
    flag = results["flag"].astype(str)
    level = results["flag_level"].astype(str)
    worsening = results["trend"].astype(str) == "worsening"
    groups = pd.Series(pd.NA, index=results.index, dtype="object")
    groups[flag == "better"] = BETTER
    groups[flag == "did not report"] = DID_NOT_REPORT
    groups[worsening & flag.isin(["similar", "better", "not compared"])] = WORSENING
    groups[(flag == "worse") & (level == "95")] = WORSE_95
    groups[(flag == "worse") & (level == "99.8")] = WORSE_99_8
    if "method" in results:
        groups[(flag == "worse") & (results["method"].astype(str) == "grade")] = INSPECTION
    found = results.assign(group=pd.Categorical(groups, categories=FLAG_GROUPS, ordered=True))
    found = found[found["group"].notna()]
    found = found.assign(_order=range(len(found))).sort_values(["group", "_order"])
    columns = ["group", "indicator_id", "short_name", "flag", "flag_level", "trend", "sentence"]
    return found[columns].astype({"indicator_id": str, "short_name": str}).reset_index(drop=True)


def provenance(
    results: pd.DataFrame, observations: pd.DataFrame, benchmark_loads: pd.DataFrame, benchmarks: pd.DataFrame,
    region_code: str,
) -> pd.DataFrame:
    """Where each figure of one partnership's results comes from: one row per stored row behind it.

    ``observations`` is ``profile_provenance`` for the partnership, ``benchmark_loads`` is
    ``profile_benchmark_loads`` for its region, ``benchmarks`` the comparison's. A figure with
    no stored row (a return never made) keeps one row whose source is empty.
    """
    keys = ["indicator_id", "period_id"]
    figures = results[["indicator_id", "short_name", "period_id", "period_label", "end_date", "england_basis"]].astype(
        {"indicator_id": str, "short_name": str, "period_id": str, "period_label": str, "england_basis": str}
    )
    rows = figures.merge(observations, on=keys, how="left")
    published = benchmark_loads[benchmark_loads["status"] == "reported"]

    def published_words(geography_code: str) -> pd.Series:
        found = published[published["geography_code"] == geography_code]
        words = "published, load " + found["load_id"].astype(str) + " (" + found["file_name"] + ")"
        return rows[keys].merge(found[keys].assign(words=words), on=keys, how="left")["words"]

    def basis_words(basis: pd.Series, geography_code: str) -> pd.Series:
        return published_words(geography_code).where(basis == "published", basis.map(BASIS_WORDS))

    region = benchmarks.loc[benchmarks["geography_code"] == region_code, [*keys, "basis"]].astype(str)
    region_basis = rows[keys].merge(region, on=keys, how="left")["basis"].fillna("none")
    rows["england_figure"] = basis_words(rows["england_basis"], ENGLAND_CODE).to_numpy()
    rows["region_figure"] = basis_words(region_basis, region_code).to_numpy()
    columns = ["indicator_id", "short_name", "period_id", "period_label", "end_date", "area_code", "area_name",
               "status", "source", "load_id", "loaded_at", "loaded_by", "file_name", "england_figure", "region_figure"]
    return rows[columns]


def figure_sources(table: pd.DataFrame) -> set[str]:
    """The sources (published, local, demo) of the figures in a ``provenance`` table."""
    return set(table["source"].dropna())


def expected_returns(store: Store, partnership_id: str, as_at: date, quarters: int = RECENT_QUARTERS) -> pd.DataFrame:
    """Every quarterly local return expected of the partnership in its latest quarters, and what came."""
    return store.read("profile_returns", partnership_id=partnership_id, as_at=as_at, quarters=quarters)


def missing_returns(expected: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``expected_returns`` that did not come (marked missing, or no row at all)."""
    return expected[expected["what"] != "returned"].reset_index(drop=True)


def missing_return_sentences(expected: pd.DataFrame) -> list[str]:
    """What came of the returns ``expected_returns`` lists, in sentences: one for all, or one per quarter when some
    did not come."""
    if expected.empty:
        return ["No quarterly local returns were collected in the quarters up to this period."]
    missing = missing_returns(expected)
    quarters = expected.drop_duplicates("period_id")
    if missing.empty:
        return [f"Every quarterly local return came in for the last {len(quarters)} quarters "
                f"({quarters['period_id'].iloc[-1]} to {quarters['period_id'].iloc[0]})."]
    sentences = []
    for quarter in quarters.itertuples():
        due = expected[expected["period_id"] == quarter.period_id]
        gone = missing[missing["period_id"] == quarter.period_id]
        if gone.empty:
            sentences.append(f"{quarter.period_label}: all {len(due)} returns came in.")
        elif len(gone) == len(due):
            sentences.append(f"{quarter.period_label}: none of the {len(due)} returns came in.")
        else:
            names = ", ".join(dict.fromkeys(gone["short_name"]))
            sentences.append(f"{quarter.period_label}: {len(gone)} of {len(due)} returns missing: {names}.")
    return sentences


def score_over_time(
    score_history: pd.DataFrame, periods: pd.DataFrame, partnership_id: str, as_at: date
) -> pd.DataFrame:
    """One partnership's concern score and rank as at each quarter up to ``as_at``, newest first, as each stood
    then (``Comparison.score_history``: on the figures published by that quarter's end), with how much of it
    rests on invented figures. ``periods``: period_id, granularity, end_date, label."""
    quarters = periods[(periods["granularity"] == "quarter") & (pd.to_datetime(periods["end_date"]) <= pd.Timestamp(as_at))]
    quarters = quarters.sort_values("end_date", ascending=False)
    history = score_history[score_history["as_at_period_id"].isin(quarters["period_id"])]
    ranked = history.groupby("as_at_period_id")["score"].count()
    own = history[history["partnership_id"] == partnership_id].set_index("as_at_period_id")
    quarters = quarters[quarters["period_id"].isin(own.index)]
    own = own.loc[quarters["period_id"]]
    return pd.DataFrame(
        {
            "Quarter": quarters["label"].to_numpy(),
            "Concern score": own["score"].round(2).to_numpy(),
            "Rank": [f"{rank} of {ranked[period]}" for rank, period in zip(own["rank"], own.index, strict=True)],
            "From invented figures": [invented_words(share) for share in own["invented_share"]],
        }
    )


def trend_frame(
    history: pd.DataFrame, benchmarks: pd.DataFrame, partnership_id: str, region_code: str,
    indicator_ids: list[str], as_at: date,
) -> pd.DataFrame:
    """The partnership, England, its region and its neighbours' median over the periods up to ``as_at``.

    Long and tidy: one row per indicator, period and series ('partnership', 'england',
    'region', 'neighbours'), with the value (NaN where there is none), ``invented`` (the partnership's
    figure is the demo's invented one) and ``partnership_status`` (its figure's status: 'reported', 'x',
    'z'...), in catalogue and period order.
    """
    rows = history[(history["partnership_id"] == partnership_id) & history["indicator_id"].isin(indicator_ids)]
    rows = rows[pd.to_datetime(rows["end_date"]) <= pd.Timestamp(as_at)]
    keys = ["indicator_id", "period_id"]
    rows = rows[[*keys, "short_name", "unit", "decimals", "period_label", "end_date", "invented", "status", "value",
                 "neighbour_median"]].rename(columns={"status": "partnership_status"})
    rows = rows.astype({"indicator_id": str, "period_id": str, "short_name": str, "unit": str, "period_label": str,
                        "partnership_status": str})

    def benchmark(code: str) -> pd.Series:
        found = benchmarks.loc[benchmarks["geography_code"] == code, [*keys, "value"]].astype({k: str for k in keys})
        return rows[keys].merge(found, on=keys, how="left")["value"].to_numpy()

    wide = rows.rename(columns={"value": "partnership", "neighbour_median": "neighbours"})
    wide["england"] = benchmark(ENGLAND_CODE)
    wide["region"] = benchmark(region_code)
    order = {indicator: position for position, indicator in enumerate(indicator_ids)}
    wide = wide.assign(_order=wide["indicator_id"].map(order)).sort_values(["_order", "end_date"])
    long = wide.melt(
        id_vars=[*keys, "short_name", "unit", "decimals", "period_label", "end_date", "invented", "partnership_status"],
        value_vars=["partnership", "england", "region", "neighbours"],
        var_name="series",
    )
    return long.reset_index(drop=True)
