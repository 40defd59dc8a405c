"""Comparison engine benchmark: every benchmark, flag and score, for the demo and for 10x the areas.

``compare()`` reads the database and computes, for every partnership, indicator and period
(153 areas x 30 indicators x 13 years + 9 workforce years + 8 quarters in the demo), the
benchmarks, intervals, funnel verdicts with overdispersion, robust z-scores, trends, runs and
concern scores as at every period, then the limits and sentences of the latest quarter. The
same is timed on a synthetic database of 10 copies of every area (1,530 areas, each copy's
counts redrawn), and the ratio printed so scaling is visible.

    uv run python benchmarks/compare.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from boards.catalogue import catalogue_frame, load_catalogue
from boards.compare.engine import compare, compare_inputs
from boards.compare.inputs import read_inputs
from boards.demo import build_demo
from boards.periods import parse_period_id
from boards.reference import Reference
from boards.store import Store

COPIES = 10
RUNS = 7


def timed(action, runs: int = RUNS) -> list[float]:
    action()  # warm-up: first-call costs (query planning, imports) are not the steady state
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def replicated(store: Store, copies: int, seed: int) -> tuple[Reference, pd.DataFrame, pd.DataFrame]:
    """The demo's areas copied ``copies`` times (codes suffixed), neighbours kept within a copy."""
    rng = np.random.default_rng(seed)

    def copy_codes(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        parts = []
        for number in range(copies):
            part = frame.copy()
            for column in columns:
                part[column] = part[column] + ("" if number == 0 else f"-{number}")
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    partnerships = store.table("partnerships")
    reference = Reference(
        regions=store.table("regions"),
        areas=copy_codes(store.table("areas"), ["area_code", "old_code"]),
        aliases=copy_codes(store.table("area_aliases"), ["alias_key", "area_code"]),
        population=copy_codes(store.table("area_population"), ["area_code"]),
        neighbours=copy_codes(store.table("statistical_neighbours"), ["area_code", "neighbour_code"]),
        partnerships=copy_codes(partnerships, ["partnership_id", "area_code"]),
        inspections=copy_codes(store.table("inspections"), ["area_code"]),
    )
    observations = copy_codes(store.table("observations"), ["area_code"])
    # Redraw each copy's counts of every proportion so the copies are not identical areas.
    units = catalogue_frame(load_catalogue()).set_index("indicator_id")["unit"]
    share = observations["numerator"] / observations["denominator"]
    is_copy = ~observations["area_code"].str.fullmatch(r"E\d{8}")
    redraw = is_copy & (observations["indicator_id"].map(units) == "percent") & share.between(0, 1)
    trials = observations["denominator"].where(redraw, 0).round().astype(np.int64)
    redrawn = rng.binomial(trials, share.where(redraw, 0.0))
    observations.loc[redraw, "numerator"] = redrawn[redraw]
    observations.loc[redraw, "denominator"] = trials[redraw]
    observations.loc[redraw, "value"] = (redrawn[redraw] / trials[redraw] * 100).round(1)
    return reference, observations, store.table("published_benchmarks")


def build_copies(source: Store, path: Path) -> Store:
    reference, observations, benchmarks = replicated(source, COPIES, seed=20250401)
    store = Store.open(path)
    store.replace_reference(reference)
    store.sync_catalogue(catalogue_frame(load_catalogue()))
    store.ensure_periods([parse_period_id(p) for p in source.table("periods")["period_id"]])
    store.commit_load(observations, benchmarks=benchmarks, source="published", loaded_by="benchmark",
                      file_name=f"{COPIES} copies of the demo")
    return store


def report(label: str, store: Store) -> float:
    inputs = read_inputs(store)
    comparison = compare(store)
    grid = comparison.history
    print(f"{label}: {inputs.partnerships.shape[0]} partnerships x {grid['indicator_id'].nunique()} indicators x "
          f"{grid['period_id'].nunique()} periods = {len(grid):,} results, scores as at "
          f"{comparison.score_history['as_at_period_id'].nunique()} periods")
    whole = timed(lambda: compare(store))
    reading = timed(lambda: read_inputs(store))
    computing = timed(lambda: compare_inputs(inputs))
    print(f"  compare(store), read + compute: median {statistics.median(whole):.3f} s (best {min(whole):.3f} s, "
          f"{RUNS} runs)")
    print(f"    reading the database:         median {statistics.median(reading):.3f} s")
    print(f"    computing:                    median {statistics.median(computing):.3f} s")
    return statistics.median(whole)


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        demo = Store.open(Path(directory) / "demo.duckdb")
        build_demo(demo)
        demo_time = report("Demo (153 LAs)", demo)
        started = time.perf_counter()
        copies = build_copies(demo, Path(directory) / "copies.duckdb")
        print(f"(built the {COPIES}x database in {time.perf_counter() - started:.1f} s)")
        copies_time = report(f"Synthetic ({COPIES} x 153 LAs)", copies)
        print(f"Ratio {COPIES}x areas / demo: {copies_time / demo_time:.1f}x time for {COPIES}x the areas")
        demo.close()
        copies.close()


if __name__ == "__main__":
    main()
