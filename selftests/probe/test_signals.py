"""The probe's signal handling never deadlocks, whenever the signal lands."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from selftests.helpers import ROOT

# The probe's loop in miniature: check, wait, check; a SIGTERM must end it at any point.
_LOOP = """
from checkout_probe.probe.signals import Stop, handling_signals
stop = Stop()
with handling_signals(stop):
    print("ready", flush=True)
    while not stop.is_set():
        stop.wait({wait_s})
print("stopped", flush=True)
"""


@pytest.mark.parametrize("wait_s", [0.0, 0.001], ids=["interval-0", "short-waits"])
def test_sigterm_at_any_moment_of_the_wait_stops_the_loop(wait_s: float) -> None:
    # With threading.Event.set() in the handler, about half of these hung for ever:
    # the handler waited for the lock that the interrupted Event.wait() held.
    hung = []
    for attempt in range(40):
        child = subprocess.Popen(
            [sys.executable, "-c", _LOOP.format(wait_s=wait_s)], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        child.send_signal(signal.SIGTERM)
        try:
            out, err = child.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            hung.append(attempt)
            continue
        assert child.returncode == 0 and out == "stopped\n", err
        assert err.startswith("SIGTERM: finishing the current round"), err
    assert not hung, f"the loop hung after SIGTERM in attempts {hung}"
