"""Self-tests: which Chromium a run launches, and the error when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkout_probe.basics.errors import BrowserNotFound
from checkout_probe.checkout.browser import INSTALL_HINT, discover_chromium, playwright_revision


def _executable(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_playwrights_own_chromium_is_preferred_when_installed(tmp_path: Path) -> None:
    bundled = _executable(tmp_path, "chrome")
    system = _executable(tmp_path, "chromium")
    choice = discover_chromium(None, bundled, candidates=(system,))
    assert choice.executable_path is None
    assert choice.source == "Playwright's Chromium"


def test_system_chromium_is_used_when_playwrights_is_missing(tmp_path: Path) -> None:
    system = _executable(tmp_path, "chromium")
    choice = discover_chromium(None, str(tmp_path / "not-installed"), candidates=(system,))
    assert choice.executable_path == system
    assert choice.source == "system Chromium"


def test_no_browser_anywhere_fails_with_the_command_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound) as info:
        discover_chromium(None, None, candidates=(str(tmp_path / "nothing"),))
    assert str(info.value) == INSTALL_HINT
    assert "apt-get install -y chromium" in str(info.value)


def test_a_configured_path_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound, match="is not an executable file"):
        discover_chromium(str(tmp_path / "chrome"), None)


def test_ffmpeg_revision_is_read_from_playwrights_browsers_json() -> None:
    revision = playwright_revision("ffmpeg")
    assert revision is not None and revision.isdigit()
