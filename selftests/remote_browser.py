"""A real ``playwright run-server`` for self-tests, running this machine's Chromium.

Playwright's own browsers cannot be downloaded here, so the server gets a
``PLAYWRIGHT_BROWSERS_PATH`` of its own whose Chromium downloads are links to
the system Chromium (Debian's). Clients send nothing about executables: they
connect the way they would to a remote fleet.

``python -m playwright run-server`` is a Python parent with a Node.js child
that does the work (and launches the browsers, each in its own process group).
Stopping the parent by PID leaves the child running, so the server is stopped
by interrupting Node, which closes its browsers and exits, and the parent with
it; anything left after that is killed with its process group.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from checkout_probe.checkout.browser import discover_chromium, playwright_revision

#: Where Playwright looks for each of its downloads, relative to its browsers path.
_CHROMIUM_LAYOUT = {
    "chromium-headless-shell": "chromium_headless_shell-{rev}/chrome-headless-shell-linux64/"
    "chrome-headless-shell",
    "chromium": "chromium-{rev}/chrome-linux64/chrome",
}
_FFMPEG_LAYOUT = "ffmpeg-{rev}/ffmpeg-linux"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def link_browsers(folder: Path, launch_log: Path | None = None) -> Path:
    """Fill ``folder`` as a ``PLAYWRIGHT_BROWSERS_PATH`` whose Chromium is the system one.

    With ``launch_log``, each Chromium launch first appends ``<pid> <parent pid>``
    to it, so a test can show which process started the browser.
    """
    chromium = discover_chromium(None, None).executable_path
    assert chromium is not None, "discover_chromium(None, None) finds only system browsers"
    for name, layout in _CHROMIUM_LAYOUT.items():
        revision = playwright_revision(name)
        assert revision, f"no {name} revision in Playwright's browsers.json"
        target = folder / layout.format(rev=revision)
        target.parent.mkdir(parents=True, exist_ok=True)
        if launch_log is None:
            target.symlink_to(chromium)
            continue
        # exec keeps the PID: the logged pid is the browser's own.
        target.write_text(
            "#!/bin/sh\n"
            f'echo "$$ $PPID" >> {shlex.quote(str(launch_log))}\n'
            f'exec {shlex.quote(chromium)} "$@"\n'
        )
        target.chmod(0o755)
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg:  # the server, not the client, records --video
        target = folder / _FFMPEG_LAYOUT.format(rev=playwright_revision("ffmpeg"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(ffmpeg)
    return folder


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _live(pid: int) -> bool:
    """True for a running process; a zombie (dead, not yet reaped) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def server_processes(endpoint: str) -> list[int]:
    """Live processes of the run-server listening at ``endpoint`` (its Python parent and Node)."""
    port = endpoint.rstrip("/").rpartition(":")[2]
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"run-server" in argv and port.encode() in argv and _live(int(entry.name)):
            found.append(int(entry.name))
    return sorted(found)


def launched_browsers(launch_log: Path) -> list[tuple[int, int]]:
    """``(browser pid, parent pid)`` of every launch recorded in ``launch_log``."""
    if not launch_log.exists():
        return []
    pairs = (line.split() for line in launch_log.read_text().splitlines() if line.strip())
    return [(int(pid), int(parent)) for pid, parent in pairs]


def live(pids: list[int]) -> list[int]:
    """The pids of ``pids`` that still run."""
    return [pid for pid in pids if _live(pid)]


def _wait_listening(
    server: subprocess.Popen[bytes], port: int, log: Path, timeout_s: float
) -> None:
    deadline = time.monotonic() + timeout_s
    while not _listening(port):
        if server.poll() is not None:
            raise RuntimeError(f"run-server exited ({server.returncode}): {log.read_text()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"run-server not listening after {timeout_s} s: {log.read_text()}")
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat and int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _interrupt(pids: list[int]) -> None:
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)


def _stop(server: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    # SIGINT to Node only: it closes its browsers gracefully and exits, then the Python
    # parent (still waiting on it) exits and reaps it. Signalling the parent instead
    # would orphan Node, and SIGKILL to Node would orphan the browsers.
    node = _children(server.pid)
    _interrupt(node)
    try:
        server.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _interrupt(node)  # a second SIGINT makes Node kill its browsers and exit at once
        try:
            server.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    # Whatever is left in the group after a forced stop.
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    if server.stdin is not None:
        server.stdin.close()


@contextmanager
def run_server(*, launch_log: Path | None = None, timeout_s: float = 30.0) -> Iterator[str]:
    """Start ``playwright run-server`` on a free port; yield its ``ws://127.0.0.1:PORT/``.

    On exit the server, its Node child and the browsers it launched are stopped.
    ``launch_log`` records every browser launch (see :func:`link_browsers`).
    """
    with tempfile.TemporaryDirectory(prefix="checkout-probe-run-server-") as tmp:
        folder = Path(tmp)
        browsers = link_browsers(folder / "browsers", launch_log)
        port = _free_port()
        log = folder / "run-server.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "playwright", "run-server",
                 "--port", str(port), "--host", "127.0.0.1"],
                env={**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(browsers)},
                # Its own stdin, open for its whole life: not the test runner's.
                stdin=subprocess.PIPE, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, for the last-resort killpg
            )  # fmt: skip
        try:
            _wait_listening(server, port, log, timeout_s)
            yield f"ws://127.0.0.1:{port}/"
        finally:
            _stop(server)
