"""deploy/nginx.conf, run as it is (only its ports and paths changed), in front of two real dashboard servers on
ONE shared store (a PostgreSQL the test starts), driven by Chromium over HTTPS on loopback: pages render through
it (the WebSocket passes), a browser stays on one server from its first request (read from nginx's own access
log, which names the server of every request), so a sign-in survives reloads; new browsers are spread over both
servers; an upload through one server, a sign-in on the other and a `boards import` at the same moment all
land, every load and audit row accounted for, and the upload shows on the other server; the upload limit and
the redirect to HTTPS are the file's.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from boards.maintenance import check_database
from boards.store import Store
from tests.postgres_server import postgres_server

from .conftest import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    APP_TIMEOUT_MS,
    ROOT,
    free_port,
    log_tail,
    running_server,
    screenshot,
    sign_in,
    wait_for_app,
)
from .test_accessibility_browser import blocking_violations
from .test_upload_browser import choose_file

# One PostgreSQL, demo and pair of servers for the whole module: its tests run on one worker (--dist loadgroup).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("reverse_proxy")]

NGINX_CONF = ROOT / "deploy" / "nginx.conf"
STARTUP_TIMEOUT_S = 10
COMMAND_TIMEOUT_S = 180
UPLOADS = ROOT / "tests" / "data" / "upload_page"
DEMO_LOADS, DEMO_OBSERVATIONS = 9, 51_541
# One line of the file's boards_upstream log format ("a, b" for a request nginx tried on two servers).
LOG_LINE = re.compile(r'^\S+ \[[^\]]+\] "(?P<request>[^"]*)" (?P<status>\d{3}) \d+ '
                      r"route=(?P<route>\S+) upstream=(?P<upstream>\S+(?:, \S+)*) rt=\S+$")


def nginx_binary() -> str:
    found = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if found is None:
        pytest.fail("no nginx found: `python3 dev.py test` installs it (Debian/Ubuntu: `apt-get install nginx`)")
    return found


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with its one ``old`` replaced: the test fails if deploy/nginx.conf no longer reads as expected."""
    assert text.count(old) == 1, f"deploy/nginx.conf should contain {old!r} exactly once"
    return text.replace(old, new)


@dataclass(frozen=True)
class Proxy:
    https_url: str
    http_url: str
    access_log: Path
    upstreams: tuple[str, str]

    def requests(self) -> list[dict[str, str]]:
        """Every line of the access log so far, parsed (a WebSocket's line is written when it closes)."""
        lines = self.access_log.read_text().splitlines()
        parsed = [LOG_LINE.match(line) for line in lines]
        unexpected = [line for line, match in zip(lines, parsed) if not match]
        assert unexpected == [], f"access log lines not of one request on one server: {unexpected[:5]}"
        return [m.groupdict() for m in parsed]

    def upstreams_of(self, route: str) -> list[str]:
        return [r["upstream"] for r in self.requests() if r["route"] == route]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@contextmanager
