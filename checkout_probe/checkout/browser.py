"""Find a Chromium to drive, and the ffmpeg Playwright records video with.

Order: an explicit path (``--browser-path`` / ``CHECKOUT_PROBE_BROWSER``), then
Playwright's own Chromium where ``playwright install`` put it (a laptop), then
a system Chromium (Debian's ``chromium`` package), else a clear error saying
how to get one. Firefox and WebKit are not discovered: Playwright's builds of
them cannot be downloaded on the machines this project targets.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from checkout_probe.basics.errors import BrowserNotFound

#: Where distributions put Chromium; the binary before the wrapper script
#: because Debian's ``/usr/bin/chromium`` wrapper prints a noisy warning.
SYSTEM_CHROMIUM_CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
    "google-chrome",
)

INSTALL_HINT = (
    "no Chromium found: run `python -m playwright install chromium`, or on Debian/Ubuntu "
    "`apt-get install -y chromium` (as root), or set CHECKOUT_PROBE_BROWSER=/path/to/chrome"
)


@dataclass(frozen=True)
class BrowserChoice:
    """Which Chromium a run uses; ``executable_path`` None means Playwright's own."""

    executable_path: str | None
    source: str

    def describe(self) -> str:
        """One line for the pytest header."""
        return f"{self.source} ({self.executable_path or 'bundled with Playwright'})"


def _which(candidate: str) -> str | None:
    if os.path.isabs(candidate):
        return candidate if os.access(candidate, os.X_OK) else None
    return shutil.which(candidate)


def discover_chromium(
    explicit: str | None,
    playwright_executable: str | None,
    candidates: tuple[str, ...] = SYSTEM_CHROMIUM_CANDIDATES,
) -> BrowserChoice:
    """Pick the Chromium to launch.

    ``playwright_executable`` is what ``playwright.chromium.executable_path``
    reports; it is only used when that file exists.
    """
    if explicit:
        found = _which(explicit)
        if found is None:
            raise BrowserNotFound(
                f"browser {explicit!r} (from --browser-path or CHECKOUT_PROBE_BROWSER) "
                "is not an executable file: fix the path or unset it"
            )
        return BrowserChoice(found, "configured")
    if playwright_executable and os.access(playwright_executable, os.X_OK):
        return BrowserChoice(None, "Playwright's Chromium")
    for candidate in candidates:
        found = _which(candidate)
        if found:
            return BrowserChoice(found, "system Chromium")
    raise BrowserNotFound(INSTALL_HINT)


def check_browser(browser_path: str | None) -> None:
    """That there is a Chromium to launch (BrowserNotFound, exit 2, if not). A configured or
    system one is found without starting Playwright's driver (half a second of a
    ``--once`` run); only without either is the driver asked for the Chromium it
    downloads. Which one is launched is for ``open_browser`` to choose."""
    try:
        discover_chromium(browser_path, None)
    except BrowserNotFound:
        from playwright.sync_api import sync_playwright  # only now: a driver starts

        with sync_playwright() as playwright:
            discover_chromium(browser_path, playwright.chromium.executable_path)


def _default_browsers_path() -> Path:
    return Path.home() / ".cache" / "ms-playwright"


def playwright_revision(name: str) -> str | None:
    """The revision of one of Playwright's browser downloads (e.g. ``ffmpeg``)."""
    import playwright

    browsers_json = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    try:
        data = json.loads(browsers_json.read_text())
    except (OSError, ValueError):
        return None
    for entry in data.get("browsers", []):
        if entry.get("name") == name:
            return str(entry.get("revision"))
    return None


def ensure_video_ffmpeg(browsers_path: str | None) -> str | None:
    """Make Playwright find an ffmpeg for ``--video``; return a note, or None if nothing to do.

    Playwright records video with its own ffmpeg build, which cannot be
    downloaded everywhere; a system ffmpeg works when linked where Playwright
    looks (``<browsers path>/ffmpeg-<revision>/ffmpeg-linux``).
    """
    revision = playwright_revision("ffmpeg")
    if revision is None:
        return None
    root = Path(browsers_path) if browsers_path else _default_browsers_path()
    target = root / f"ffmpeg-{revision}" / "ffmpeg-linux"
    if target.exists():
        return None
    system_ffmpeg = shutil.which("ffmpeg")
    if system_ffmpeg is None:
        raise BrowserNotFound(
            "--video needs ffmpeg: run `python -m playwright install ffmpeg`, "
            "or `apt-get install -y ffmpeg` (checkout-probe links it for Playwright)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.symlink_to(system_ffmpeg)
    except FileExistsError:  # another run linked it meanwhile
        return None
    return f"linked {system_ffmpeg} to {target} for video recording"


def main() -> int:
    """``python -m checkout_probe.checkout.browser``: the Chromium a run would use, or the fix."""
    import os
    import sys

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        playwright_path = pw.chromium.executable_path
    try:
        choice = discover_chromium(os.environ.get("CHECKOUT_PROBE_BROWSER"), playwright_path)
    except BrowserNotFound as exc:
        print(f"checkout-probe: {exc}", file=sys.stderr)
        return 2
    print(choice.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
