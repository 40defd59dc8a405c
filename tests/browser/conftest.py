"""Fixtures that run the real dashboard on a demo database and drive it in headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from boards.store import SharedLocation

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
STARTUP_TIMEOUT_S = 60
ADMIN_USERNAME = "admin.tester"
ADMIN_PASSWORD = "correct horse battery staple 42"
APP_TIMEOUT_MS = 60_000


def wait_for_app(page: Page) -> None:
    """Wait until the first script run after a navigation has finished and been drawn."""
    # The state starts at "initial", so "notRunning" only appears once a run has completed.
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=APP_TIMEOUT_MS
    )
    # Lazily loaded elements such as dataframes show skeletons for a while after the run ends.
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=APP_TIMEOUT_MS)


def sign_in(page: Page, app_url: str, username: str, password: str) -> None:
    """Sign in through the Account page, by keyboard as a user would."""
    page.goto(f"{app_url}/account")
    wait_for_app(page)
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)  # the label alone also matches "Show password"
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=APP_TIMEOUT_MS)


def screenshot(page: Page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path


def log_tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def server_process(db: Path | SharedLocation, log_path: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """``streamlit run server.py`` on ``db`` (a file, or a shared store) and a free port, healthy: its process
    and URL. Stopped at the end by its own process id, unless the test has stopped it already; its output is
    added to ``log_path``."""
    setting = f"postgres:{db.dsn}" if isinstance(db, SharedLocation) else str(db)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("a") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, "BOARDS_DB": setting}, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not is_healthy(url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited {proc.returncode} during startup:\n{log_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {STARTUP_TIMEOUT_S}s:\n{log_tail(log_path)}")
            time.sleep(0.1)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def running_server(db: Path | SharedLocation, log_path: Path) -> Iterator[str]:
    """``server_process``'s URL alone."""
    with server_process(db, log_path) as (_, url):
        yield url


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "boards", "demo", "--db", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-40:]
        pytest.fail(f"`boards demo` exited {result.returncode}:\n" + "\n".join(output))
    # An administrator for the pages only admins see; added before the server holds the file.
    result = subprocess.run(
        [sys.executable, "-m", "boards", "users", "add", ADMIN_USERNAME, "--role", "admin",
         "--password-env", "BOARDS_TEST_ADMIN_PASSWORD", "--db", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "BOARDS_TEST_ADMIN_PASSWORD": ADMIN_PASSWORD},
    )
    if result.returncode != 0:
        pytest.fail(f"`boards users add` exited {result.returncode}: {result.stderr.strip()}")
    return path


@pytest.fixture(scope="session")
def app_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(demo_db, tmp_path_factory.mktemp("app") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("BOARDS_CHROMIUM", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    yield context.new_page()
    context.close()