def nginx_proxy(upstream_urls: tuple[str, str]) -> Iterator[Proxy]:
    """nginx as a child process (not a daemon) with deploy/nginx.conf in front of ``upstream_urls``, listening on
    127.0.0.1 only; its prefix, pid, logs and temporary files in a folder of its own, removed afterwards."""
    # Not pytest's tmp_path: when the tests run as root, nginx's workers would be `nobody` and could not enter it.
    folder = Path(tempfile.mkdtemp(prefix="boards-nginx-"))
    https_port, http_port = free_port(), free_port()
    cert, key = self_signed_certificate(folder)
    upstreams = tuple(url.removeprefix("http://") for url in upstream_urls)
    conf = NGINX_CONF.read_text()
    for old, new in (
        ("server 127.0.0.1:8501 ", f"server {upstreams[0]} "),
        ("server 127.0.0.1:8502 ", f"server {upstreams[1]} "),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/ssl/certs/boards.example.org.pem", str(cert)),
        ("/etc/ssl/private/boards.example.org.key", str(key)),
        ("/var/log/nginx/boards_access.log", str(folder / "access.log")),
    ):
        conf = replace_once(conf, old, new)
    (folder / "boards.conf").write_text(conf)
    # The main file that Debian's /etc/nginx/nginx.conf would be, cut to what a process of the test's own needs.
    (folder / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log notice;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    access_log off;
    include {folder}/boards.conf;
}}
""")
    folder.chmod(0o755)
    proc = subprocess.Popen([nginx_binary(), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                             str(folder / "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    proxy = Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", folder / "access.log",
                  upstreams)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not (folder / "nginx.pid").exists() or not answers(proxy.http_url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start (exit {proc.poll()}):\n{log_tail(folder / 'error.log')}")
            time.sleep(0.05)
        yield proxy
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


UNVERIFIED = ssl._create_unverified_context()  # the test's own self-signed certificate


def answers(url: str) -> bool:
    try:
        urllib.request.build_opener(NoRedirect).open(url, timeout=2)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def boards_command(*args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "boards", *args], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=COMMAND_TIMEOUT_S)
    assert result.returncode == 0, f"boards {args[0]} exited {result.returncode}: {result.stderr.strip()}"
    return result.stdout


@pytest.fixture(scope="module")
def shared_store() -> Iterator[str]:
    """``postgres:<DSN>`` of a PostgreSQL of the test's own holding the demo data, as a first start builds it."""
    with postgres_server() as dsn:
        location = f"postgres:{dsn}"
        subprocess.run([sys.executable, "-c", "import sys; from boards.database import open_database; "
                        "open_database(sys.argv[1]).close()", location], cwd=ROOT, check=True,
                       timeout=COMMAND_TIMEOUT_S)
        yield location


@pytest.fixture(scope="module")
def proxy(shared_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """Two dashboard servers on the one shared store behind deploy/nginx.conf; the administrator is added by
    the command line while both run."""
    folder = tmp_path_factory.mktemp("proxy")
    with ExitStack() as stack:
        urls = [stack.enter_context(running_server(shared_store, folder / f"{name}.log")) for name in ("a", "b")]
        boards_command("users", "add", ADMIN_USERNAME, "--role", "admin", "--password-env", "BOARDS_TEST_PASSWORD",
                       "--db", shared_store, env={"BOARDS_TEST_PASSWORD": ADMIN_PASSWORD})
        yield stack.enter_context(nginx_proxy((urls[0], urls[1])))


def new_context(browser: Browser) -> BrowserContext:
    return browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 1400})


def route_of(context: BrowserContext) -> str:
    [cookie] = [c for c in context.cookies() if c["name"] == "boards_route"]
    return cookie["value"]


def test_a_browser_stays_on_one_server_from_its_first_request_so_a_sign_in_survives_reloads(
        browser: Browser, proxy: Proxy) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(proxy.https_url)
    wait_for_app(page)  # the page runs only over the WebSocket, so it passed through nginx
    expect(page.locator("h1").first).to_have_text("Safeguarding board effectiveness")
    route = route_of(context)
    sign_in(page, proxy.https_url, ADMIN_USERNAME, ADMIN_PASSWORD)
    for _ in range(2):
        page.reload()
        wait_for_app(page)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=APP_TIMEOUT_MS)
    cookies = {c["name"]: c for c in context.cookies()}
    context.close()

    # X-Forwarded-Proto reached the server: its session cookie is Secure, as nginx's route cookie is.
    assert (cookies["boards_session"]["secure"], cookies["boards_session"]["sameSite"]) == (True, "Strict")
    assert (cookies["boards_route"]["secure"], cookies["boards_route"]["httpOnly"],
            cookies["boards_route"]["sameSite"]) == (True, True, "Lax")
    assert re.fullmatch(r"[0-9a-f]{32}", route)
    requests = [r for r in proxy.requests() if r["route"] == route]
    print(f"{len(requests)} requests of one browser, upstreams {sorted({r['upstream'] for r in requests})}")
    # The very first request, sent without a cookie, was routed by the key it was then given.
    assert requests[0]["request"] == "GET / HTTP/1.1"
    paths = {r["request"].split()[1].split("?")[0] for r in requests}
    assert {"/", "/account", "/_stcore/stream", "/session/start"} <= paths
    assert len({r["upstream"] for r in requests}) == 1
    assert requests[0]["upstream"] in proxy.upstreams


