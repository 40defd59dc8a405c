"""Concurrency benchmark (issue 22): the overview's time to a filled league table, p50 and p95, with 10, 30 and
60 browser sessions at once, against (a) one server on the embedded demo file and (b) two servers on a shared
PostgreSQL store behind nginx with sticky sessions. Prints figures; it is not a test.

What is measured, and how:

- Each session is a browser context (its own cookies and cache) of one headless Chromium, driven by Playwright's
  async API from this process. A round is a navigation to the overview; its time runs from the navigation's start
  (the page's ``performance.timeOrigin``) to the first animation frame in which the league table's first row holds
  its partnership, read in the page itself, so Playwright's own round trips are not counted. The session then waits
  for the page run to finish and starts its next round at once: a closed loop with no think time, so N sessions
  means N overview runs asked for at any moment, the heaviest load N users could make. Sessions join RAMP_S
  apart (60 sessions in 30 s), so that their first visits, which load Streamlit's scripts into an empty browser
  cache, are not all in the same second; the first rounds' p50 is printed apart.
- The baselines, measured in the same run: one session alone against the same servers; and the same sessions
  against a page of a title and a three-row table (the league table's grid), which is what the browser and
  Streamlit cost without the dashboard's work.
- Bounded: a set number of rounds per session, and a deadline per level after which no round starts; a round that
  has not filled its table in ROUND_TIMEOUT_S counts as failed. Every address is loopback (127.0.0.1, and
  PostgreSQL on a unix socket).
- CPU seconds and resident memory of each part (the dashboard servers, the browser and Playwright, PostgreSQL,
  nginx), read from /proc over each level, beside the whole machine's busy CPU seconds: on a machine with few
  cores the browser competes with the servers for them, so the figures measure the servers *and* the browser
  together, and the rest of the machine's load shows what else ran at the time.
- ``compare()`` and a 6,000-row import on each back end, as ratios to the file, are benchmarks/shared_store.py's.

    uv run python benchmarks/concurrency.py
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from foundation import CHROMIUM_ARGS, RENDERED, ROOT, serve

from boards.database import open_database

sys.path.insert(0, str(ROOT))  # the test suite's PostgreSQL cluster and nginx, run as the tests run them
from tests.postgres_server import postgres_server  # noqa: E402

LEVELS = ((1, 8), (10, 3), (30, 2), (60, 2))  # (sessions, rounds per session); one session alone is the baseline
LEVEL_DEADLINE_S = 240  # no round starts after this many seconds of a level
ROUND_TIMEOUT_S = 180
NGINX_CONNECTIONS = 4096
RAMP_S = 0.5  # sessions join one after another, this far apart, so their first visits do not all start at once
FIRST_PARTNERSHIP = "Kensington and Chelsea"  # the demo's first-ranked partnership, in the league table's first row
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A line of nginx's error log: its level, and its message up to the first comma (the client and request follow).
NGINX_ERROR = re.compile(r"^\S+ \S+ \[(\w+)\] \d+#\d+: (?:\*\d+ )?([^,\n]+)", re.MULTILINE)
# What the browser and Streamlit cost without the dashboard: a page of a title and a three-row data frame (the
# same grid as the league table), the same partnership in its first row.
ONE_TABLE_PAGE = f"""import pandas as pd
import streamlit as st
st.title("One table")
st.dataframe(pd.DataFrame({{"partnership": ["{FIRST_PARTNERSHIP}", "Nottingham", "Cheshire East"]}}))
"""

# The first row of the overview's first data frame (the league table) holds the first partnership: the time since
# the navigation began, else nothing. Glide's grid keeps an accessible table of its drawn rows beside its canvas.
TABLE_FILLED = """(name) => {
    const rows = document.querySelectorAll('[data-testid="stDataFrame"] tr');
    const frame = document.querySelector('[data-testid="stDataFrame"]');
    return rows.length > 1 && rows[1].textContent.includes(name) && frame.getBoundingClientRect().height > 0
        ? performance.now() : null;
}"""


# -- processes, from /proc ----------------------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from the state on; the name may hold spaces


def descendants(root: int) -> set[int]:
    """``root`` and every live process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in found and _stat(pid):
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""  # it has ended


def cpu_seconds(pids: set[int]) -> dict[int, float]:
    """User plus system CPU seconds of each live process."""
    times = {}
    for pid in pids:
        if fields := _stat(pid):
            times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def resident_mb(pids: set[int]) -> float:
    """The sum of the processes' resident sets (pages shared between them are counted in each)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent on anything but idling, over all cores, since boot."""
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass
class Parts:
    """The root process of each part of a system under test, and the browser's, found at each reading."""
    roots: dict[str, list[int]] = field(default_factory=dict)

    def trees(self) -> dict[str, set[int]]:
        trees = {name: set().union(*(descendants(root) for root in roots)) for name, roots in self.roots.items()}
        # Playwright's driver (node, a child of this process) and the Chromium it started.
        drivers = [pid for pid in descendants(os.getpid()) - {os.getpid()}
                   if command_name(pid).startswith("node")]
        trees["browser and Playwright"] = set().union(*(descendants(driver) for driver in drivers))
        return trees


