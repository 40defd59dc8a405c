"""Charts as PNG images for the board pack: Plotly's own static export (kaleido), offline.

kaleido drives a headless Chromium that is already on the machine (Debian's ``chromium``, or the
executable named by ``BOARDS_CHROMIUM``); nothing is downloaded. One export server is started on
first use and kept for the life of the process: starting Chromium costs far more than an export. The
package's server is reached through ``kaleido._global_server`` for batches (``charts_png``): its public
functions export one figure at a time.
Exports are serialised by a lock, since the server is one browser shared by every page session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import plotly.graph_objects as go

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
EXPORT_WIDTH_PX = 1000  # the charts are laid out at this width, then scaled to the page
EXPORT_TABS = 2  # charts drawn at once by one batch (one per core of a small server)
EXPORT_SCALE = 1.5  # pixels per layout pixel: about 200 dots per inch across the A4 text width
_lock = threading.Lock()


class ChartExportUnavailable(RuntimeError):
    """No Chromium to draw the charts with; the message says how to install one."""


def chromium_path() -> str | None:
    """The Chromium kaleido will use: ``$BOARDS_CHROMIUM``, else /usr/bin/chromium, else one on the PATH."""
    configured = os.environ.get("BOARDS_CHROMIUM")
    if configured:
        return shutil.which(configured)
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


MISSING_CHROMIUM = (
    "The board pack draws its charts with Chromium, and none is installed on the server: install it "
    "(Debian or Ubuntu: `apt-get install chromium`) or set BOARDS_CHROMIUM to its executable."
)


def _server_started() -> None:
    import kaleido

    if kaleido._global_server.is_running():  # the package offers no public "is it running?"
        return
    browser = chromium_path()
    if browser is None:
        raise ChartExportUnavailable(MISSING_CHROMIUM)
    os.environ.setdefault("BROWSER_PATH", browser)  # where kaleido's browser driver looks first
    kaleido.start_sync_server(n=EXPORT_TABS, silence_warnings=True)


def chart_image(figure: go.Figure, image_format: str, *, width: int = EXPORT_WIDTH_PX) -> bytes:
    """``figure`` as PNG or SVG bytes, drawn at ``width`` layout pixels and the figure's own height."""
    import kaleido

    height = int(figure.layout.height or 500)
    with _lock:
        _server_started()
        return kaleido.calc_fig_sync(figure, opts={"format": image_format, "width": width, "height": height,
                                                   "scale": EXPORT_SCALE})


def charts_png(figures: list[go.Figure], *, width: int = EXPORT_WIDTH_PX) -> list[tuple[bytes, int, int]]:
    """Each figure as PNG bytes with the layout width and height it was drawn at, exported in one batch
    (``EXPORT_TABS`` at a time)."""
    import kaleido

    heights = [int(figure.layout.height or 500) for figure in figures]
    with _lock, tempfile.TemporaryDirectory() as folder:
        _server_started()
        paths = [Path(folder) / f"chart_{number}.png" for number in range(len(figures))]
        errors = kaleido._global_server.call_function("write_fig_from_object", [
            {"fig": figure, "path": path, "opts": {"format": "png", "width": width, "height": height,
                                                    "scale": EXPORT_SCALE}}
            for figure, path, height in zip(figures, paths, heights, strict=True)
        ])
        if errors:
            raise errors[0]
        return [(path.read_bytes(), width, height) for path, height in zip(paths, heights, strict=True)]