def browsers_on_each_server(browser: Browser, proxy: Proxy) -> dict[str, BrowserContext]:
    """A new browser context on each server, in the order of ``proxy.upstreams``. New browsers are given random
    keys, each of which picks one of the two servers about evenly: missing one server twenty times in a row has a
    chance of about 1 in a million."""
    by_upstream: dict[str, BrowserContext] = {}
    for _ in range(20):
        context = new_context(browser)
        context.request.get(f"{proxy.https_url}/_stcore/health")
        [upstream] = set(proxy.upstreams_of(route_of(context)))
        if upstream in by_upstream:
            context.close()
        else:
            by_upstream[upstream] = context
        if len(by_upstream) == 2:
            break
    assert sorted(by_upstream) == sorted(proxy.upstreams)
    return {upstream: by_upstream[upstream] for upstream in proxy.upstreams}


def audit_trail(location: str) -> pd.DataFrame:
    store = Store.open(location)
    try:
        return store.audit_log()
    finally:
        store.close()


def test_new_browsers_are_spread_over_both_servers_and_each_serves_the_pages(browser: Browser, proxy: Proxy) -> None:
    for upstream, context in browsers_on_each_server(browser, proxy).items():
        page = context.new_page()
        page.goto(f"{proxy.https_url}/about")
        wait_for_app(page)
        expect(page.locator("h1").first).to_have_text("About this dashboard")
        route = route_of(context)
        context.close()
        assert set(proxy.upstreams_of(route)) == {upstream}


