"""Hardening benchmark: what a hostile or mistaken upload costs before it is refused. Prints figures; it is
not a timed test.

Each file goes through the Upload page's own entry point (``inspect_upload``) in a process of its own, so the
peak resident memory printed is that upload's alone, beside the same process's memory before the upload was
read (the baseline). The files are those a probe of the product used:

- a workbook of 28.5 MB whose sheet unpacks to 9 GB of XML (a decompression bomb, declared honestly in the zip);
- the same bomb with its zip entry claiming 1,000 bytes (a lying bomb);
- a CSV of 100,000 columns (1.1 MB);
- a CSV of 8,250,000 short lines (49.5 MB).

Then N wrong passwords at once, each in its own thread, against one account: how many were counted and whether
the account was locked, and the audit trail's refusals (a refused upload, a refused rollback).

Run: ``uv run python benchmarks/hardening.py``.
"""

from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
BOMB_UNPACKED = 9 * 1024**3
PARALLEL_ATTEMPTS = 40


def workbook_bomb(lying: bool) -> bytes:
    """A real workbook whose first sheet is 9 GB of rows; with ``lying`` its zip entry claims 1,000 bytes."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "imports"))
    from xlsx import workbook  # the tests' minimal workbook writer: no spreadsheet library is a dependency

    source = zipfile.ZipFile(io.BytesIO(workbook({"S": [["a"]]})))
    buffer = io.BytesIO()
    chunk = ROW * (1024 * 1024 // len(ROW))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for part in source.infolist():
            if part.filename != SHEET:
                archive.writestr(part.filename, source.read(part))
                continue
            with archive.open(part.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>')
                for _ in range(BOMB_UNPACKED // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    data = bytearray(buffer.getvalue())
    if lying:
        claim_small_size(data, SHEET.encode())
    return bytes(data)


def claim_small_size(archive: bytearray, name: bytes) -> None:
    """Rewrite the sheet's uncompressed size to 1,000 in its zip64 extra fields (local header and central
    directory), as a hand-made bomb would."""
    for signature, name_at in ((b"PK\x03\x04", 30), (b"PK\x01\x02", 46)):
        header = archive.find(signature)
        while archive[header + name_at: header + name_at + len(name)] != name:
            header = archive.find(signature, header + 4)
        extra = archive.find(b"\x01\x00", header + name_at + len(name))  # zip64 extra field, tag 0x0001
        struct.pack_into("<Q", archive, extra + 4, 1_000)


def wide_csv() -> bytes:
    return b",".join(b"col%d" % n for n in range(100_000)) + b"\n" + b"1," * 99_999 + b"1\n"


def long_csv() -> bytes:
    return b"a,b\n" + b"12,34\n" * 8_249_999


def refuse_in_this_process(path: str, file_name: str) -> None:
    """Read one file as the Upload page does, and print what it cost as JSON."""
    from boards.access import Actor
    from boards.catalogue import load_catalogue
    from boards.demo import prepare_reference
    from boards.imports.pipeline import inspect_upload
    from boards.imports.problems import UnusableFile
    from boards.reference import load_reference
    from boards.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "boards.duckdb")
        prepare_reference(store, load_reference(), load_catalogue())
        data = Path(path).read_bytes()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            inspect_upload(store, file_name, data, actor=Actor("system:benchmark", "Benchmark", "admin"))
            outcome = "accepted"
        except UnusableFile as refused:
            outcome = str(refused)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        store.close()
    print(json.dumps({"seconds": seconds, "baseline_mb": before / 1024, "peak_mb": peak / 1024,
                      "outcome": outcome}))


def measure(folder: Path, file_name: str, data: bytes) -> None:
    path = folder / file_name
    path.write_bytes(data)
    result = subprocess.run([sys.executable, __file__, "--refuse", str(path), file_name],
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"- {file_name}, {len(data) / 1024**2:.1f} MB: refused in {figures['seconds']:.2f} s; peak memory "
          f"{figures['peak_mb']:.0f} MB (the process before reading it: {figures['baseline_mb']:.0f} MB, so "
          f"{figures['peak_mb'] - figures['baseline_mb']:.0f} MB for the upload)")
    print(f"  message ({len(figures['outcome'])} characters): {figures['outcome']}")


def parallel_lockout() -> None:
    from boards.access import Actor
    from boards.accounts import SignInError, add_user, sign_in
    from boards.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "boards.duckdb")
        now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        add_user(store, Actor("system:benchmark", "Benchmark", "admin"), username="ana", display_name="Ana",
                 role="analyst", password="correct horse battery staple")
        start = threading.Barrier(PARALLEL_ATTEMPTS)
        refusals = []

        def wrong_password() -> None:
            start.wait()
            try:
                sign_in(store, "ana", "not the password", now=now)
            except SignInError:
                refusals.append(1)

        threads = [threading.Thread(target=wrong_password) for _ in range(PARALLEL_ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        user = store.user("ana")
        actions = store.audit_log()["action"].value_counts().to_dict()
        store.close()
    print(f"- {PARALLEL_ATTEMPTS} wrong passwords at once: {len(refusals)} refused, {user['failed_attempts']} "
          f"counted, locked until {user['locked_until']}; audit trail {actions}")


def main() -> None:
    print("Hostile uploads, each through inspect_upload in its own process")
    with tempfile.TemporaryDirectory() as folder:
        for lying in (False, True):
            started = time.perf_counter()
            bomb = workbook_bomb(lying)
            print(f"  (built the {'lying ' if lying else ''}bomb in {time.perf_counter() - started:.0f} s)")
            measure(Path(folder), "lying_bomb.xlsx" if lying else "bomb.xlsx", bomb)
        measure(Path(folder), "wide.csv", wide_csv())
        measure(Path(folder), "long.csv", long_csv())
    print("Sign-in lockout")
    parallel_lockout()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--refuse"]:
        refuse_in_this_process(sys.argv[2], sys.argv[3])
    else:
        main()
