"""Prometheus' promtool for the self-tests (``./run tests`` installs it, Debian's prometheus)."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def promtool() -> str:
    """The promtool program; a failure (never a skip) when it is not installed."""
    found = shutil.which("promtool")
    if found is None:
        pytest.fail(
            "promtool is not installed: `./run tests` installs it (as root, Debian's "
            "prometheus package); or install prometheus yourself"
        )
    return found


def run_promtool(*args: str) -> subprocess.CompletedProcess[str]:
    """``promtool ARGS``, output captured."""
    return subprocess.run(
        [promtool(), *args], capture_output=True, text=True, timeout=120, check=False
    )
