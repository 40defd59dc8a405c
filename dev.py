"""Developer entry point: set up the environment, then run the dashboard or the tests.

Needs only Python 3.11+ and pip; uv is bootstrapped into .tools/uv when missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS_UV = ROOT / ".tools" / "uv"
HOST = "127.0.0.1"
PORT = 8501
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

USAGE = f"""\
usage: python3 dev.py COMMAND [ARGS...]

commands:
  run    start the dashboard at http://{HOST}:{PORT}
         (extra args go to streamlit, e.g. `run -- --db x.duckdb` passes --db to the app)
  test   run every test, browser tests included (extra args go to pytest, e.g. `test -k store`)
"""


class DevError(Exception):
    """A failure reported to the user as one line, without a traceback."""


def uv_env() -> dict[str, str]:
    # Only package registries are reachable, so uv must never try to fetch a Python.
    return {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}


def bootstrapped_uv() -> Path | None:
    for candidate in (TOOLS_UV / "bin" / "uv", TOOLS_UV / "Scripts" / "uv.exe"):
        if candidate.is_file():
            return candidate
    return None


def find_uv() -> str:
    on_path = shutil.which("uv")
    if on_path:
        return on_path
    try:
        import uv  # type: ignore[import-not-found]

        return str(uv.find_uv_bin())
    except (ImportError, FileNotFoundError):
        pass
    local = bootstrapped_uv()
    if local:
        return str(local)

    print(f"uv not found: installing it with pip into {TOOLS_UV.relative_to(ROOT)} ...", flush=True)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # --upgrade replaces a half-finished earlier bootstrap instead of refusing to overwrite it.
    result = subprocess.run([*pip, "--upgrade", "--target", str(TOOLS_UV), "uv"], cwd=ROOT)
    if result.returncode != 0:
        raise DevError(
            "could not install uv with pip; install pip (e.g. `apt-get install python3-pip`) "
            "or uv (https://docs.astral.sh/uv/) and retry"
        )
    local = bootstrapped_uv()
    if local is None:
        raise DevError(f"pip installed uv but no uv executable was found under {TOOLS_UV}")
    return str(local)


def sync(uv: str, *, dev: bool) -> None:
    cmd = [uv, "sync", "--locked", "--python", sys.executable]
    if not dev:
        # --inexact keeps test tools an earlier `test` installed rather than uninstalling them.
        cmd += ["--no-dev", "--inexact"]
    if subprocess.run(cmd, cwd=ROOT, env=uv_env()).returncode != 0:
        raise DevError("`uv sync --locked` failed (see the output above)")


def call(cmd: list[str], env: dict[str, str]) -> int:
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            # The child got the same Ctrl+C; let it shut down cleanly and report its code.
            continue


def run(extra: list[str]) -> int:
    uv = find_uv()
    sync(uv, dev=False)
    print(f"Dashboard: http://{HOST}:{PORT}", flush=True)
    return call(
        [
            uv, "run", "--locked", "--no-sync",
            "streamlit", "run", "server.py",
            "--server.address", HOST,
            "--server.port", str(PORT),
            "--browser.gatherUsageStats", "false",
            *extra,
        ],
        uv_env(),
    )


def locate_chromium() -> str | None:
    configured = os.environ.get("BOARDS_CHROMIUM")
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise DevError(f"BOARDS_CHROMIUM={configured} is not an executable Chromium")
        return found
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def can_apt_install() -> bool:
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return is_root and Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None


def apt_install(package: str, why: str) -> None:
    print(f"Installing {package} with apt-get ({why}) ...", flush=True)
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", package]):
        if subprocess.run(cmd, env=apt_env).returncode != 0:
            raise DevError(f"`{' '.join(cmd)}` failed; install {package} manually and retry")


def ensure_chromium() -> str:
    chromium = locate_chromium()
    if chromium is None and can_apt_install():
        apt_install("chromium", "no Chromium found; the browser tests and the board pack's charts need it")
        chromium = locate_chromium()
    if chromium is None:
        raise DevError(
            "no Chromium found, and the browser tests need one: install it "
            "(Debian/Ubuntu: `sudo apt-get install chromium`) or set BOARDS_CHROMIUM to its executable"
        )
    return chromium


def ensure_pdftoppm() -> None:
    """The board pack's tests look at every page as an image, drawn by poppler's pdftoppm."""
    if shutil.which("pdftoppm") is None and can_apt_install():
        apt_install("poppler-utils", "the board pack tests draw PDF pages with its pdftoppm")
    if shutil.which("pdftoppm") is None:
        raise DevError(
            "no pdftoppm found, and the board pack tests need it: install poppler "
            "(Debian/Ubuntu: `sudo apt-get install poppler-utils`; macOS: `brew install poppler`)"
        )


def locate_postgres() -> Path | None:
    """The folder of PostgreSQL's server binaries (tests/postgres_server.py looks in the same places)."""
    installed = Path("/usr/lib/postgresql").glob("*/bin")
    for folder in sorted(installed, key=lambda f: int(f.parent.name) if f.parent.name.isdigit() else 0, reverse=True):
        if (folder / "pg_ctl").is_file():
            return folder
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


def ensure_postgres() -> None:
    """The shared-store tests start a PostgreSQL server of their own, from the installed binaries."""
    if locate_postgres() is None and can_apt_install():
        apt_install("postgresql", "the shared-store tests start a PostgreSQL server of their own")
    if locate_postgres() is None:
        raise DevError(
            "no PostgreSQL server binaries (pg_ctl) found, and the shared-store tests need them: install "
            "PostgreSQL (Debian/Ubuntu: `sudo apt-get install postgresql`; macOS: `brew install postgresql`)"
        )


def ensure_nginx() -> None:
    """The reverse-proxy test runs deploy/nginx.conf in a real nginx."""
    if shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin") is None and can_apt_install():
        apt_install("nginx", "the reverse-proxy test runs deploy/nginx.conf in it")
    if shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin") is None:
        raise DevError(
            "no nginx found, and the reverse-proxy test needs it: install it "
            "(Debian/Ubuntu: `sudo apt-get install nginx`; macOS: `brew install nginx`)"
        )


def test(extra: list[str]) -> int:
    uv = find_uv()
    sync(uv, dev=True)
    env = {**uv_env(), "BOARDS_CHROMIUM": ensure_chromium()}
    ensure_pdftoppm()
    ensure_nginx()
    ensure_postgres()
    return call([uv, "run", "--locked", "--no-sync", "pytest", *extra], env)


COMMANDS = {"run": run, "test": test}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command = COMMANDS.get(argv[0])
    if command is None:
        raise DevError(f"unknown command {argv[0]!r}; expected one of: {', '.join(COMMANDS)} (see -h)")
    return command(argv[1:])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (DevError, OSError) as error:
        print(f"dev.py: error: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
