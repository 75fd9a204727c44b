"""verify's pytest run as a child that never outlives it.

A CI job that is cancelled or times out sends SIGTERM to verify. Left alone, verify would
exit at once while its pytest child went on placing orders and writing reports into a job
that had ended. Here SIGTERM (and SIGINT) are forwarded to the child, which gets
:data:`GRACE_S` to finish its current checkouts' cleanup and is killed after that; then
verify stops with the signal's exit status (128 + the signal). The same holds when
``--timeout`` runs out.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from checkout_probe.basics.processes import terminate

#: How long a stopped pytest child may take to clean up before it is killed.
GRACE_S = 30.0


class Stopped(Exception):
    """verify was asked to stop (SIGTERM or SIGINT); ``status`` is its exit status."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.status = 128 + signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


def install() -> None:
    """From now on SIGTERM and SIGINT stop verify as :class:`Stopped` (cleanup runs)."""
    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGINT, _raise)


def run(command: Sequence[str], cwd: Path, timeout_s: float) -> int:
    """Run ``command`` to its end; its exit status. Raises :class:`subprocess.TimeoutExpired`
    or :class:`Stopped` only once the child is gone."""
    child = subprocess.Popen(list(command), cwd=cwd, env=dict(os.environ))
    try:
        return child.wait(timeout=timeout_s)
    except (subprocess.TimeoutExpired, Stopped):
        terminate(child, GRACE_S)
        raise
