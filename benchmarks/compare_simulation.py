"""Does the funnel flag what it should? Monte-Carlo runs and the real DfE data, printed.

1. In control: every LA drawn from England at its real 2024-25 referral count. About 0.2% of
   areas should be outside the 99.8% limits and 5% outside the 95% ones.
2. Planted outliers: 10 LAs per replication with a true rate 2 standard deviations worse. The
   standard deviation is the spread of the real LAs' re-referral rates (the spread a director
   sees in a league table); the detection for shifts in units of each area's own standard
   error is printed beside it, with the normal theory's ceiling.
3. An overdispersed England, with true rates spread around England as the real LAs' are:
   what plain and adjusted limits flag among ordinary areas.
4. The real DfE figures for re-referrals and repeat child protection plans: LAs beyond the
   plain and the overdispersion-adjusted limits, year by year.

    uv run python benchmarks/compare_simulation.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from scipy import stats

from boards.compare.engine import compare
from boards.compare.simulation import in_control, planted_outliers
from boards.demo import build_demo
from boards.store import Store

REPLICATIONS = 2000
INDICATORS = {"rereferral_rate": "Re-referrals", "repeat_cp_plans": "Repeat CP plans"}


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = Store.open(Path(directory) / "demo.duckdb")
        build_demo(store)
        comparison = compare(store)
        history = comparison.history
        rows = history[(history["indicator_id"] == "rereferral_rate") & (history["period_id"] == "2024-25")
                       & history["funnel_position"].notna()]
        denominators = rows["denominator"].to_numpy()
        rates = (rows["numerator"] / rows["denominator"]).to_numpy()
        england = float(rows["england"].iloc[0]) / 100
        spread = float(np.sqrt(comparison.overdispersion.set_index(["indicator_id", "period_id"])
                               .loc[("rereferral_rate", "2024-25"), "tau2"]))
        print(f"Re-referrals 2024-25: {len(denominators)} LAs with counts, referrals {denominators.min():,.0f} to "
              f"{denominators.max():,.0f}; England {100 * england:.2f}%; SD of the LAs' rates "
              f"{100 * rates.std(ddof=1):.2f} points; tau {100 * spread:.2f} points. {REPLICATIONS} replications.")

        print("\n1. In control (every LA drawn from England)")
        outcome = in_control(denominators, england, REPLICATIONS, seed=1)
        print(f"   outside the 99.8% limits: {outcome.outside_99_8}   expected 0.200%")
        print(f"   above the upper 99.8% limit: {outcome.above_99_8}   expected 0.100%")
        print(f"   outside the 95% limits:   {outcome.outside_95}   expected 5.000%")
        print(f"   replications where the rule adjusted for overdispersion: {outcome.adjusted_replications}")

        print("\n2. Planted outliers: 10 LAs per replication with a true rate 2 SD worse")
        shift = 2 * rates.std(ddof=1)
        detection = planted_outliers(denominators, england, shift, REPLICATIONS, seed=2)
        print(f"   shift 2 x SD of the LAs' rates = {100 * shift:.1f} points (to {100 * (england + shift):.1f}%)")
        print(f"   detected beyond the 99.8% limit: {detection.detected_99_8}")
        print(f"   detected beyond the 95% limit:   {detection.detected_95}")
        print(f"   other LAs beyond 99.8%:          {detection.false_99_8}")
        median_n = float(np.median(denominators))
        print(f"   Shifts in units of each LA's own standard error (every LA at the median {median_n:,.0f} referrals):")
        for multiple in (2, 3, 4):
            standard_error = np.sqrt(england * (1 - england) / median_n)
            found = planted_outliers(np.full(len(denominators), median_n), england, multiple * standard_error,
                                     REPLICATIONS, seed=10 + multiple)
            print(f"     {multiple} SE: beyond 99.8% {found.detected_99_8} (normal theory "
                  f"{100 * stats.norm.sf(3.090232 - multiple):.1f}%); beyond 95% {found.detected_95} "
                  f"(theory {100 * stats.norm.sf(1.959964 - multiple):.1f}%)")

        print(f"\n3. Overdispersed England (true rates spread with tau = {100 * spread:.2f} points) and 2-SD outliers")
        spread_out = planted_outliers(denominators, england, shift, REPLICATIONS // 4, seed=5, spread=spread)
        print(f"   ordinary LAs beyond plain 99.8% limits:    {spread_out.plain_false_99_8}")
        print(f"   ordinary LAs beyond adjusted 99.8% limits: {spread_out.false_99_8}")
        print(f"   outliers beyond the adjusted 99.8% limit:  {spread_out.detected_99_8}")
        print(f"   outliers beyond the adjusted 95% limit:    {spread_out.detected_95}")
        print(f"   replications adjusted by the rule:         {spread_out.adjusted_replications}")

        print("\n4. Real DfE data: LAs beyond the 99.8% limits (either side), and worse at 95% or more")
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
        print("\n   The engine uses the adjusted limits whenever Spiegelhalter's test finds overdispersion (p < 0.05")
        print("   with 10 or more areas): LAs differ by far more than chance, and plain limits would call most of")
        print("   them outliers; the additive random-effects limits flag the LAs that stand out from that spread.")
        store.close()


if __name__ == "__main__":
    main()