@dataclass
class Usage:
    cpu: dict[str, float]
    resident: dict[str, float]
    machine_cpu: float
    wall: float


@contextmanager
def usage(parts: Parts) -> Iterator[list[Usage]]:
    """CPU seconds of each part and of the machine over the block, and each part's resident memory at its end.
    A process that ends within the block loses its CPU seconds (Chromium's renderers live as long as their page)."""
    before = {name: cpu_seconds(pids) for name, pids in parts.trees().items()}
    machine, started = machine_busy_seconds(), time.monotonic()
    measured: list[Usage] = []
    yield measured
    trees = parts.trees()
    after = {name: cpu_seconds(pids) for name, pids in trees.items()}
    cpu = {name: sum(seconds - before.get(name, {}).get(pid, 0.0) for pid, seconds in after[name].items())
           for name in after}
    measured.append(Usage(cpu, {name: resident_mb(pids) for name, pids in trees.items()},
                          machine_busy_seconds() - machine, time.monotonic() - started))


# -- sessions -----------------------------------------------------------------------------------------------------
@dataclass
class Level:
    sessions: int
    times: list[float]  # seconds to a filled table, every round that filled it
    first_rounds: list[float]  # the same, each session's first round only (its context's cache still empty)
    failures: list[str]
    usage: Usage


async def session(browser, url: str, rounds: int, start_after: float, deadline: float, times: list, first: list,
                  failures: list, contexts: list) -> None:
    await asyncio.sleep(start_after)
    # ignore_https_errors: nginx's certificate in (b) is a self-signed one made for the run.
    context = await browser.new_context(viewport={"width": 1280, "height": 1400}, ignore_https_errors=True)
    contexts.append(context)
    page = await context.new_page()
    for number in range(rounds):
        if time.monotonic() > deadline:
            failures.append("deadline: round not started")
            continue
        try:
            await page.goto(url, wait_until="commit", timeout=ROUND_TIMEOUT_S * 1000)
            filled = await page.wait_for_function(TABLE_FILLED, arg=FIRST_PARTNERSHIP, polling="raf",
                                                  timeout=ROUND_TIMEOUT_S * 1000)
            seconds = await filled.json_value() / 1000
            times.append(seconds)
            if number == 0:
                first.append(seconds)
            # The run finished (and the page drawn without placeholders) before the next navigation.
            await page.wait_for_selector(RENDERED, state="attached", timeout=ROUND_TIMEOUT_S * 1000)
            await page.locator('[data-testid="stSkeleton"]').first.wait_for(state="detached",
                                                                           timeout=ROUND_TIMEOUT_S * 1000)
        except Exception as error:  # noqa: BLE001 -- a failed round is a figure, not the end of the run
            failures.append(f"{type(error).__name__}: {str(error).splitlines()[0][:160]}")


async def run_level(browser, url: str, sessions: int, rounds: int, parts: Parts) -> Level:
    times: list[float] = []
    first: list[float] = []
    failures: list[str] = []
    contexts: list = []
    deadline = time.monotonic() + LEVEL_DEADLINE_S
    try:
        # The contexts are closed after the reading: their renderer processes' CPU seconds end with them.
        with usage(parts) as measured:
            await asyncio.gather(*(session(browser, url, rounds, number * RAMP_S, deadline, times, first, failures,
                                           contexts) for number in range(sessions)))
    finally:
        for context in contexts:
            await context.close()
    return Level(sessions, times, first, failures, measured[0])


@dataclass
class System:
    """A system under test: the address sessions open, each server's own address, its processes, and the error
    log of its proxy, if it has one."""
    url: str
    server_urls: list[str]
    parts: Parts
    proxy_error_log: Path | None = None

    def proxy_errors(self, since: int) -> tuple[Counter[str], int]:
        """The proxy's errors written after byte ``since``, counted by message, and the log's size now."""
        if self.proxy_error_log is None or not self.proxy_error_log.exists():
            return Counter(), 0
        text = self.proxy_error_log.read_bytes()
        return Counter(f"[{match[1]}] {match[2]}" for match in NGINX_ERROR.finditer(text[since:].decode(errors="replace"))
                       if match[1] != "notice"), len(text)


