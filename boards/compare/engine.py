"""The comparison engine: every partnership against England, its region and its neighbours.

``compare(store, period_id)`` reads the database once (named queries in ``boards/sql``) and
computes, for every partnership, indicator and period at once (vectorised, no loop over rows):
benchmarks, rank and percentile, confidence intervals, the funnel verdict with the
overdispersion rule, robust z-scores, trends and runs of "worse"; then, for the period asked
for, the limits and sentences of each result and the ranked concern scores.

Benchmarks, per indicator and period:

- England: the published national figure, recomputed from its numerator and denominator when
  it has them (the published value is rounded; the funnel needs the unrounded target); else
  pooled over the partnerships' numerators and denominators (local returns, which nobody
  publishes); else the median of the partnerships' values ("the median of areas": counts,
  grades). ``england_basis`` says which.
- Region: the same rules within the partnership's region.
- Statistical neighbours: median and mean of the values of the partnership's neighbours.
- Quartiles of the partnerships' values, in England and in each region.
- Rank 1 = best with polarity applied (for context indicators, rank 1 = highest value);
  percentile 100 = best, 0 = worst; quartile 1 = best quarter.

The verdict ("flag") of a judged indicator, against England:

- proportions (unit percent with numerators and denominators) and rates (per 10,000): the
  funnel, exact binomial or Poisson limits at 95% and 99.8% around England at the partnership's
  denominator (normal limits for the workforce rates of FTE over FTE, ``CONTINUOUS_RATES``,
  which are not counts of trials), widened for overdispersion when ``funnel.choose_adjustment`` says so
  (``funnel.py`` has the sources and the rule). The Fingertips comparison of the confidence
  interval with England is kept beside it as ``ci_flag`` for spine charts: with areas as
  overdispersed as LAs are, it calls most large areas different, which is why it does not
  drive the flags.
- values with no usable denominator (caseload, months since inspection, counts, absence rate
  whose denominator is not published): robust z against the median of areas (``robust.py``),
  beyond 2 robust standard deviations ('95') or 3 ('99.8'). They are named for what they are,
  "beyond 3 robust SDs", not "outside 99.8%": the share of areas beyond them depends on the
  shape of the indicator's distribution (``benchmarks/compare_simulation.py`` prints it for
  the real shapes). A count that grows with the number of children (``PER_10K_CHILDREN``:
  multi-agency audits) is compared per 10,000 children aged 0 to 17 (the members' latest ONS
  mid-year estimates), not raw, so a county is not "better" for being large.
- grades (ILACS): the grade is Ofsted's judgement, not a statistical finding, so it is shown
  as that judgement with no level (``flag_level`` ''), never as beyond a limit: Inadequate and
  Requires improvement are "worse" (a concern, scored by ``inspection[...]`` in the weights),
  Outstanding "better", Good "similar". One inspection stands for several quarters, so it
  counts once: its ``worse_streak`` is at most 1 and it has no trend. Its sentence gives the
  inspection's age from months since inspection, which is context. The robust z is still
  reported.
- "too few to judge": a proportion or rate whose denominator is under ``MIN_DENOMINATOR`` (10)
  is shown, with its interval, but not judged. The threshold is Public Health England's for
  small numbers: Fingertips does not calculate a directly standardised rate from fewer than
  10 events, and switches from exact to Byar's intervals at 10 ("Commonly used public health
  statistics and their confidence intervals", APHO Technical Briefing 3, 2008, and PHE's
  2018 tool). Below 10 meetings, notifications or FTE a single event moves a percentage by
  more than 10 points, and even a figure at 0% or 100% is within the limits or beyond them by
  chance of the denominator alone. These figures are counted apart from "similar" in the
  matrix, the profile and the score (``too_few``), and do not count as assessed.
- "did not report": a quarterly local indicator with status ``missing``, or no row at all, in
  a period others reported it; "not compared": suppressed, not applicable, or no counts to
  test (a joint return's shared rate); "not judged": context indicators.

Periods: a comparison is "as at" the end of a period (by default the latest quarter). Each
indicator contributes its latest period with data that ended by then, was published by then and
ended no more than ``AS_AT_MAX_AGE_DAYS`` before (a quarter's comparison uses the latest annual DfE
figures published by its end, and says so in its sentences: "Caseload 19.8 (year to 30 Sep 2025)").
Each period's publication date is ``published_on`` (``inputs.publication_dates``): DfE's release
day for a DfE year, so a comparison as at a past quarter, and the score history, use what a
director could have seen at that quarter's end, not a release published later. A quarter's local
returns count from their own quarter (they are sent after it ends; their ``published_on`` is the
day they were loaded).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd
from scipy import special

from boards.compare import funnel, sentences
from boards.compare.arrays import group_counts, group_quantiles, group_sums, one_of
from boards.compare.errors import ComparisonError
from boards.compare.funnel import BINOMIAL, MIN_DENOMINATOR, NORMAL, POISSON
from boards.compare.inputs import ComparisonInputs, read_inputs
from boards.compare.intervals import poisson_count_interval, wilson_interval
from boards.compare.robust import robust_z
from boards.compare.score import (
    BETTER,
    CHANCE_WORSE_95,
    COUNTS,
    DID_NOT_REPORT,
    FLAG_NAMES,
    NOT_COMPARED,
    NOT_JUDGED,
    SIMILAR,
    TOO_FEW,
    WORSE,
    ConcernWeights,
    concern_components,
    concern_scores,
    load_weights,
    score_intervals,
)
from boards.compare.trend import QUARTERS_IN_WINDOW, YEARS_IN_WINDOW, trend_statistics, worse_streak
from boards.periods import whole_months_between
from boards.store import Store

ENGLAND_CODE = "E92000001"
AS_AT_MAX_AGE_DAYS = 731  # two years: the latest DfE annual figures are 18 months old at most
ROBUST_LEVELS = {"95": 2.0, "99.8": 3.0}  # robust standard deviations from the median, by level code
PER_10K_CHILDREN = ("multi_agency_audits",)  # counts compared per 10,000 children aged 0 to 17
METHODS = ("proportion", "rate", "robust", "grade")
FAMILY_OF_METHOD = {"proportion": BINOMIAL, "rate": POISSON}
CONTINUOUS_RATES = ("vacancy_rate", "agency_rate", "turnover_rate")  # FTE over FTE: judged as continuous rates
BASES = ("published", "pooled", "median", "none")
ADJUSTMENT_NAMES = ("", *funnel.ADJUSTMENTS)  # "" where there is no funnel
TOP_DRIVERS = 3  # results named in a score's summary
GRADE_WORDS = {1.0: "Outstanding", 2.0: "Good", 3.0: "Requires improvement", 4.0: "Inadequate"}
TREND_NAMES = ("worsening", "improving", "no significant change", "rising", "falling", "not tested")

AREA_RESULT_COLUMNS = [
    "partnership_id", "partnership_name", "region_code", "indicator_id", "short_name", "domain", "unit", "polarity",
    "decimals", "method", "period_id", "period_label", "granularity", "end_date", "status", "value", "numerator",
    "denominator", "england", "england_basis", "region", "neighbour_median", "neighbour_mean", "neighbour_count",
    "areas_median", "rank", "ranked_areas", "percentile", "quartile", "ci_lower_95", "ci_upper_95", "ci_lower_99_8",
    "ci_upper_99_8", "ci_flag", "ci_flag_level", "adjustment", "lower_95", "upper_95", "lower_99_8", "upper_99_8",
    "funnel_position", "plain_flag", "plain_flag_level", "robust_value", "robust_median", "robust_z", "direction",
    "flag", "flag_level", "worse_streak", "concern_z", "concern_se", "invented", "published_on",
    "trend", "trend_p", "trend_slope", "trend_points", "points", "sentence",
]

# The limits and sentence are worked out for the chosen period only.
HISTORY_COLUMNS = [
    column for column in AREA_RESULT_COLUMNS
    if column not in ("lower_95", "upper_95", "lower_99_8", "upper_99_8", "sentence")
]


@dataclass(frozen=True)
class Comparison:
    """Every result of one comparison, as tidy DataFrames for the pages and the command line.

    - ``area_results``: one row per partnership and indicator as at ``period_id``, with value,
      intervals, benchmarks, rank, limits, verdicts, trend and its sentence;
    - ``scores``: one row per partnership as at ``period_id``, ranked by concern score, with the 95%
      intervals of its rank (``rank_low`` to ``rank_high``) and score (``score_low``, ``score_high``), and
      ``invented_share``, the share of its assessed weight that rests on the demo's invented figures;
    - ``benchmarks``: England and each region per indicator and period (value, basis, quartiles);
    - ``overdispersion``: per indicator and period with a funnel: target, phi, its p-value, tau2,
      the adjustment used and the range of denominators;
    - ``history``: every partnership, indicator and period (``area_results`` without limits
      and sentences), for trend charts;
    - ``score_history``: the concern scores as at every period.

    Columns of a result that need a word: ``method`` (proportion, rate, robust, grade);
    ``flag`` (worse, similar, better, not compared, did not report, not judged, too few to judge) and
    ``flag_level`` ('95', '99.8' or ''), the verdict the scores use; ``direction`` (+1 above
    England, -1 below, when flagged); ``plain_flag`` the funnel verdict without the
    overdispersion adjustment and ``ci_flag`` the Fingertips comparison of the confidence
    interval with England, both for charts; ``funnel_position`` where the area falls in the
    in-control distribution, its mid-P position (above 0.999 is beyond the upper 99.8% limit,
    ``funnel.positions``); ``lower_95`` ..
    ``upper_99_8`` the limits used, at the area's denominator; ``robust_value`` and
    ``robust_median`` the figure a robust z measures and its median, where that is not the value
    itself (per 10,000 children); ``worse_streak`` periods running
    flagged worse; ``trend_slope`` change per period in the display unit; ``concern_z`` the signed distance from
    England the concern score uses (positive worse; a grade's in grade steps from Good) and
    ``concern_se`` its sampling standard deviation; ``invented`` whether the indicator's figures for
    that period include the demo's invented ones; ``published_on`` the day they were published
    (a local return: the day it was loaded); ``points`` what the result adds to the
    concern score (its capped distance times its weight).
    """

    period_id: str
    period_label: str
    as_at: date
    area_results: pd.DataFrame
    scores: pd.DataFrame
    benchmarks: pd.DataFrame
    overdispersion: pd.DataFrame
    history: pd.DataFrame
    score_history: pd.DataFrame

    def funnel_curve(
        self, indicator_id: str, period_id: str | None = None, *, adjustment: str | None = None, points: int = 100
    ) -> pd.DataFrame:
        """Funnel limits over a range of denominators, for a chart: one row per denominator.

        ``period_id`` defaults to the indicator's period in this comparison; ``adjustment`` to
        the one the rule chose (or 'none', 'multiplicative', 'random_effects'). Values are in
        the indicator's display unit (percent, per 10,000).
        """
        if period_id is None:
            used = self.area_results.loc[self.area_results["indicator_id"] == indicator_id, "period_id"]
            if used.empty:
                raise ComparisonError(f"no indicator {indicator_id!r} in this comparison")
            period_id = used.iloc[0]
        found = self.overdispersion[
            (self.overdispersion["indicator_id"] == indicator_id) & (self.overdispersion["period_id"] == period_id)
        ]
        if found.empty:
            raise ComparisonError(f"{indicator_id} has no funnel in {period_id} (no numerators and denominators)")
        spec = found.iloc[0]
        chosen = adjustment or spec["adjustment"]
        if chosen not in funnel.ADJUSTMENTS:
            raise ComparisonError(f"adjustment must be one of {', '.join(funnel.ADJUSTMENTS)}, not {chosen!r}")
        family, theta, multiplier = spec["family"], spec["target"] / spec["multiplier"], spec["multiplier"]
        low, high = max(spec["min_denominator"] / 2, 1.0), spec["max_denominator"] * 1.2
        denominators = np.geomspace(low, high, points)
        if family == BINOMIAL:
            denominators = np.unique(funnel.whole_trials(denominators))
        widen = funnel.inflation(chosen, family, theta, denominators, spec["phi"], spec["tau2"])
        curve = {"denominator": denominators, "target": np.full(len(denominators), spec["target"])}
        for level, (lower, upper) in funnel.limits_at_levels(family, theta, denominators, widen).items():
            curve[f"lower_{_suffix(level)}"] = lower * multiplier
            curve[f"upper_{_suffix(level)}"] = upper * multiplier
        frame = pd.DataFrame(curve)
        frame["adjustment"] = chosen
        return frame


def compare(
    store: Store, period_id: str | None = None, *, weights: ConcernWeights | None = None, published_only: bool = False
) -> Comparison:
    """Compare every partnership as at ``period_id`` (default: the latest quarter with data); with
    ``published_only``, on published figures alone (``published_inputs``)."""
    inputs = read_inputs(store)
    return compare_inputs(published_inputs(inputs) if published_only else inputs, period_id, weights=weights)


def published_inputs(inputs: ComparisonInputs) -> ComparisonInputs:
    """The inputs without the indicators and periods that hold local returns (uploads and invented demo
    figures): a comparison on published DfE and Ofsted figures alone, where nothing counts as not reported."""
    return replace(inputs, indicator_periods=inputs.indicator_periods[~inputs.indicator_periods["local_return"].astype(bool)])


def default_period_id(periods: pd.DataFrame) -> str | None:
    """The period compared when none is named: the latest quarter, else the latest period (None if none).

    ``periods`` has a row per period with ``period_id``, ``granularity`` and ``end_date``."""
    if periods.empty:
        return None
    quarters = periods[periods["granularity"] == "quarter"]
    chosen = quarters if len(quarters) else periods
    return str(chosen["period_id"].iloc[int(np.argmax(pd.to_datetime(chosen["end_date"]).to_numpy()))])


def compare_inputs(
    inputs: ComparisonInputs, period_id: str | None = None, *, weights: ConcernWeights | None = None
) -> Comparison:
    """``compare`` on inputs already read (or built by a simulation or a benchmark)."""
    if inputs.indicator_periods.empty or inputs.partnerships.empty:
        raise ComparisonError("the database holds no observations to compare; load data first")
    periods = inputs.periods.reset_index(drop=True)
    period_id = period_id or default_period_id(periods)
    if period_id in set(periods["period_id"]):
        chosen = int(np.flatnonzero(periods["period_id"] == period_id)[0])
    else:
        known = ", ".join(periods.sort_values("end_date")["period_id"].iloc[-4:])
        raise ComparisonError(f"no data for period {period_id!r}; the latest periods are {known}")
    weights = weights or load_weights()
    grid, groups, benchmarks, overdispersion = _analyse(inputs, weights)
    as_at = _as_at_groups(groups, periods)

    rows, as_at_of_row = _rows_of_groups(grid["group"].to_numpy(), as_at["group"].to_numpy(), as_at["as_at"].to_numpy())
    components = pd.DataFrame(
        {
            **{column: grid[column].to_numpy()[rows] for column in ("points", "assessed_weight", *COUNTS)},
            "invented_weight": (grid["assessed_weight"].to_numpy() * grid["invented"].to_numpy())[rows],
            "as_at_period_id": as_at_of_row,
            "partnership_id": grid["partnership_code"].to_numpy()[rows],
        },
        copy=False,
    )
    score_history = concern_scores(components)
    drivers = _drivers(grid, rows, components)
    score_history["drivers"] = [
        drivers.get((period, partnership), "")
        for period, partnership in zip(score_history["as_at_period_id"], score_history["partnership_id"], strict=True)
    ]
    chosen_rows = rows[as_at_of_row == chosen]
    intervals = score_intervals(
        pd.DataFrame({column: grid[column].to_numpy()[chosen_rows] for column in
                      ("partnership_code", "distance", "distance_se", "weight", "assessed")})
        .rename(columns={"partnership_code": "partnership_id"}),
        weights.cap,
    )
    partnerships = inputs.partnerships.reset_index(drop=True)
    score_history["as_at_period_id"] = periods["period_id"].to_numpy()[score_history["as_at_period_id"]]
    score_history = pd.concat(
        [
            score_history.drop(columns="partnership_id"),
            partnerships.loc[score_history["partnership_id"], ["partnership_id", "partnership_name", "region_code"]]
            .reset_index(drop=True),
        ],
        axis=1,
    )
    intervals["partnership_id"] = partnerships["partnership_id"].to_numpy()[intervals["partnership_id"]]
    score_history["summary"] = _score_summaries(score_history)
    columns = ["as_at_period_id", "rank", "partnership_id", "partnership_name", "region_code", "score", "summary",
               "invented_share", "points", "assessed_weight", *COUNTS]
    score_history = score_history[columns]

    chosen_groups = as_at.loc[as_at["as_at"] == chosen, "group"].to_numpy()
    selected = np.flatnonzero(np.isin(grid["group"].to_numpy(), chosen_groups))
    # By partnership, then in catalogue order: taken from the grid once, already in that order.
    position, partnership = grid["position"].to_numpy()[selected], grid["partnership_code"].to_numpy()[selected]
    by_partnership = selected[np.lexsort((position, partnership))]
    chosen_id = periods.at[chosen, "period_id"]
    area_results = _with_limits_and_sentences(
        grid.take(by_partnership).reset_index(drop=True), chosen_id, inputs.inspection_dates
    )
    history = grid[HISTORY_COLUMNS]
    scores = score_history[score_history["as_at_period_id"] == chosen_id].drop(columns="as_at_period_id")
    scores = scores.merge(intervals, on="partnership_id", how="left")
    scores = scores[["rank", "rank_low", "rank_high", "partnership_id", "partnership_name", "region_code", "score",
                     "score_low", "score_high", "summary", "invented_share", "points", "assessed_weight", *COUNTS]]
    return Comparison(
        period_id=chosen_id,
        period_label=periods.at[chosen, "label"],
        as_at=periods.at[chosen, "end_date"],
        area_results=area_results,
        scores=scores.reset_index(drop=True),
        benchmarks=benchmarks,
        overdispersion=overdispersion,
        history=history,
        score_history=score_history,
    )


def _suffix(level: str) -> str:
    return level.replace(".", "_")


def _positions_in(known: pd.Series, values: pd.Series) -> np.ndarray:
    """Position of each of ``values`` in ``known`` (-1 if absent), matching each distinct text once."""
    codes, uniques = pd.factorize(values)
    return pd.Index(known).get_indexer(uniques)[codes] if len(uniques) else np.zeros(0, dtype=np.int64)


def _group_of(groups: pd.DataFrame, period_count: int, indicator: np.ndarray, period: np.ndarray) -> np.ndarray:
    """The group of each (indicator, period) position pair, -1 where there is none (groups are
    numbered in ``indicator * period_count + period`` order: see ``_grid``)."""
    keys = groups["indicator"].to_numpy() * period_count + groups["period"].to_numpy()
    wanted = indicator * period_count + period
    if not len(keys):
        return np.full(len(wanted), -1)
    found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where((indicator >= 0) & (period >= 0) & (keys[found] == wanted), found, -1)


def _lookup(column: pd.Series, codes: np.ndarray) -> pd.Categorical:
    """``column[codes]`` as a categorical: repeated text taken by integer codes, not copied."""
    table_codes, uniques = pd.factorize(column)
    return pd.Categorical.from_codes(table_codes[codes], categories=uniques)


# -- the analysis of every period ----------------------------------------------------------


def _analyse(
    inputs: ComparisonInputs, weights: ConcernWeights
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    grid, groups = _grid(inputs)
    benchmarks = _benchmarks(grid, groups, inputs)
    _neighbours(grid, groups, inputs)
    _ranks(grid)
    _intervals(grid)
    overdispersion = _funnel_verdicts(grid, groups)
    _robust_verdicts(grid)
    _flags(grid)
    _distances(grid)
    _trends(grid)
    components = concern_components(grid, weights)
    for column in components:
        grid[column] = components[column].to_numpy()
    return grid, groups, benchmarks, overdispersion


def _grid(inputs: ComparisonInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every partnership's row of every indicator and period with data, each series in period order.

    Rows run by indicator in catalogue order, then partnership, then period; a partnership with
    no row of an expected indicator and period has status 'absent'. Returns the grid and its
    groups (one row per indicator and period, indexed by ``group``).
    """
    indicators = inputs.indicators.reset_index(drop=True)
    periods = inputs.periods.reset_index(drop=True)
    partnerships = inputs.partnerships.reset_index(drop=True)
    expected = inputs.indicator_periods
    expected_indicator = _positions_in(indicators["indicator_id"], expected["indicator_id"])
    expected_period = _positions_in(periods["period_id"], expected["period_id"])
    known = (expected_indicator >= 0) & (expected_period >= 0)
    # Groups are numbered in catalogue order, then in the order of the periods table.
    keys = expected_indicator[known] * len(periods) + expected_period[known]
    by_key = np.argsort(keys)
    keys = keys[by_key]
    groups = pd.DataFrame({"indicator": keys // len(periods), "period": keys % len(periods)})
    local_return_of_group = expected["local_return"].to_numpy(dtype=bool)[known][by_key]
    invented = expected["invented"] if "invented" in expected else pd.Series(False, index=expected.index)
    invented_of_group = invented.to_numpy(dtype=bool)[known][by_key]
    # Inputs without publication dates (simulations) count each period as published at its end.
    ends = periods["end_date"].to_numpy()[expected_period]
    published = expected["published_on"].to_numpy() if "published_on" in expected else ends
    published_of_group = np.asarray(published, dtype=object)[known][by_key]

    # Every partnership in every group, sorted into row order: indicator, partnership, period.
    position = indicators["position"].to_numpy()
    chronological = np.argsort(np.argsort(pd.to_datetime(periods["end_date"]).to_numpy(), kind="stable"))
    group_indicator, group_period = groups["indicator"].to_numpy(), groups["period"].to_numpy()
    partnership_count = len(partnerships)
    size = len(groups) * partnership_count
    pair_group = np.repeat(np.arange(len(groups)), partnership_count)
    pair_partnership = np.tile(np.arange(partnership_count), len(groups))
    # One integer key (indicator position, then partnership, then period) sorts faster than lexsort's three.
    key = (position[group_indicator] * partnership_count)[pair_group] + pair_partnership
    order = np.argsort(key * len(periods) + chronological[group_period][pair_group])
    group, partnership = pair_group[order], pair_partnership[order]
    row_of = np.empty((len(groups), partnership_count), dtype=np.int64)  # [group, partnership] -> grid row
    row_of[group, partnership] = np.arange(size)
    indicator, period = group_indicator[group], group_period[group]

    values = inputs.values
    value_indicator = _positions_in(indicators["indicator_id"], values["indicator_id"])
    value_period = _positions_in(periods["period_id"], values["period_id"])
    value_partnership = _positions_in(partnerships["partnership_id"], values["partnership_id"])
    value_group = _group_of(groups, len(periods), value_indicator, value_period)
    placed = np.flatnonzero((value_group >= 0) & (value_partnership >= 0))
    rows = row_of[value_group[placed], value_partnership[placed]]
    status_codes, status_names = pd.factorize(values["status"])
    status_names = list(status_names)
    if "absent" not in status_names:  # a partnership with no row of an expected indicator and period
        status_names.append("absent")
    status = np.full(size, status_names.index("absent"))
    status[rows] = status_codes[placed]
    measures = {}
    for column in ("value", "numerator", "denominator"):
        measures[column] = np.full(size, np.nan)
        measures[column][rows] = values[column].to_numpy(dtype=float)[placed]
    # Invented: the row's own figure where it has one (a real upload beside invented returns is real), else
    # its indicator and period's (a return not sent, in a period of invented returns).
    row_invented = invented_of_group[group]
    if "invented" in values:
        row_invented[rows] = values["invented"].to_numpy(dtype=bool)[placed]

    region_index = pd.Index(inputs.regions["region_code"])
    grid = pd.DataFrame(
        {
            "partnership_id": pd.Categorical.from_codes(partnership, categories=partnerships["partnership_id"]),
            "partnership_name": _lookup(partnerships["partnership_name"], partnership),
            "region_code": _lookup(partnerships["region_code"], partnership),
            "indicator_id": pd.Categorical.from_codes(indicator, categories=indicators["indicator_id"]),
            "short_name": _lookup(indicators["short_name"], indicator),
            "domain": _lookup(indicators["domain"], indicator),
            "unit": _lookup(indicators["unit"], indicator),
            "polarity": _lookup(indicators["polarity"], indicator),
            "decimals": indicators["decimals"].to_numpy()[indicator],
            "multiplier": indicators["multiplier"].to_numpy(dtype=float)[indicator],
            "min_value": indicators["min_value"].to_numpy(dtype=float)[indicator],
            "max_value": indicators["max_value"].to_numpy(dtype=float)[indicator],
            "period_id": pd.Categorical.from_codes(period, categories=periods["period_id"]),
            "period_label": _lookup(periods["label"], period),
            "granularity": _lookup(periods["granularity"], period),
            "end_date": periods["end_date"].to_numpy()[period],
            "status": pd.Categorical.from_codes(status, categories=status_names),
            "local_return": local_return_of_group[group],
            "invented": row_invented,
            "published_on": published_of_group[group],
            **measures,
            "position": position[indicator],
            "partnership_code": partnership,
            "region_index": region_index.get_indexer(partnerships["region_code"])[partnership],
            "children": partnerships["children"].to_numpy(dtype=float)[partnership],
        }
    )
    new_series = np.ones(len(grid), dtype=bool)
    new_series[1:] = (indicator[1:] != indicator[:-1]) | (partnership[1:] != partnership[:-1])
    grid["series"] = np.cumsum(new_series)
    grid["group"] = group
    groups["indicator_id"] = indicators["indicator_id"].to_numpy()[group_indicator]
    groups["period_id"] = periods["period_id"].to_numpy()[group_period]
    groups["end_date"] = periods["end_date"].to_numpy()[group_period]
    groups["multiplier"] = indicators["multiplier"].to_numpy(dtype=float)[group_indicator]
    groups["local_return"] = local_return_of_group
    groups["published_on"] = published_of_group

    reported = one_of(grid["status"], ("reported",))
    numerator, denominator = grid["numerator"].to_numpy(), grid["denominator"].to_numpy()
    has_counts = reported & np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
    grid["has_counts"] = has_counts
    any_counts = np.bincount(group, weights=has_counts, minlength=len(groups)) > 0
    unit = indicators["unit"].to_numpy(dtype=object)[groups["indicator"]]  # one per group: few
    method_code = np.select(
        [(unit == "percent") & any_counts, (unit == "per_10k") & any_counts, unit == "grade"], [0, 1, 3], 2
    )
    groups["method"] = np.array(METHODS, dtype=object)[method_code]
    grid["method"] = pd.Categorical.from_codes(method_code[group], categories=METHODS)
    method = groups["method"].to_numpy()[group]
    value = grid["value"].to_numpy()
    grid["usable"] = np.select(
        [method == "proportion", method == "rate"],
        [has_counts & (numerator >= 0) & (numerator <= denominator), has_counts & (numerator >= 0)],
        reported & np.isfinite(value),
    )
    grid["ranked"] = reported & np.isfinite(value)
    grid["polarity_sign"] = np.select(
        [one_of(grid["polarity"], ("higher_better",)), one_of(grid["polarity"], ("lower_better",))], [1, -1], 0
    )
    grid["missing_return"] = grid["local_return"].to_numpy() & one_of(grid["status"], ("missing", "absent"))
    return grid, groups


def _benchmark_table(
    grid: pd.DataFrame, keys: np.ndarray, size: int, published: np.ndarray, multiplier: np.ndarray
) -> pd.DataFrame:
    """Value, basis, areas and quartiles for each benchmark key 0..size-1 (see the module docstring)."""
    counted = grid["has_counts"].to_numpy() & ~one_of(grid["method"], ("grade",))
    numerator = np.bincount(keys[counted], weights=grid["numerator"].to_numpy()[counted], minlength=size)
    denominator = np.bincount(keys[counted], weights=grid["denominator"].to_numpy()[counted], minlength=size)
    ranked_values = np.where(grid["ranked"].to_numpy(), grid["value"].to_numpy(), np.nan)
    lower_quartile, median, upper_quartile = group_quantiles(ranked_values, keys, size, (0.25, 0.5, 0.75))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = np.where(denominator > 0, numerator / denominator * multiplier, np.nan)
    basis = np.select([np.isfinite(published), np.isfinite(pooled), np.isfinite(median)], [0, 1, 2], 3)
    return pd.DataFrame(
        {
            "value": np.where(np.isfinite(published), published, np.where(np.isfinite(pooled), pooled, median)),
            "basis": pd.Categorical.from_codes(basis, categories=BASES),
            "areas": group_counts(ranked_values, keys, size),
            "lower_quartile": lower_quartile,
            "median": median,
            "upper_quartile": upper_quartile,
        }
    )


def _benchmarks(grid: pd.DataFrame, groups: pd.DataFrame, inputs: ComparisonInputs) -> pd.DataFrame:
    """England and regional benchmarks per indicator and period, in the display unit.

    Also writes england, england_basis, areas_median and region onto the grid.
    """
    published = inputs.published[inputs.published["status"] == "reported"]
    indicator = _positions_in(inputs.indicators["indicator_id"], published["indicator_id"])
    period = _positions_in(inputs.periods["period_id"], published["period_id"])
    multiplier = np.where(indicator >= 0, inputs.indicators["multiplier"].to_numpy(dtype=float)[indicator], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        recomputed = published["numerator"].to_numpy() / published["denominator"].to_numpy() * multiplier
    has_counts = published["numerator"].notna().to_numpy() & (published["denominator"].to_numpy() > 0)
    published_value = np.where(has_counts, recomputed, published["value"].to_numpy())
    published_group = _group_of(groups, len(inputs.periods), indicator, period)
    regions = inputs.regions.reset_index(drop=True)
    region_of = pd.Index(regions["region_code"]).get_indexer(published["geography_code"])
    is_england = (published["geography_code"] == ENGLAND_CODE).to_numpy()

    group = grid["group"].to_numpy()
    size = len(groups)
    england_published = np.full(size, np.nan)
    rows = is_england & (published_group >= 0)
    england_published[published_group[rows]] = published_value[rows]
    england = _benchmark_table(grid, group, size, england_published, groups["multiplier"].to_numpy())

    region_count = len(regions)
    region_index = grid["region_index"].to_numpy()
    in_region = region_index >= 0
    # One key per (group, region); rows of a partnership outside every region share a last, dropped key.
    region_keys = np.where(in_region, group * region_count + region_index, size * region_count)
    regional_published = np.full(size * region_count + 1, np.nan)
    rows = (region_of >= 0) & (published_group >= 0)
    regional_published[published_group[rows] * region_count + region_of[rows]] = published_value[rows]
    regional = _benchmark_table(
        grid, region_keys, size * region_count + 1, regional_published,
        np.append(np.repeat(groups["multiplier"].to_numpy(), region_count), np.nan),
    ).iloc[:-1]

    grid["england"] = england["value"].to_numpy()[group]
    grid["england_basis"] = pd.Categorical.from_codes(england["basis"].cat.codes.to_numpy()[group], categories=BASES)
    grid["areas_median"] = england["median"].to_numpy()[group]
    grid["region"] = np.where(in_region, regional["value"].to_numpy()[np.minimum(region_keys, len(regional) - 1)], np.nan)

    # England's rows, then each region's with a benchmark, for every group.
    kept = np.flatnonzero(regional["basis"].to_numpy() != "none")
    group_of_row = np.concatenate([np.arange(size), kept // region_count])
    region_of_row = kept % region_count

    def stacked(column: str) -> np.ndarray:
        return np.concatenate([england[column].to_numpy(), regional[column].to_numpy()[kept]])

    return pd.DataFrame(
        {
            "indicator_id": groups["indicator_id"].to_numpy()[group_of_row],
            "period_id": groups["period_id"].to_numpy()[group_of_row],
            "geography_code": np.concatenate(
                [np.full(size, ENGLAND_CODE, dtype=object), regions["region_code"].to_numpy(dtype=object)[region_of_row]]
            ),
            "geography_name": np.concatenate(
                [np.full(size, "England", dtype=object), regions["region_name"].to_numpy(dtype=object)[region_of_row]]
            ),
            "value": stacked("value"),
            "basis": pd.Categorical.from_codes(
                np.concatenate([england["basis"].cat.codes.to_numpy(), regional["basis"].cat.codes.to_numpy()[kept]]),
                categories=BASES,
            ),
            **{column: stacked(column) for column in ("areas", "lower_quartile", "median", "upper_quartile")},
        }
    )


def _neighbours(grid: pd.DataFrame, groups: pd.DataFrame, inputs: ComparisonInputs) -> None:
    """Median, mean and count of the neighbours' values, through a partnership x group matrix."""
    index = pd.Index(inputs.partnerships["partnership_id"])
    row_of = grid["partnership_code"].to_numpy()
    group = grid["group"].to_numpy()
    matrix = np.full((len(index), len(groups)), np.nan)
    ranked = grid["ranked"].to_numpy()
    matrix[row_of[ranked], group[ranked]] = grid["value"].to_numpy()[ranked]
    rows = index.get_indexer(inputs.neighbours["partnership_id"])
    neighbours = index.get_indexer(inputs.neighbours["neighbour_id"])
    slot = pd.Series(rows).groupby(rows).cumcount().to_numpy()
    slots = np.full((len(index), int(slot.max(initial=0)) + 1), -1)
    slots[rows, slot] = neighbours
    stacked = np.where((slots >= 0)[:, :, None], matrix[np.maximum(slots, 0)], np.nan)
    # The median by one sort (NaN sorts last), a fifth of the time of np.nanmedian's masked arrays.
    ordered = np.sort(stacked, axis=1)
    count = np.isfinite(stacked).sum(axis=1)
    middle = np.stack([np.maximum(count - 1, 0) // 2, count // 2])[:, :, None, :]
    pair = np.take_along_axis(ordered[None], middle, axis=2)[:, :, 0, :]
    median = np.where(count > 0, pair.mean(axis=0), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(count > 0, np.nansum(stacked, axis=1) / count, np.nan)
    grid["neighbour_median"] = median[row_of, group]
    grid["neighbour_mean"] = mean[row_of, group]
    grid["neighbour_count"] = count[row_of, group]


def _ranks(grid: pd.DataFrame) -> None:
    """Rank 1 = best (highest value for context), percentile 100 = best, quartile 1 = best."""
    ranked = grid["ranked"].to_numpy()
    orientation = np.where(grid["polarity_sign"].to_numpy() < 0, 1.0, -1.0)
    signed = pd.Series(np.where(ranked, grid["value"].to_numpy() * orientation, np.nan))
    group = grid["group"].to_numpy()
    rank = signed.groupby(group).rank(method="min").to_numpy()
    areas = np.bincount(group, weights=ranked)[group].astype(int)
    grid["rank"] = rank
    grid["ranked_areas"] = areas
    with np.errstate(divide="ignore", invalid="ignore"):
        percentile = np.where(areas > 1, 100 * (areas - rank) / (areas - 1), 100.0)
    grid["percentile"] = np.where(ranked, percentile, np.nan)
    grid["quartile"] = 1 + np.floor(4 * (rank - 1) / np.maximum(areas, 1))


def _intervals(grid: pd.DataFrame) -> None:
    """Wilson (proportions) and Byar/exact (rates) intervals, and the Fingertips comparison."""
    usable = grid["usable"].to_numpy()
    numerator, denominator = grid["numerator"].to_numpy(), grid["denominator"].to_numpy()
    multiplier = grid["multiplier"].to_numpy()
    proportion = usable & one_of(grid["method"], ("proportion",))
    rate = usable & one_of(grid["method"], ("rate",))
    england = grid["england"].to_numpy()
    ci_direction = {}
    for level, (confidence, _, _) in funnel.LEVELS.items():
        lower, upper = np.full(len(grid), np.nan), np.full(len(grid), np.nan)
        low, high = wilson_interval(numerator[proportion], denominator[proportion], confidence)
        lower[proportion], upper[proportion] = low * multiplier[proportion], high * multiplier[proportion]
        low, high = poisson_count_interval(numerator[rate], confidence)
        lower[rate] = low / denominator[rate] * multiplier[rate]
        upper[rate] = high / denominator[rate] * multiplier[rate]
        grid[f"ci_lower_{_suffix(level)}"] = lower
        grid[f"ci_upper_{_suffix(level)}"] = upper
        ci_direction[level] = np.select([lower > england, upper < england], [1, -1], 0)
    direction = ci_direction["95"]
    level = np.where(ci_direction["99.8"] != 0, 2, np.abs(direction))
    grid["ci_flag"], grid["ci_flag_level"] = _verdicts(grid, direction, level, proportion | rate)


def _verdicts(
    grid: pd.DataFrame, direction: np.ndarray, level: np.ndarray, compared: np.ndarray, too_few: np.ndarray | None = None
) -> tuple[pd.Categorical, pd.Categorical]:
    """(flag, level) from the direction of a difference, its level code, polarity, whether compared and
    whether too few to judge."""
    sign = grid["polarity_sign"].to_numpy()
    goodness = np.asarray(direction) * sign
    level = np.asarray(level).astype(np.int8)
    too_few = np.zeros(len(grid), dtype=bool) if too_few is None else too_few
    names = (NOT_JUDGED, DID_NOT_REPORT, NOT_COMPARED, TOO_FEW, WORSE, BETTER, SIMILAR)
    codes = [FLAG_NAMES.index(name) for name in names]
    flag = np.select(
        [sign == 0, grid["missing_return"].to_numpy(), ~compared, too_few, goodness < 0, goodness > 0], codes[:6], codes[6]
    )
    judged = (flag == FLAG_NAMES.index(WORSE)) | (flag == FLAG_NAMES.index(BETTER))
    return (
        pd.Categorical.from_codes(flag, categories=FLAG_NAMES),
        pd.Categorical.from_codes(np.where(judged, level, 0), categories=funnel.LEVEL_NAMES),
    )


def _families(groups: pd.DataFrame) -> np.ndarray:
    """The funnel family of each group: binomial, Poisson, normal (``CONTINUOUS_RATES``) or ''."""
    family = np.array([FAMILY_OF_METHOD.get(m, "") for m in groups["method"]], dtype=object)
    return np.where(np.isin(groups["indicator_id"], CONTINUOUS_RATES) & (family == BINOMIAL), NORMAL, family)


def _funnel_verdicts(grid: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Positions in the funnel, plain and with the rule's adjustment; the overdispersion table."""
    group = grid["group"].to_numpy()
    family_of_group = _families(groups)
    family = family_of_group[group]
    usable = grid["usable"].to_numpy()
    judged = funnel.judge(
        family,
        np.where(usable, grid["numerator"].to_numpy(), np.nan),
        grid["denominator"].to_numpy(),
        grid["england"].to_numpy() / grid["multiplier"].to_numpy(),
        group,
        len(groups),
    )
    valid = np.isfinite(judged.position)
    adjusted = valid & (judged.summary["adjustment"].to_numpy()[group] == funnel.RANDOM_EFFECTS)
    adjustment_code = np.where(adjusted, ADJUSTMENT_NAMES.index(funnel.RANDOM_EFFECTS),
                               ADJUSTMENT_NAMES.index(funnel.NO_ADJUSTMENT))
    grid["adjustment"] = pd.Categorical.from_codes(np.where(valid, adjustment_code, 0), categories=ADJUSTMENT_NAMES)
    grid["trials"], grid["widen"] = judged.trials, judged.widen
    grid["funnel_z"], grid["funnel_position"] = judged.z, judged.position
    grid["too_few"] = valid & (grid["denominator"].to_numpy() < MIN_DENOMINATOR)
    direction, level = funnel.outside_level(judged.plain_position)
    grid["plain_flag"], grid["plain_flag_level"] = _verdicts(grid, direction, level, valid, grid["too_few"].to_numpy())
    grid["_funnel_direction"], grid["_funnel_level"] = funnel.outside_level(judged.position)

    table = groups[["indicator_id", "period_id", "multiplier"]].copy()
    table["family"] = np.where(family_of_group == "", None, family_of_group)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["target"] = group_sums(np.where(valid, grid["england"], np.nan), group, len(groups)) / group_counts(
            np.where(valid, 1.0, np.nan), group, len(groups)
        )
    trials = pd.Series(judged.trials).groupby(group)
    table["min_denominator"] = trials.min().reindex(range(len(groups))).to_numpy()
    table["max_denominator"] = trials.max().reindex(range(len(groups))).to_numpy()
    table = table.join(judged.summary)
    table = table[table["areas"] > 0].copy()
    table["tau"] = np.sqrt(table["tau2"]) * table["multiplier"]
    return table[["indicator_id", "period_id", "family", "target", "multiplier", "areas", "phi", "p_value", "tau2",
                  "tau", "adjustment", "min_denominator", "max_denominator"]].reset_index(drop=True)


def _robust_verdicts(grid: pd.DataFrame) -> None:
    """Robust z for values without a denominator; grades judged on the grade itself."""
    grade = one_of(grid["method"], ("grade",))
    robust_rows = (one_of(grid["method"], ("robust",)) | grade) & grid["usable"].to_numpy()
    value = grid["value"].to_numpy()
    per_children = one_of(grid["indicator_id"], PER_10K_CHILDREN)
    with np.errstate(divide="ignore", invalid="ignore"):
        measured = np.where(per_children, value * 10_000 / grid["children"].to_numpy(dtype=float), value)
    measured = np.where(robust_rows, measured, np.nan)
    z, median = robust_z(measured, grid["group"].to_numpy())
    grid["robust_value"] = np.where(per_children, measured, np.nan)
    grid["robust_median"] = np.where(per_children & robust_rows, median, np.nan)
    grid["robust_z"] = z
    direction = np.select([z > ROBUST_LEVELS["95"], z < -ROBUST_LEVELS["95"]], [1, -1], 0)
    level = np.where(np.abs(z) > ROBUST_LEVELS["99.8"], 2, np.abs(direction))
    lower_better = grid["polarity_sign"].to_numpy() < 0
    low, high = grid["min_value"].to_numpy(), grid["max_value"].to_numpy()
    worst, best = np.where(lower_better, high, low), np.where(lower_better, low, high)
    towards_worst = np.sign(worst - best)
    # Inadequate (the worst grade) and Requires improvement (one better) are concerns; Outstanding is better.
    concern = np.abs(value - worst) <= 1
    grade_direction = np.select([concern, value == best], [towards_worst, -towards_worst], 0)
    direction = np.where(grade, grade_direction, direction)
    level = np.where(grade, 0, level)
    grid["inspection_concern"] = np.where(grade & robust_rows & concern, np.where(value == worst, 2, 1), 0)
    grid["_robust_direction"] = np.where(robust_rows, direction, 0)
    grid["_robust_level"] = np.where(robust_rows, level, 0)


def _flags(grid: pd.DataFrame) -> None:
    funnel_rows = one_of(grid["method"], tuple(FAMILY_OF_METHOD))
    direction = np.where(funnel_rows, grid["_funnel_direction"], grid["_robust_direction"])
    level = np.where(funnel_rows, grid["_funnel_level"], grid["_robust_level"])
    compared = grid["usable"].to_numpy() & (~funnel_rows | np.isfinite(grid["funnel_position"].to_numpy()))
    flag, flag_level = _verdicts(grid, direction, level, compared, grid["too_few"].to_numpy())
    codes = flag.codes
    judged = (codes == FLAG_NAMES.index(WORSE)) | (codes == FLAG_NAMES.index(BETTER))
    grid["direction"] = np.where(judged, direction, 0)
    grid["flag"], grid["flag_level"] = flag, flag_level
    for column in ("_funnel_direction", "_funnel_level", "_robust_direction", "_robust_level", "too_few"):
        del grid[column]
    worse = codes == FLAG_NAMES.index(WORSE)
    # An inspection's judgement stands until the next one: it counts once, not once a quarter.
    grid["worse_streak"] = np.where(
        one_of(grid["method"], ("grade",)), worse.astype(int), worse_streak(grid["series"].to_numpy(), worse)
    )


def _distances(grid: pd.DataFrame) -> None:
    """Each judged result's signed distance from England for the concern score (positive worse).

    Funnel results: the normal quantile of the widened mid-P position (a small or uncertain
    figure lies nearer the middle, so its distance is shrunk), with its sampling standard
    deviation ``1 / widen``; values without a denominator: the robust z; ILACS grades: grade
    steps from Good (Requires improvement +1, Inadequate +2, Outstanding -1), in
    ``score.concern_components`` times the weights' ``grade_step``.
    """
    sign = grid["polarity_sign"].to_numpy()
    funnel_rows = one_of(grid["method"], tuple(FAMILY_OF_METHOD))
    grade = one_of(grid["method"], ("grade",))
    position = np.clip(grid["funnel_position"].to_numpy(), 1e-12, 1 - 1e-12)
    good = np.where(sign < 0, grid["min_value"].to_numpy() + 1, grid["max_value"].to_numpy() - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.select(
            [funnel_rows, grade], [-sign * special.ndtri(position), -sign * (grid["value"].to_numpy() - good)],
            -sign * grid["robust_z"].to_numpy(),
        )
        se = np.where(funnel_rows, 1 / grid["widen"].to_numpy(), 0.0)
    judged = grid["usable"].to_numpy() & (sign != 0)
    grid["concern_z"] = np.where(judged & np.isfinite(distance), distance, np.nan)
    grid["concern_se"] = np.where(judged & np.isfinite(distance), se, np.nan)


def _trends(grid: pd.DataFrame) -> None:
    usable = grid["usable"].to_numpy()
    family = np.array([FAMILY_OF_METHOD.get(m, "") for m in METHODS], dtype=object)[grid["method"].cat.codes.to_numpy()]
    counted = family != ""
    statistics = trend_statistics(
        series=grid["series"].to_numpy(),
        window=np.where(one_of(grid["granularity"], ("quarter",)), QUARTERS_IN_WINDOW, YEARS_IN_WINDOW),
        family=family,
        numerator=np.where(usable & counted, grid["numerator"], np.nan),
        denominator=np.where(usable & counted, grid["denominator"], np.nan),
        value=np.where(usable & ~counted, grid["value"], np.nan),
        multiplier=grid["multiplier"].to_numpy(),
        group=grid["group"].to_numpy(),
    )
    for column in statistics:
        grid[column] = statistics[column].to_numpy()
    direction = grid["trend_direction"].to_numpy()
    sign = grid["polarity_sign"].to_numpy()
    goodness = direction * sign
    tested = np.isfinite(grid["trend_p"].to_numpy()) & ~one_of(grid["method"], ("grade",))  # grades: judgements
    code = np.select(
        [~tested, (sign == 0) & (direction > 0), (sign == 0) & (direction < 0), goodness < 0, goodness > 0],
        [TREND_NAMES.index(name) for name in ("not tested", "rising", "falling", "worsening", "improving")],
        TREND_NAMES.index("no significant change"),
    )
    grid["trend"] = pd.Categorical.from_codes(code, categories=TREND_NAMES)


# -- periods: which figures a comparison as at a period uses -------------------------------


def _as_at_groups(groups: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """(as_at, group): at each period's end, each indicator's latest figures published by then (indices, not
    ids), so that a past period's comparison is what could have been seen then. A local return counts from
    its own quarter: it is what that quarter's comparison is about, and it is always sent after the quarter
    ends."""
    pairs = pd.DataFrame(
        {
            "as_at": np.repeat(np.arange(len(periods)), len(groups)),
            "group": np.tile(np.arange(len(groups)), len(periods)),
        }
    )
    as_at_end = pd.to_datetime(periods["end_date"]).to_numpy()[pairs["as_at"]]
    group_end = pd.to_datetime(groups["end_date"]).to_numpy()[pairs["group"]]
    oldest = as_at_end - np.timedelta64(AS_AT_MAX_AGE_DAYS, "D")
    published = pd.to_datetime(groups["published_on"]).to_numpy()[pairs["group"]]
    seen = groups["local_return"].to_numpy(dtype=bool)[pairs["group"]] | (published <= as_at_end)
    pairs = pairs[(group_end <= as_at_end) & (group_end > oldest) & seen]
    pairs = pairs.assign(indicator=groups["indicator"].to_numpy()[pairs["group"]], end=group_end[pairs.index])
    latest = pairs.sort_values("end").groupby(["as_at", "indicator"]).tail(1)
    return latest[["as_at", "group"]].reset_index(drop=True)


def _rows_of_groups(row_groups: np.ndarray, groups: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every grid row of each of ``groups`` (repeats allowed), with the matching ``labels``."""
    order = np.argsort(row_groups, kind="stable")
    starts = np.searchsorted(row_groups[order], np.arange(row_groups.max() + 1))
    sizes = np.bincount(row_groups, minlength=len(starts))
    counts = sizes[groups]
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = order[np.repeat(starts[groups], counts) + offsets]
    return rows, np.repeat(labels, counts)


def _drivers(grid: pd.DataFrame, rows: np.ndarray, components: pd.DataFrame) -> dict[tuple[int, int], str]:
    """(as_at, partnership code) -> the two or three results that add most to the score, named with their
    distances before the cap: 'Caseload +4.2 SD, Police attendance not reported, Re-referrals +2.1 SD', or
    '13 figures not reported, Turnover rate +4.9 SD, Sickness absence +2.7 SD'."""
    frame = pd.DataFrame(
        {
            "as_at": components["as_at_period_id"].to_numpy(),
            "partnership": components["partnership_id"].to_numpy(),
            "points": components["points"].to_numpy(),
            "name": grid["short_name"].to_numpy()[rows],
            "distance": grid["concern_z"].to_numpy()[rows],
            "missing": grid["did_not_report"].to_numpy()[rows],
            "grade": one_of(grid["method"], ("grade",))[rows],
            "value": grid["value"].to_numpy()[rows],
            "invented": grid["invented"].to_numpy()[rows],
        }
    )
    # A distance that rounds to +0.0 SD drives nothing worth naming.
    frame = frame[(frame["points"] > 0) & (frame["missing"] | frame["grade"] | (frame["distance"] >= 0.05))].sort_values(
        ["as_at", "partnership", "points", "distance"], ascending=[True, True, False, False], kind="stable"
    )
    # Returns not reported are named together, "13 figures not reported", so that a missing return leaves
    # room for the figures that were sent.
    keys = ["as_at", "partnership"]
    not_reported = frame[frame["missing"]].groupby(keys).size()
    frame = frame[~frame["missing"] | ~frame.duplicated([*keys, "missing"])]
    top = frame.groupby(keys, sort=False).head(TOP_DRIVERS)
    count = pd.Series(list(zip(top["as_at"], top["partnership"], strict=True)), index=top.index).map(not_reported)
    grades = top["value"].map(GRADE_WORDS).fillna("")
    words = np.where(
        top["missing"],
        np.where(count > 1, count.fillna(0).astype(int).astype(str) + " figures not reported",
                 top["name"].astype(str) + " not reported"),
        np.where(top["grade"], top["name"].astype(str) + " " + grades,
                 top["name"].astype(str) + " " + top["distance"].map("{:+.1f} SD".format)),
    )
    # An invented demo figure is marked in the sentence that names it, not only in a banner.
    words = np.where(top["invented"].to_numpy(dtype=bool), words + " (invented)", words)
    # Joined slot by slot (first, second, third driver), not by a Python function per group.
    slot = top.groupby(keys, sort=False).cumcount().to_numpy()
    key = pd.MultiIndex.from_arrays([top["as_at"].to_numpy(), top["partnership"].to_numpy()])
    texts = pd.Series(words[slot == 0], index=key[slot == 0])
    for later in range(1, TOP_DRIVERS):
        chosen = slot == later
        extra = pd.Series(", " + words[chosen], index=key[chosen]).reindex(texts.index, fill_value="")
        texts = texts + extra
    return texts.to_dict()


def _score_summaries(scores: pd.DataFrame) -> list[str]:
    """'Caseload +3.0 SD, Re-referrals +2.1 SD; 5 worse (2 beyond 99.8% or 3 robust SDs), 1 worsening, 3 not reported, of 26
    assessed; 4 too few to judge; chance alone: about 0.6 worse of 20 tests' (the results adding most to the
    score, then the counts; chance: what 20 tests give with no real difference, at ``CHANCE_WORSE_95`` each,
    the rate the engine's verdicts gave in benchmarks/compare_simulation.py)."""
    summaries = []
    for drivers, worse, strong, worsening, missing, assessed, too_few, tested in zip(
        scores["drivers"], scores["worse"], scores["worse_99_8"], scores["worsening"], scores["did_not_report"],
        scores["assessed"], scores["too_few"], scores["tested"], strict=True,
    ):
        parts = [f"{worse} worse" + (f" ({strong} beyond 99.8% or 3 robust SDs)" if strong else "")]
        if worsening:
            parts.append(f"{worsening} worsening")
        if missing:
            parts.append(f"{missing} not reported")
        summaries.append(
            (f"{drivers}; " if drivers else "nothing worse than England; ")
            + ", ".join(parts) + f", of {assessed} assessed" + (f"; {too_few} too few to judge" if too_few else "")
            + f"; chance alone: about {CHANCE_WORSE_95 * tested:.1f} worse of {tested} tests"
        )
    return summaries


# -- one period: limits and sentences ------------------------------------------------------


def _with_limits_and_sentences(
    results: pd.DataFrame, period_id: str, inspection_dates: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The chosen period's rows (by partnership, in catalogue order) with their funnel limits (display
    unit) and sentences."""
    family = np.select(
        [one_of(results["method"], ("proportion",)) & one_of(results["indicator_id"], CONTINUOUS_RATES),
         one_of(results["method"], ("proportion",)), one_of(results["method"], ("rate",))],
        [NORMAL, BINOMIAL, POISSON], "",
    )
    theta = (results["england"] / results["multiplier"]).to_numpy()
    trials, widen = results["trials"].to_numpy(), results["widen"].to_numpy()
    multiplier = results["multiplier"].to_numpy()
    columns = {f"{side}_{_suffix(level)}": np.full(len(results), np.nan) for level in funnel.LEVELS
               for side in ("lower", "upper")}
    for name in (BINOMIAL, POISSON, NORMAL):
        rows = (family == name) & np.isfinite(trials)
        n = trials[rows].astype(np.int64) if name == BINOMIAL else trials[rows]
        for level, (low, high) in funnel.limits_at_levels(name, theta[rows], n, widen[rows]).items():
            columns[f"lower_{_suffix(level)}"][rows] = low * multiplier[rows]
            columns[f"upper_{_suffix(level)}"][rows] = high * multiplier[rows]
    for column, limit in columns.items():
        results[column] = limit
    months = results[one_of(results["indicator_id"], ("months_since_inspection",)) & results["value"].notna()]
    results["inspection_months"] = results["partnership_id"].map(
        pd.Series(months["value"].to_numpy(), index=months["partnership_id"].astype(str).to_numpy())
    ).to_numpy(dtype=float)
    results["inspection_finished"] = _inspection_finished(results, inspection_dates)
    results["sentence"] = sentences.sentences_of(results, period_id)
    return results[AREA_RESULT_COLUMNS]


def _inspection_finished(results: pd.DataFrame, inspection_dates: pd.DataFrame | None) -> np.ndarray:
    """The day the inspection behind each ILACS grade finished (an object array of dates, None elsewhere).

    Each member LA's latest inspection in force by the period's end; a partnership of several LAs gets a day
    only when its members' inspections finished the same day. The day is named only when it agrees with
    months since inspection (whole months from it to the period's end), the figure the grade was read with:
    otherwise the grade came from an inspection the table does not hold, and no day is better than a wrong one.
    """
    finished = np.full(len(results), None, dtype=object)
    months = results["inspection_months"].to_numpy(dtype=float)
    graded = one_of(results["method"], ("grade",)) & results["value"].notna().to_numpy() & np.isfinite(months)
    if inspection_dates is None or inspection_dates.empty or not graded.any():
        return finished
    rows = pd.DataFrame({
        "row": np.flatnonzero(graded),
        "partnership_id": results["partnership_id"].astype(str).to_numpy()[graded],
        "end": results["end_date"].to_numpy()[graded],
    })
    dates = inspection_dates.assign(
        partnership_id=inspection_dates["partnership_id"].astype(str),
        finished=pd.to_datetime(inspection_dates["finished"]).dt.date,
        in_force=pd.to_datetime(inspection_dates["in_force"]).dt.date,
    )
    pairs = rows.merge(dates, on="partnership_id")
    pairs = pairs[pairs["in_force"] <= pairs["end"]]
    latest = pairs.sort_values("in_force").groupby(["row", "area_code"]).tail(1)
    days = latest.groupby("row")["finished"].agg(["nunique", "first"])
    for row, day in days.loc[days["nunique"] == 1, "first"].items():
        if whole_months_between(day, results["end_date"].iat[row]) == int(months[row]):
            finished[row] = day
    return finished