def test_an_upload_on_one_server_a_sign_in_on_the_other_and_an_import_from_the_command_line_at_once(
        browser: Browser, proxy: Proxy, shared_store: str) -> None:
    """Three writers on the shared store at one moment: every load and audit row is there once, in order, and the
    upload made through server A shows on server B at its next page run."""
    audit_rows_before = len(audit_trail(shared_store))
    on_a, on_b = (context.new_page() for context in browsers_on_each_server(browser, proxy).values())
    sign_in(on_a, proxy.https_url, ADMIN_USERNAME, ADMIN_PASSWORD)
    on_a.get_by_role("link", name="Upload").click()
    on_a.get_by_role("heading", name="Upload a quarterly return").wait_for()
    wait_for_app(on_a)
    choose_file(on_a, UPLOADS / "barnsley_valid.csv")
    expect(on_a.get_by_text("What this upload will do")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(on_a)
    # Server B's overview before: its demo notice names no uploaded return (and its cache holds this data).
    on_b.goto(proxy.https_url)
    wait_for_app(on_b)
    expect(on_b.get_by_text("Demonstration data.")).to_be_visible()
    expect(on_b.get_by_text("Real returns uploaded by partnerships")).to_have_count(0)
    on_b.goto(f"{proxy.https_url}/account")
    wait_for_app(on_b)
    on_b.get_by_label("Username").fill(ADMIN_USERNAME)
    on_b.get_by_role("textbox", name="Password").fill(ADMIN_PASSWORD)

    started = time.monotonic()
    command = subprocess.Popen([sys.executable, "-m", "boards", "import", str(UPLOADS / "hartlepool_valid.csv"),
                                "--db", shared_store], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    on_a.get_by_role("button", name="Confirm: import 3 figures").click()
    on_b.keyboard.press("Enter")
    expect(on_a.get_by_text(re.compile(r"^Imported as load \d+\.$"))).to_be_visible(timeout=APP_TIMEOUT_MS)
    expect(on_b.get_by_role("button", name="Sign out")).to_be_visible(timeout=APP_TIMEOUT_MS)
    output, _ = command.communicate(timeout=COMMAND_TIMEOUT_S)
    assert command.returncode == 0, output
    print(f"upload, sign-in and command-line import done {time.monotonic() - started:.1f} s after they began")

    # Server B's overview at its next page run: the returns uploaded through server A (Barnsley) and the command
    # line (Hartlepool) replace invented figures.
    on_b.goto(proxy.https_url)
    wait_for_app(on_b)
    screenshot(on_b, "proxy_shared_store_overview_on_b")
    expect(on_b.get_by_text("Real returns uploaded by partnerships replace invented ones where they were sent: "
                            "Police attendance (from 2 partnerships), Health attendance (from 2 partnerships).")
           ).to_be_visible()

    store = Store.open(shared_store)
    try:
        loads, audit, summary, report = store.loads(), store.audit_log(), store.summary(), check_database(store)
    finally:
        store.close()
    new_loads = loads.iloc[DEMO_LOADS:].sort_values("file_name")
    print(new_loads[["load_id", "file_name", "loaded_by", "rows_added", "rows_changed", "rows_unchanged"]])
    print(audit.tail(8)[["audit_id", "actor", "action", "target"]])
    assert loads["load_id"].tolist() == list(range(1, DEMO_LOADS + 3))  # no load lost, none doubled
    assert new_loads[["file_name", "rows_added", "rows_changed", "rows_unchanged"]].values.tolist() == [
        ["barnsley_valid.csv", 2, 1, 0], ["hartlepool_valid.csv", 2, 0, 0]]
    assert summary["observations"] == DEMO_OBSERVATIONS + 4
    assert audit["audit_id"].tolist() == list(range(1, len(audit) + 1))  # the trail has no gap
    # Each import audited once, by whoever made it, naming its load; each sign-in too.
    imports = audit[audit["action"] == "data_imported"].tail(2).sort_values("target")
    assert [(actor, target, detail.split(" (")[0]) for actor, target, detail in
            imports[["actor", "target", "detail"]].itertuples(index=False)] == [
        (actor, f"load {load_id}", file_name) for actor, load_id, file_name in
        new_loads[["loaded_by", "load_id", "file_name"]].sort_values("load_id").itertuples(index=False)]
    assert sorted(new_loads["loaded_by"]) == sorted([ADMIN_USERNAME, f"system:{getpass.getuser()}"])
    # This test's own rows: two sign-ins (A, then B) and the two imports, nothing else.
    assert sorted(audit.iloc[audit_rows_before:][["actor", "action"]].itertuples(index=False, name=None)) == sorted(
        [(ADMIN_USERNAME, "sign_in")] * 2 + [(ADMIN_USERNAME, "data_imported"),
                                             (f"system:{getpass.getuser()}", "data_imported")])
    assert report.problems == []


def test_the_overview_has_no_serious_accessibility_violation_through_the_proxy(browser: Browser, proxy: Proxy) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(proxy.https_url)
    wait_for_app(page)
    screenshot(page, "proxy_overview")
    assert blocking_violations(page) == []
    context.close()


def test_plain_http_is_sent_to_https(proxy: Proxy) -> None:
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{proxy.http_url}/account?x=1", timeout=10)
    assert (refused.value.code, refused.value.headers["Location"]) == (301, "https://127.0.0.1/account?x=1")


@pytest.mark.parametrize(("megabytes", "passed_on"), [(50.5, True), (51.5, False)])
def test_nginx_passes_every_upload_the_dashboard_takes_and_refuses_beyond(
        proxy: Proxy, megabytes: float, passed_on: bool) -> None:
    """A body of 50.5 MiB (a 50 MiB file, the dashboard's cap, with its multipart wrapping) is passed on to a
    server, as nginx's log says; one of 51.5 MiB is nginx's own 413, never passed on. (The server refuses the
    test's body for want of Streamlit's XSRF token, 403; when it answers before nginx has sent the whole body,
    nginx reports the closed connection as 502.)"""
    body = b"x" * int(megabytes * 1024 * 1024)
    request = urllib.request.Request(f"{proxy.https_url}/_stcore/upload_file/session/widget", data=body,
                                     method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60, context=UNVERIFIED)
    if not passed_on:
        assert refused.value.code == 413
        return
    assert refused.value.code in (403, 502)
    deadline = time.monotonic() + 10  # nginx writes a request's line once it has finished with it
    while not (puts := [r for r in proxy.requests()
                        if r["request"].startswith("PUT /_stcore/upload_file/") and r["status"] != "413"]):
        assert time.monotonic() < deadline, "the upload's request is not in nginx's access log"
        time.sleep(0.2)
    assert set(puts[-1]["upstream"].split(", ")) <= set(proxy.upstreams)