async def measure(systems: dict[str, System], levels) -> dict[str, dict[int, Level]]:
    """Each level in turn, and within it each system in turn (so a change in the machine's other load falls on
    all of them alike), printed as it ends beside the same system's first level and the one-table page's same
    level. Each server is visited once first, untimed: its first run opens the store and compares
    (benchmarks/pages.py times that)."""
    from playwright.async_api import async_playwright

    measured: dict[str, dict[int, Level]] = {name: {} for name in systems}
    async with async_playwright() as playwright:
        executable = os.environ.get("BOARDS_CHROMIUM", "/usr/bin/chromium")
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for system in systems.values():
            for server_url in system.server_urls:
                page = await browser.new_page()
                await page.goto(server_url)
                await page.wait_for_function(TABLE_FILLED, arg=FIRST_PARTNERSHIP, timeout=ROUND_TIMEOUT_S * 1000)
                await page.close()
        for sessions, rounds in levels:
            print(f"{sessions} session{'s' if sessions > 1 else ''} x {rounds} rounds:")
            for name, system in systems.items():
                _, logged = system.proxy_errors(0)
                level = measured[name][sessions] = await run_level(browser, system.url, sessions, rounds, system.parts)
                report(name, level, measured[name][levels[0][0]], measured.get(ONE_TABLE, {}).get(sessions))
                errors, _ = system.proxy_errors(logged)
                if errors:
                    print("       nginx's errors: " + "; ".join(f"{count} x {message}" for message, count in
                                                           errors.most_common(4)))
        await browser.close()
    return measured


