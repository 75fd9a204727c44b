"""A checkout worker's own Playwright driver: its process and its temporary folder.

A worker's driver (Node) and the browsers it launches are known by process id, so a worker
that hangs in a Playwright call with no timeout of its own (a wedged browser: closing a
context, stopping a trace) can be stopped for good: killing its driver's process tree ends
the call (the connection closes) and everything the browser held. Each driver gets a
temporary folder of its own (``TMPDIR``), removed with it, so what a browser killed
mid-round leaves behind (Chromium's ``org.chromium.Chromium.*``, Playwright's artifacts and
traces) does not pile up in /tmp over months of rounds.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Playwright, sync_playwright

from checkout_probe.basics.processes import child_pids, kill_tree

log = logging.getLogger(__name__)

#: Drivers start one at a time: the new child process is this worker's, and the TMPDIR
#: swapped into the environment for its start is seen by no other start.
_STARTING = threading.Lock()
#: What Playwright's driver has on its command line.
_DRIVER = b"run-driver"


@dataclass(frozen=True)
class WorkerDriver:
    """A started Playwright, its driver's process id (None if it was not found) and its
    temporary folder."""

    playwright: Playwright
    pid: int | None
    tmp: Path

    @classmethod
    def start(cls, name: str) -> WorkerDriver:
        """Start a driver whose processes write their temporary files under a folder of
        their own."""
        tmp = Path(tempfile.mkdtemp(prefix="cp-"))  # short: Chromium puts sockets under it
        with _STARTING:
            before = child_pids(os.getpid(), _DRIVER)
            saved = os.environ.get("TMPDIR")
            # Playwright copies os.environ into the driver's environment at its start; the
            # driver and the browsers it launches read TMPDIR from there (Python's own
            # tempfile has cached its folder long before).
            os.environ["TMPDIR"] = str(tmp)
            try:
                playwright = sync_playwright().start()
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            finally:
                if saved is None:
                    os.environ.pop("TMPDIR", None)
                else:
                    os.environ["TMPDIR"] = saved
            new = child_pids(os.getpid(), _DRIVER) - before
        return cls(playwright, new.pop() if len(new) == 1 else None, tmp)

    def browser_gone(self) -> bool:
        """Whether the browser this driver launched has exited (crashed, killed) though the
        connection has not said so yet: an idle sync connection hears of it only at its
        next call, and that call may then wait forever (``new_page`` does). False when it
        cannot tell (driver not found) or while one lives; only for a launched browser."""
        return self.pid is not None and not child_pids(self.pid, b"")

    def stop(self) -> None:
        """Stop the driver (its browsers go with it) and remove its temporary folder."""
        try:
            self.playwright.stop()
        except Exception:  # a dead driver cannot be stopped cleanly
            log.debug("playwright driver did not stop cleanly", exc_info=True)
        self.kill()  # a driver that did not exit (it hangs on a browser it cannot close)

    def kill(self) -> None:
        """Kill the driver and every process below it (browsers, renderers), stopped ones
        too, and remove its temporary folder. Safe to call more than once, from any thread."""
        # Only while it is still our driver: an exited one's process id may be reused.
        if self.pid is not None and self.pid in child_pids(os.getpid(), _DRIVER):
            kill_tree(self.pid)
        shutil.rmtree(self.tmp, ignore_errors=True)
