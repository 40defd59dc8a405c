"""Does the comparison flag what it should, and no more? Monte-Carlo runs on the real shapes, printed.

Every run goes through the engine's own verdict functions, with each indicator's real
denominators and England figure from the demo database (the DfE figures for the published
indicators, the demo's local returns for the others). Each share is printed with its
Monte-Carlo standard error.

0. Which world looks like the real data: for each real DfE indicator, the octile skewness of
   the areas' rates and the share at exactly 0% or 100%, beside the same in the normal and the
   logit-normal random-effects worlds.
1. Null rates of every judged funnel indicator (its latest period, the areas with 10 or more in
   the denominator, which the engine judges): the share of areas outside
   the 95% and 99.8% limits when no area stands out, in a pure binomial world (every area drawn
   from England; for the continuous workforce rates, normal noise of the same variance) and in
   the in-control random-effects world (true rates drawn from
   N(England, tau^2), tau estimated from the real areas), and in a logit-normal world (logit true
   rates drawn from N(logit England, tau_L^2), tau_L = tau / (England (1 - England))). The goal is
   5% and 0.2%.
2. Power: 10 areas per replication with a true rate k tau worse than England, k = 1..5, among
   areas spread by tau, for re-referrals and repeat child protection plans; and in the
   logit-normal world, k tau_L above England on the logit scale.
3. Robust z: the share of areas beyond 2 and 3 robust SDs with no outlier, for each indicator
   judged that way (its latest period), in a normal world and in the indicator's own shape
   (areas drawn with replacement from its real values). A normal distribution puts 4.55% and
   0.27% of areas beyond them.
4. The trend test's size: areas called worsening or improving relative to England with no
   local trend, over 4 periods, with the real denominators and levels spread by tau, in three
   worlds: independent noise, AR(1) noise (rho 0.6, 2 points), a national drift of 1 point a
   period. The goal is 5%, at most 6%.
5. The real DfE figures for re-referrals and repeat child protection plans: LAs beyond the
   plain and the overdispersion-adjusted limits, year by year.
6. Chance alone: each judged indicator's share of areas called worse with no outlier (the worse
   side of 1 and 3), and their mean, the figure the summaries' "chance alone" uses.

    uv run python benchmarks/compare_simulation.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from scipy import special

from boards.compare.engine import MIN_DENOMINATOR, compare
from boards.compare.score import CHANCE_WORSE_95, CHANCE_WORSE_99_8
from boards.compare.simulation import (
    TREND_WORLDS,
    in_control,
    planted_outliers,
    real_shape,
    robust_null,
    trend_size,
    world_shape,
)
from boards.demo import build_demo
from boards.store import Store

NULL_REPLICATIONS = 400
POWER_REPLICATIONS = 400
ROBUST_REPLICATIONS = 2000
TREND_REPLICATIONS = 400
SHAPE_REPLICATIONS = 200
INDICATORS = {"rereferral_rate": "Re-referrals", "repeat_cp_plans": "Repeat CP plans"}


def logit_tau(world: dict) -> float:
    """The world's tau (a proportion) on the logit scale near England: tau / (theta (1 - theta)), the delta method."""
    return world["tau"] / (world["england"] * (1 - world["england"]))


def funnel_worlds(comparison) -> tuple[list[dict], list[str]]:
    """Each judged funnel indicator's latest period: the denominators of the areas it judges (at least
    ``MIN_DENOMINATOR``: below it a figure is too few to judge), England (a proportion), tau; and the
    indicators left out, with fewer than ``MIN_DENOMINATOR`` such areas."""
    history = comparison.history
    judged = history[history["funnel_position"].notna() & (history["polarity"] != "context")]
    table = comparison.overdispersion.set_index(["indicator_id", "period_id"])
    worlds, left_out = [], []
    for indicator_id, rows in judged.groupby("indicator_id", observed=True, sort=False):
        latest = rows[rows["end_date"] == rows["end_date"].max()]
        period_id = latest["period_id"].iloc[0]
        latest = latest[latest["denominator"] >= MIN_DENOMINATOR]
        if len(latest) < MIN_DENOMINATOR:
            left_out.append(str(indicator_id))
            continue
        spec = table.loc[(indicator_id, period_id)]
        worlds.append({
            "indicator_id": indicator_id,
            "period_id": period_id,
            "denominators": latest["denominator"].to_numpy(),
            "england": float(spec["target"] / spec["multiplier"]),
            "tau": float(np.sqrt(spec["tau2"])),
            "family": spec["family"],
            "polarity": str(latest["polarity"].iloc[0]),
            "rates": (latest["numerator"] / latest["denominator"]).to_numpy(dtype=float),
            "invented": bool(latest["invented"].any()),
        })
    return worlds, left_out


