"""Board pack benchmark: a partnership's pack warm, and the 153-row national pack, on the demo database.

"Warm" is what the dashboard's button costs once the page is open: the comparison is already cached
by the page and the chart export server (kaleido's Chromium) already running, so a pack is its
charts, their export and the PDF. The first pack of a process also starts Chromium (printed apart).
The national pack is timed whole, as ``boards pack --all`` runs it: both comparisons, five charts
(the matrix in four parts and the map) and the ranked table of every partnership.

    uv run python benchmarks/pack.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from boards.demo import build_demo
from boards.pack.national import national_pack
from boards.pack.partnership import comparisons_for, partnership_pack
from boards.store import Store

PARTNERSHIP = "E06000031"  # Peterborough: the most flags, so the longest first page
RUNS = 5


def seconds(action) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "demo.duckdb")
        build_demo(store)
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")

        comparisons = comparisons_for(store, None)
        first, pdf = seconds(lambda: partnership_pack(store, PARTNERSHIP, comparisons=comparisons))
        print(f"partnership pack, first of the process (starts Chromium): {first:.2f} s, "
              f"{len(pdf):,} bytes")
        warm = [seconds(lambda: partnership_pack(store, PARTNERSHIP, comparisons=comparisons))[0] for _ in range(RUNS)]
        print(f"partnership pack warm (target < 5 s): median {statistics.median(warm):.2f} s over {RUNS} runs "
              f"({', '.join(f'{t:.2f}' for t in warm)})")

        def england() -> bytes:
            both = comparisons_for(store, None)
            return national_pack(store, both.current, both.previous)

        national = [seconds(england) for _ in range(3)]
        print(f"national pack, 153 rows, both comparisons included (target < 30 s): median "
              f"{statistics.median(t for t, _ in national):.2f} s over 3 runs "
              f"({', '.join(f'{t:.2f}' for t, _ in national)}), {len(national[0][1]):,} bytes")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        store.close()


if __name__ == "__main__":
    main()
