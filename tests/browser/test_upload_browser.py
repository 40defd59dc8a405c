"""The upload page in Chromium: two users signed in at once, problems, dry run, result, rollback, axe, keyboard;
a DfE file through a mapping.

Uploads write to the database, so this module runs its OWN server on a copy of the session's demo
database (the shared server's database stays as other browser tests expect it). Bea uploads for
Barnsley, Hal for Hartlepool, Vic only reads, Ana is an analyst who loads DfE files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from boards.reference import REFERENCE_DIR
from boards.store import OBSERVATION_COLUMNS, Store
from tests.imports.test_releases import OLDER

from .conftest import APP_TIMEOUT_MS, ROOT, running_server, screenshot, sign_in, wait_for_app

pytestmark = pytest.mark.browser

SAMPLES = ROOT / "tests" / "data" / "upload_page"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
USERS = {  # username: (name, role, partnerships, password)
    "bea": ("Bea Barnsley", "uploader", "E08000038", "bea uploads for barnsley"),
    "hal": ("Hal Hartlepool", "uploader", "E06000001", "hal uploads for hartlepool"),
    "vic": ("Vic Viewer", "viewer", None, "vic only reads the figures"),
    "ana": ("Ana Analyst", "analyst", None, "ana loads the published files"),
}
C1_MAPPING = "DfE children in need: referrals and re-referrals (table C1) (dfe_referrals_c1.toml)"


@pytest.fixture(scope="module")
def upload_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of our own on a copy of the demo database, with the three users added by the CLI."""
    folder = tmp_path_factory.mktemp("upload_app")
    db = folder / "upload.duckdb"
    shutil.copy(demo_db, db)
    if Path(f"{demo_db}.wal").exists():  # changes the shared server has not checkpointed yet
        shutil.copy(f"{demo_db}.wal", f"{db}.wal")
    for username, (name, role, areas, password) in USERS.items():
        command = [sys.executable, "-m", "boards", "users", "add", username, "--role", role, "--name", name,
                   "--password-env", "BOARDS_TEST_UPLOAD_PASSWORD", "--db", str(db)]
        command += ["--areas", areas] if areas else []
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "BOARDS_TEST_UPLOAD_PASSWORD": password})
        if result.returncode != 0:
            pytest.fail(f"`boards users add {username}` exited {result.returncode}: {result.stderr.strip()}")
    # An analyst's DfE load of only England and North East rows: no uploader may roll it back.
    store = Store.open(db)
    store.commit_load(
        pd.DataFrame(columns=list(OBSERVATION_COLUMNS)), source="published", loaded_by="ana",
        file_name="england_and_regions.csv",
        benchmarks=pd.DataFrame({"geography_code": ["E92000001", "E12000001"], "indicator_id": ["rereferral_rate"] * 2,
                                 "period_id": ["2024-25"] * 2, "value": [20.5, 21.5], "numerator": [None, None],
                                 "denominator": [None, None], "status": ["reported"] * 2}),
    )
    store.close()

    with running_server(db, folder / "streamlit.log") as url:
        yield url


def new_page(browser: Browser) -> Page:
    """A page in a browser context of its own: its own cookies, so its own signed-in user."""
    return browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()


def sign_in_and_open_upload(page: Page, url: str, username: str) -> None:
    sign_in(page, url, username, USERS[username][3])
    # Follow the link, as a user would.
    page.get_by_role("link", name="Upload").click()
    page.get_by_role("heading", name="Upload a quarterly return").wait_for()
    wait_for_app(page)


def choose_file(page: Page, name: str | Path) -> None:
    """Choose the file and wait until the uploader shows it. Under load a file chosen just after another control
    changed was twice not taken (the rerun that control started was still redrawing the page), so it is chosen
    again until it shows."""
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Your quarterly return")
    path = SAMPLES / name
    shown = uploader.locator(f'[data-testid="stFileChipName"][title="{path.name}"]')
    for _ in range(3):
        uploader.locator('input[type="file"]').set_input_files(path)
        try:
            expect(shown).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            wait_for_app(page)
    expect(shown).to_be_visible()