def known_tau_power(denominators: np.ndarray, england: float, tau: float, k: int) -> float:
    """The mean over areas of P(an area k tau worse is above England + 1.96 sqrt(s^2 + tau^2)), normal theory with
    the true tau: what the 95% limits would find if tau were not estimated from data holding the outliers."""
    worse = england + k * tau
    limit = england + 1.959964 * np.sqrt(england * (1 - england) / denominators + tau**2)
    return float(np.mean(special.ndtr((worse - limit) / np.sqrt(worse * (1 - worse) / denominators))))


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = Store.open(Path(directory) / "demo.duckdb")
        build_demo(store)
        comparison = compare(store)
        worlds, left_out = funnel_worlds(comparison)

        print(f"0. The real spread against the two random-effects worlds ({SHAPE_REPLICATIONS} replications): the octile "
              "skewness of the areas' rates (0 symmetric) and the share of areas at exactly 0% or 100%; real DfE "
              "indicators only (the demo's invented ones have the spread the demo gave them)")
        print(f"   {'indicator':<30} {'England':>8}   real: skew  at 0/100%   normal world: skew  at 0/100%   "
              "logit-normal world: skew  at 0/100%")
        for seed, world in enumerate(worlds):
            if world["invented"]:
                continue
            real = real_shape(world["rates"])
            normal = world_shape(world["denominators"], world["england"], world["tau"], SHAPE_REPLICATIONS,
                                 seed=500 + seed, world="normal", family=world["family"])
            logit = world_shape(world["denominators"], world["england"], logit_tau(world), SHAPE_REPLICATIONS,
                                seed=550 + seed, world="logit-normal", family=world["family"])
            print(f"   {world['indicator_id']:<30} {100 * world['england']:>7.1f}%   {real.skewness:>+10.2f}  "
                  f"{100 * real.at_edge:>8.2f}%   {normal.skewness:>+18.2f}  {100 * normal.at_edge:>8.2f}%   "
                  f"{logit.skewness:>+24.2f}  {100 * logit.at_edge:>8.2f}%")

        print(f"\n1. Null rates of the funnel verdicts, {NULL_REPLICATIONS} replications of every area "
              "(goal: 5% outside 95%, 0.2% outside 99.8%)")
        print(f"   {'indicator':<30} {'period':<11} {'areas':>5} {'n':>11} {'England':>8} {'tau':>6}   world"
              f"            outside 95%                 outside 99.8%               mean tau estimate")
        print(f"   (left out, with fewer than {MIN_DENOMINATOR} areas of {MIN_DENOMINATOR} or more, the rest too few "
              f"to judge: {', '.join(left_out)})")
        worse_side = []  # (indicator, worse side at 95%, at 99.8%) in the random-effects world, for section 6
        for seed, world in enumerate(worlds):
            n = world["denominators"]
            for name, spread, shape, world_seed in (
                ("no spread", 0.0, "normal", 100 + 2 * seed), ("random effects", world["tau"], "normal", 101 + 2 * seed),
                ("logit-normal", logit_tau(world), "logit-normal", 150 + seed),
            ):
                outcome = in_control(n, world["england"], NULL_REPLICATIONS, seed=world_seed, spread=spread,
                                     family=world["family"], world=shape)
                print(f"   {world['indicator_id']:<30} {world['period_id']:<11} {len(n):>5} "
                      f"{n.min():>5,.0f}-{n.max():<5,.0f} {100 * world['england']:>7.1f}% {100 * spread:>5.2f}   "
                      f"{name:<15}  {outcome.outside_95}  {outcome.outside_99_8}  {100 * outcome.mean_tau:.2f}")
                print(f"   {'':<30} {'':<11} {'':>5} {'':>11} {'':>8} {'':>6}   {'  by side':<15}  "
                      f"95%: below {100 * outcome.below_95.value:.3f}%, above {100 * outcome.above_95.value:.3f}%; "
                      f"99.8%: below {100 * outcome.below_99_8.value:.3f}%, above {100 * outcome.above_99_8.value:.3f}%")
                if name == "random effects":
                    lower_better = world["polarity"] == "lower_better"
                    worse_side.append((world["indicator_id"],
                                       (outcome.above_95 if lower_better else outcome.below_95).value,
                                       (outcome.above_99_8 if lower_better else outcome.below_99_8).value))

        print(f"\n2. Power in the random-effects world: 10 areas per replication k tau worse, {POWER_REPLICATIONS} "
              "replications (goal at 95%: 80% or more at 3 tau)")
        for world in worlds:
            if world["indicator_id"] not in INDICATORS:
                continue
            tau = world["tau"]
            print(f"   {INDICATORS[world['indicator_id']]} {world['period_id']}: England "
                  f"{100 * world['england']:.1f}%, tau {100 * tau:.2f} points")
            for k in range(1, 6):
                found = planted_outliers(world["denominators"], world["england"], k * tau, POWER_REPLICATIONS,
                                         seed=200 + k, spread=tau)
                print(f"     {k} tau: beyond 95% {found.detected_95}; beyond 99.8% {found.detected_99_8}; "
                      f"others beyond 99.8% {found.false_99_8}; mean tau estimate {100 * found.mean_tau:.2f}; "
                      f"with tau known, normal theory at 95%: "
                      f"{100 * known_tau_power(world['denominators'], world['england'], tau, k):.1f}%")
            logit = logit_tau(world)
            print(f"     logit-normal world, tau {logit:.3f} on the logit scale, outliers k tau above England on it:")
            for k in range(1, 6):
                found = planted_outliers(world["denominators"], world["england"], k * logit, POWER_REPLICATIONS,
                                         seed=250 + k, spread=logit, world="logit-normal")
                print(f"     {k} tau: beyond 95% {found.detected_95}; beyond 99.8% {found.detected_99_8}; "
                      f"others beyond 99.8% {found.false_99_8}; mean tau estimate {100 * found.mean_tau:.2f}")

        print(f"\n3. Robust z with no outlier, {ROBUST_REPLICATIONS} replications (a normal distribution: 4.55% "
              "beyond 2 robust SDs, 0.27% beyond 3)")
        history = comparison.history
        robust = history[(history["method"] == "robust") & history["robust_z"].notna() & (history["polarity"] != "context")]
        for seed, (indicator_id, rows) in enumerate(robust.groupby("indicator_id", observed=True)):
            latest = rows[rows["end_date"] == rows["end_date"].max()]
            values = latest["robust_value"].where(latest["robust_value"].notna(), latest["value"]).to_numpy()
            for shape in ("normal", "real"):
                null = robust_null(values, ROBUST_REPLICATIONS, seed=300 + 2 * seed + (shape == "real"), shape=shape)
                print(f"   {indicator_id:<28} {latest['period_id'].iloc[0]:<11} {len(values):>4} areas, {shape:<6} "
                      f"beyond 2 SDs {null.beyond_2}; beyond 3 SDs {null.beyond_3}")
                if shape == "real":
                    lower_better = latest["polarity"].iloc[0] == "lower_better"
                    worse_side.append((str(indicator_id), (null.above_2 if lower_better else null.below_2).value,
                                       (null.above_3 if lower_better else null.below_3).value))

        print(f"\n4. Trend test size with no local trend, {TREND_REPLICATIONS} replications (goal 5%, at most 6%)")
        for world in worlds:
            if world["indicator_id"] not in INDICATORS:
                continue
            for seed, name in enumerate(TREND_WORLDS):
                size = trend_size(world["denominators"], world["england"], TREND_REPLICATIONS, seed=400 + seed,
                                  world=name, spread=world["tau"])
                print(f"   {INDICATORS[world['indicator_id']]:<16} {name:<15} {size}")

        print("\n5. Real DfE data: LAs beyond the 99.8% limits (either side), and worse at 95% or more")
        table = comparison.overdispersion.set_index(["indicator_id", "period_id"])
        for indicator_id, name in INDICATORS.items():
            print(f"   {name}")
            print("     year      LAs   phi    p-value   tau   rule            beyond 99.8%: plain  adjusted   "
                  "worse: plain  adjusted")
            for period_id, rows in history[history["indicator_id"] == indicator_id].groupby("period_id", observed=True):
                judged = rows[rows["funnel_position"].notna()]
                spec = table.loc[(indicator_id, period_id)]
                print(f"     {period_id}  {len(judged):>4}  {spec['phi']:5.1f}  {spec['p_value']:9.1e}  "
                      f"{spec['tau']:4.1f}  {spec['adjustment']:<14}  {int(rows['plain_flag_level'].eq('99.8').sum()):>19}  "
                      f"{int(rows['flag_level'].eq('99.8').sum()):>8}   {int(rows['plain_flag'].eq('worse').sum()):>12}  "
                      f"{int(rows['flag'].eq('worse').sum()):>8}")

        print("\n6. Chance alone: one test's chance of a verdict 'worse' with no outlier, on the worse side (funnels: the "
              "random-effects world of 1; robust z: the real shape of 3)")
        for indicator_id, at_95, at_99_8 in worse_side:
            print(f"   {indicator_id:<32} worse at 95% {100 * at_95:6.3f}%   at 99.8% {100 * at_99_8:6.3f}%")
        mean_95 = float(np.mean([row[1] for row in worse_side]))
        mean_99_8 = float(np.mean([row[2] for row in worse_side]))
        print(f"   mean of the {len(worse_side)} judged indicators: worse at 95% {100 * mean_95:.2f}%, at 99.8% "
              f"{100 * mean_99_8:.3f}% (boards/compare/score.py: CHANCE_WORSE_95 {CHANCE_WORSE_95}, "
              f"CHANCE_WORSE_99_8 {CHANCE_WORSE_99_8})")
        store.close()


if __name__ == "__main__":
    main()
