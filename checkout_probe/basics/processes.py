"""Stopping a child process the one way the engine does: SIGTERM, a grace, then SIGKILL."""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def terminate(process: subprocess.Popen[Any], grace_s: float) -> None:
    """Ask ``process`` to stop (SIGTERM) so it can clean up; kill it if it is still running
    after ``grace_s``. Returns once it is gone (reaped)."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