def blocking_violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_signed_out_visitor_gets_the_templates_and_no_uploader(browser: Browser, upload_url: str) -> None:
    page = new_page(browser)
    page.goto(f"{upload_url}/upload")
    wait_for_app(page)
    expect(page.get_by_text("Uploaders send figures for their own partnerships")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in on the Account page")).to_be_visible()
    expect(page.get_by_role("button", name="Data dictionary (CSV)")).to_be_visible()
    expect(page.locator('[data-testid="stFileUploader"]')).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("button", name="Template, one figure a row (CSV)").click()
    assert download.value.suggested_filename == "quarterly_return_template.csv"
    screenshot(page, "upload_signed_out")
    assert blocking_violations(page) == []
    page.context.close()


def test_two_uploaders_and_a_viewer_at_once(browser: Browser, upload_url: str) -> None:
    """Bea, Hal and Vic signed in at the same time in three contexts, each seeing only what their role allows."""
    bea, hal, vic = new_page(browser), new_page(browser), new_page(browser)
    for page, username in ((bea, "bea"), (hal, "hal"), (vic, "vic")):
        sign_in_and_open_upload(page, upload_url, username)
    expect(bea.get_by_text("You upload figures for: Barnsley.")).to_be_visible()
    expect(hal.get_by_text("You upload figures for: Hartlepool.")).to_be_visible()

    # The viewer: told why, no uploader.
    expect(vic.get_by_text("Your viewer account can read the dashboard but not upload")).to_be_visible()
    expect(vic.locator('[data-testid="stFileUploader"]')).to_have_count(0)

    # Bea's file with problems: every row listed, nothing written.
    choose_file(bea, "barnsley_problems.csv")
    expect(bea.get_by_text("3 problems in 3 rows: nothing was written.")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(bea)
    problems = bea.get_by_role("alert").filter(has_text="3 problems")
    expect(problems).to_be_visible()
    expect(bea.get_by_role("button", name="Download the problems (CSV)")).to_be_visible()
    expect(bea.get_by_role("button", name="Confirm")).to_have_count(0)
    table = bea.locator('[data-testid="stDataFrame"]').first
    expect(table).to_contain_text("is not a local authority we know")
    screenshot(bea, "upload_problems")

    # Hal tries to change Barnsley's figures: the core refuses, in words.
    choose_file(hal, "barnsley_valid.csv")
    expect(hal.get_by_text(
        "You may upload figures for Hartlepool only; this file has rows for Barnsley (E08000038). Nothing was written."
    )).to_be_visible(timeout=APP_TIMEOUT_MS)
    expect(hal.get_by_role("button", name="Confirm")).to_have_count(0)

    # Bea's valid file: the dry run, then the result.
    choose_file(bea, "barnsley_valid.csv")
    expect(bea.get_by_text("What this upload will do")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(bea)
    metrics = bea.locator('[data-testid="stMetric"]')
    expect(metrics).to_have_text(["Figures to add2", "Figures to change1", "Figures unchanged0", "Rows left out0"])
    screenshot(bea, "upload_dry_run")
    assert blocking_violations(bea) == []
    bea.get_by_role("button", name="Confirm: import 3 figures").click()
    imported = bea.get_by_text(re.compile(r"^Imported as load \d+\.$"))
    expect(imported).to_be_visible(timeout=APP_TIMEOUT_MS)
    load_id = int(re.search(r"\d+", imported.inner_text()).group())
    wait_for_app(bea)
    screenshot(bea, "upload_result")

    # Hal sees Bea's load and the analyst's benchmarks in the history but may roll back neither.
    hal.get_by_role("button", name="Data dictionary (CSV)").click()  # any interaction reruns Hal's page
    wait_for_app(hal)
    expect(hal.locator('[data-testid="stDataFrame"]').last).to_contain_text("barnsley_valid.csv")
    expect(hal.locator('[data-testid="stDataFrame"]').last).to_contain_text("england_and_regions.csv")
    expect(hal.get_by_text("None of these loads is yours to roll back.")).to_be_visible()

    # Bea asks to roll her load back: the confirm step says what it will do.
    bea.get_by_role("combobox", name="Load to roll back").click()
    bea.get_by_role("option", name=f"Load {load_id}: barnsley_valid.csv").click()
    bea.get_by_role("button", name="Roll back this load…").click()
    expect(bea.get_by_text(f"Roll back load {load_id} (barnsley_valid.csv)?")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(bea)
    bea.get_by_role("heading", name="Loads").scroll_into_view_if_needed()
    screenshot(bea, "upload_history")
    assert blocking_violations(bea) == []
    bea.get_by_role("button", name=f"Yes, roll back load {load_id}").click()
    expect(bea.get_by_text(f"Rolled back load {load_id}.")).to_be_visible(timeout=APP_TIMEOUT_MS)
    for page in (bea, hal, vic):
        page.context.close()


def test_a_percentage_without_counts_is_warned_of_before_confirming(browser: Browser, upload_url: str) -> None:
    """The dry run of a percentage without its counts shows a warning that it will not be compared, and why,
    and still offers to import it."""
    page = new_page(browser)
    sign_in_and_open_upload(page, upload_url, "bea")
    choose_file(page, "barnsley_without_counts.csv")
    expect(page.get_by_text("What this upload will do")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    warning = page.get_by_role("alert").filter(has_text="will not be compared with others")
    expect(warning).to_have_text(re.compile(
        r'"Police attendance at partnership meetings": 1 figure \(2024-25 Q2\) without a numerator and denominator '
        r"will not be compared with others: a percentage needs its numerator and denominator to be judged against "
        r"England\."))
    expect(page.get_by_role("button", name="Confirm: import 2 figures")).to_be_visible()
    screenshot(page, "upload_warning")
    assert blocking_violations(page) == []
    page.context.close()


def test_the_size_limit_is_said_before_a_file_is_chosen(browser: Browser, upload_url: str, tmp_path: Path) -> None:
    """"Up to 50 MB" in words before any file is chosen; a file one byte over it is refused by Streamlit's
    uploader in the browser, which never passes it to the page, so the sentence above it is what explains."""
    # A sparse file on disk, which Chromium reads from its path, rather than 50 MB sent through Playwright.
    too_big = tmp_path / "too_big.csv"
    with too_big.open("wb") as file:
        file.truncate(50_000_001)
    page = new_page(browser)
    sign_in_and_open_upload(page, upload_url, "bea")
    expect(page.get_by_text(
        "Upload a file of up to 50 MB. The uploader refuses a larger file by marking it in red, without checking "
        "it: split such a file (for example one per year) and upload each part."
    )).to_be_visible()
    uploader = page.locator('[data-testid="stFileUploader"]')
    expect(uploader).to_contain_text("50MB per file")
    uploader.locator('input[type="file"]').set_input_files(too_big)
    # Streamlit's own refusal: a red icon on the file, its words only for screen readers (and on hover).
    chip = uploader.locator('[data-testid="stFileChip"]')
    expect(chip).to_have_attribute("aria-invalid", "true")
    expect(chip.get_by_role("alert")).to_have_text("Error: File must be 50.0MB or smaller.")
    wait_for_app(page)
    expect(page.get_by_text("Upload a file of up to 50 MB.", exact=False)).to_be_visible()
    expect(page.get_by_text("cannot be read as a quarterly return")).to_have_count(0)
    screenshot(page, "upload_too_big")
    page.context.close()


def test_keyboard_only_sign_in_and_upload(browser: Browser, upload_url: str) -> None:
    """Sign in, go to Upload, open the file chooser and confirm, all with the keyboard.

    The one step no keyboard can do in a headless browser is picking a file in the operating
    system's dialog. The test checks that Enter on "Browse files" opens it (the button clicks the
    hidden file input, which is what opens the dialog), then gives the input its file. It does not
    wait for Playwright's "filechooser" event: headless Chromium loses that event about one time in
    eight even when the input was clicked, which made this test fail at random.
    """
    page = new_page(browser)
    page.goto(f"{upload_url}/account")
    wait_for_app(page)
    username = page.get_by_role("textbox", name="Username")
    tab_until(page, username)
    page.keyboard.type("hal")
    page.keyboard.press("Tab")
    page.keyboard.type(USERS["hal"][3])
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=APP_TIMEOUT_MS)

    upload_link = page.get_by_role("link", name="Upload")
    tab_until(page, upload_link)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Upload a quarterly return").wait_for()
    wait_for_app(page)

    browse = page.locator('[data-testid="stFileUploaderDropzone"] button')
    tab_until(page, browse)
    file_input = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    file_input.evaluate("input => { window.fileDialogOpened = false;"
                        " input.addEventListener('click', () => { window.fileDialogOpened = true; }); }")
    page.keyboard.press("Enter")
    page.wait_for_function("window.fileDialogOpened === true", timeout=APP_TIMEOUT_MS)
    file_input.set_input_files(SAMPLES / "hartlepool_valid.csv")
    confirm = page.get_by_role("button", name="Confirm: import 2 figures")
    expect(confirm).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    tab_until(page, confirm)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Imported as load")).to_be_visible(timeout=APP_TIMEOUT_MS)
    page.context.close()


def tab_until(page: Page, target, limit: int = 80) -> None:
    """Press Tab until ``target`` has the keyboard focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} never received the focus after {limit} presses of Tab")


def test_an_analyst_reads_a_dfe_file_through_a_chosen_mapping(browser: Browser, upload_url: str,
                                                               tmp_path: Path) -> None:
    """Issue 19: Ana chooses the shipped C1 mapping. The repeat plans file (D3) by mistake is refused in words that
    name the columns and the way out; the 2024 release of C1 after the demo's 2025 one is refused as older, its one
    changed figure listed, until she ticks that she means it; then it imports. Through her own mapping (the shipped
    TOML, uploaded), the 2025 release puts the revised figure back, not refused."""
    page = new_page(browser)
    sign_in_and_open_upload(page, upload_url, "ana")
    page.get_by_role("combobox", name="Mapping, for a DfE Explore Education Statistics file").click()
    page.get_by_role("option", name=C1_MAPPING).click()
    wait_for_app(page)

    choose_file(page, REFERENCE_DIR / "dfe" / "d3_cpps_subsequent_plan_2013_to_2025.csv")
    refusal = page.get_by_role("alert").filter(has_text="This file lacks")
    expect(refusal).to_contain_text(
        'This file lacks the column(s) referral_count, rereferral_count, rereferral_percent that the mapping "DfE '
        'children in need: referrals and re-referrals (table C1)" (dfe_referrals_c1.toml) reads. It has the columns '
        'of the shipped mapping "DfE children in need: repeat child protection plans (table D3)" '
        "(dfe_repeat_plans_d3.toml): use that one. Nothing was written.",
        timeout=APP_TIMEOUT_MS,
    )
    wait_for_app(page)
    screenshot(page, "upload_mapping_wrong_file")
    expect(page.get_by_role("button", name=re.compile("^Confirm"))).to_have_count(0)

    older = tmp_path / "c1_2013_to_2024.csv"
    older.write_bytes(OLDER)
    choose_file(page, older)
    expect(page.get_by_text("What this upload will do")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    expect(page.get_by_role("alert").filter(has_text="older DfE release")).to_have_text(re.compile(
        r"c1_2013_to_2024\.csv is an older DfE release than the one in force for 1 figure it would change: it is the "
        r"release with figures to 31 March 2024, and load \d+ \(c1_children_in_need_referrals_and_rereferrals_2013_to_"
        r"2025\.csv\) imported the release with figures to 31 March 2025\. Importing it would replace revised figures "
        r"with superseded ones\."))
    expect(page.get_by_text("Read through the mapping DfE children in need: referrals and re-referrals (table C1); "
                            "published figures from the release with figures to 31 March 2024;",
                            exact=False)).to_be_visible()
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics).to_have_text(["Figures to add0", "Figures to change1", "Figures unchanged3,577", "Rows left out0"])
    expect(page.locator('[data-testid="stDataFrame"]').nth(1)).to_contain_text("22.4 (696 of 3,114)")
    confirm = page.get_by_role("button", name="Confirm: import 3,578 figures")
    expect(confirm).to_be_disabled()
    screenshot(page, "upload_mapping_older_release")
    assert blocking_violations(page) == []
    page.get_by_text("Import it anyway: go back to the older release for these figures").click()
    wait_for_app(page)
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(page.get_by_text(re.compile(r"^Imported as load \d+\.$"))).to_be_visible(timeout=APP_TIMEOUT_MS)
    expect(page.get_by_text("1 changed, 3,577 unchanged", exact=False)).to_be_visible()
    wait_for_app(page)

    page.get_by_role("combobox", name="Mapping, for a DfE Explore Education Statistics file").click()
    page.get_by_role("option", name="My own mapping (a TOML file)").click()
    expect(page.get_by_text("Upload your mapping to read the DfE file through it.")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    mapping = page.locator('[data-testid="stFileUploader"]').filter(has_text="Your mapping (TOML)")
    mapping.locator('input[type="file"]').set_input_files(ROOT / "data" / "mappings" / "dfe_referrals_c1.toml")
    choose_file(page, REFERENCE_DIR / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    expect(page.get_by_text("What this upload will do")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    expect(page.get_by_role("alert").filter(has_text="older DfE release")).to_have_count(0)
    expect(metrics).to_have_text(["Figures to add0", "Figures to change1", "Figures unchanged3,883", "Rows left out0"],
                                 timeout=APP_TIMEOUT_MS)
    screenshot(page, "upload_own_mapping")
    page.context.close()