# -- report -------------------------------------------------------------------------------------------------------
def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` per cent of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share / 100) - 1)]


def report(name: str, level: Level, baseline: Level, client: Level | None) -> None:
    times, use = level.times, level.usage
    if not times:
        print(f"  {name}: no round filled its table; {len(level.failures)} failed: {sorted(set(level.failures))[:3]}")
        return
    p50, p95 = statistics.median(times), percentile(times, 95)
    ratios = []
    if level is not baseline and baseline.times:
        ratios.append(f"one session p50 {p50 / statistics.median(baseline.times):.1f}x, "
                      f"p95 {p95 / percentile(baseline.times, 95):.1f}x")
    if client and client is not level and client.times:
        ratios.append(f"one-table page, {client.sessions} session{'s' if client.sessions > 1 else ''} p50 "
                      f"{p50 / statistics.median(client.times):.1f}x, p95 {p95 / percentile(client.times, 95):.1f}x")
    print(f"  {name:<26} p50 {p50:6.2f} s  p95 {p95:6.2f} s  "
          f"max {max(times):6.2f} s  ({len(times)} rounds, {len(level.failures)} failed; first rounds p50 "
          f"{statistics.median(level.first_rounds):.2f} s)" + (f"; ratio to {'; to '.join(ratios)}" if ratios else ""))
    ours = sum(use.cpu.values())
    parts = ", ".join(f"{name} {seconds:.0f} s ({use.resident[name]:,.0f} MB)" for name, seconds in use.cpu.items())
    print(f"       CPU seconds over the level's {use.wall:.0f} s (resident memory at its end): {parts}; per round: "
          + ", ".join(f"{name} {seconds / len(times):.2f} s" for name, seconds in use.cpu.items())
          + f"; the whole machine {use.machine_cpu:.0f} of {use.wall * os.cpu_count():.0f} s on {os.cpu_count()} "
          f"cores, {max(0.0, use.machine_cpu - ours):.0f} s of it other programs'; load average {os.getloadavg()[0]:.2f}")
    if level.failures:
        print(f"       failures: {sorted(set(level.failures))[:3]}")


# -- the systems under test ---------------------------------------------------------------------------------------
def demo_database(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "boards", "demo", "--db", str(path)], cwd=ROOT, check=True,
                   capture_output=True)
    return path


@contextmanager
def served(script: Path, db: Path | str, log: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    server, url = serve(script, db, log)
    try:
        yield server, url
    finally:
        server.terminate()
        server.wait(timeout=15)


def first_line_number(path: Path) -> int:
    """The process id that a pid file (nginx's, PostgreSQL's postmaster.pid) holds on its first line."""
    return int(path.read_text().splitlines()[0])


@contextmanager
def shared(directory: Path) -> Iterator[System]:
    """Two servers on one PostgreSQL store holding the demo, behind deploy/nginx.conf (HTTPS on loopback, sticky
    sessions by nginx's route cookie): the proxy's address, the servers' own, and the processes of each part."""
    from tests.browser.test_reverse_proxy import nginx_proxy

    with ExitStack() as stack:
        dsn = stack.enter_context(postgres_server())
        location = "postgres:" + dsn
        # The demo, built as a server's first visit builds it into an empty store, before the servers start.
        open_database(location).close()
        servers = [stack.enter_context(served(ROOT / "server.py", location, directory / f"shared{n}.log"))
                   for n in (1, 2)]
        proxy = stack.enter_context(nginx_proxy(tuple(url.rstrip("/") for _, url in servers)))
        nginx = first_line_number(proxy.access_log.parent / "nginx.pid")
        # The test's nginx allows 256 connections, which 30 browsers over HTTP/1.1 (up to six each, plus the
        # WebSocket, each with its upstream connection) exceed: raised, and nginx told to reload its files.
        main_file = proxy.access_log.parent / "nginx.conf"
        main_text = main_file.read_text()
        assert main_text.count("worker_connections 256;") == 1, "the reverse-proxy test's nginx.conf has changed"
        main_file.write_text(main_text.replace("worker_connections 256;", f"worker_connections {NGINX_CONNECTIONS};"))
        os.kill(nginx, signal.SIGHUP)
        time.sleep(2)  # the new workers start; the old ones finish what they hold
        socket_folder = Path(dsn.split("host=")[1].split()[0])
        yield System(proxy.https_url + "/", [url for _, url in servers], Parts({
            **{f"dashboard server {n}": [server.pid] for n, (server, _) in enumerate(servers, start=1)},
            "PostgreSQL": [first_line_number(socket_folder / "data" / "postmaster.pid")],
            "nginx": [nginx],
        }), proxy.access_log.parent / "error.log")


def levels_argument(text: str) -> tuple[tuple[int, int], ...]:
    """``1x10,10x5``: sessions x rounds per session, level by level; the first level is the baseline."""
    return tuple(tuple(int(number) for number in level.split("x")) for level in text.split(","))


SECTIONS = ("one-table", "embedded", "shared")
ONE_TABLE, EMBEDDED, SHARED = "one-table page", "(a) one server, file", "(b) 2 servers, PostgreSQL"


def summary(measured: dict[str, dict[int, Level]], levels) -> None:
    """One line per number of sessions: p50 / p95 of each system, and (b) against (a)."""
    def cell(level: Level | None) -> str:
        if level is None or not level.times:
            return "-"
        asked = len(level.times) + len(level.failures)
        return (f"{statistics.median(level.times):.2f} / {percentile(level.times, 95):.2f}"
                + ("" if not level.failures else f" ({len(level.times)} of {asked})"))

    print("Seconds to a filled league table, p50 / p95 (rounds that filled it of those asked, where some failed):")
    print(f"  {'sessions':>8}  " + "".join(f"{name:>28}" for name in measured) + "   (b) / (a), p50  p95")
    for sessions, _ in levels:
        line = f"  {sessions:8d}  " + "".join(f"{cell(levels_of.get(sessions)):>28}" for levels_of in measured.values())
        embedded, shared = measured.get(EMBEDDED, {}).get(sessions), measured.get(SHARED, {}).get(sessions)
        if embedded and shared and embedded.times and shared.times:
            line += (f"   {statistics.median(shared.times) / statistics.median(embedded.times):9.2f}x "
                     f"{percentile(shared.times, 95) / percentile(embedded.times, 95):5.2f}x")
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=levels_argument, default=LEVELS,
                        help="sessions x rounds per level, e.g. 1x3,5x2 for a trial (default: %(default)s)")
    parser.add_argument("--only", choices=SECTIONS, nargs="+", default=SECTIONS,
                        help="the sections to run (default: all; the ratios to the one-table page need it)")
    args = parser.parse_args()
    levels, sections = args.levels, args.only
    print(f"{os.cpu_count()} cores, load average at the start {os.getloadavg()[0]:.2f}.")
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        db = demo_database(directory / "demo.duckdb")
        print(f"Overview: navigation to a filled league table. One headless Chromium, one browser context per session; "
              f"each session navigates again as soon as its page run has finished (no think time). Sessions x rounds: "
              f"{', '.join(f'{s} x {r}' for s, r in levels)}. Systems: {ONE_TABLE} (a page of a title and a "
              f"three-row table, one server: the browser's and Streamlit's own cost); {EMBEDDED} (the demo); "
              f"{SHARED} (the demo), behind nginx with sticky sessions, over HTTPS.")
        with ExitStack() as stack:
            systems = {}
            if "one-table" in sections:
                page = directory / "one_table.py"
                page.write_text(ONE_TABLE_PAGE)
                server, url = stack.enter_context(served(page, db, directory / "one_table.log"))
                systems[ONE_TABLE] = System(url, [url], Parts({"one-table server": [server.pid]}))
            if "embedded" in sections:
                server, url = stack.enter_context(served(ROOT / "server.py", db, directory / "embedded.log"))
                systems[EMBEDDED] = System(url, [url], Parts({"dashboard server": [server.pid]}))
            if "shared" in sections:
                systems[SHARED] = stack.enter_context(shared(directory))
            measured = asyncio.run(measure(systems, levels))
        summary(measured, levels)
        print(f"Load average at the end {os.getloadavg()[0]:.2f}.")


if __name__ == "__main__":
    main()
