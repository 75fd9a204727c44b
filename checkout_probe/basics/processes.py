"""Stopping a child process the one way the engine does: SIGTERM, a grace, then SIGKILL —
for the child and for every process below it (pytest-xdist's workers, their browser
drivers and browsers), so nothing of it outlives the caller."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

#: How often a stopping process tree is looked at while its grace runs.
_POLL_S = 0.1
#: How long processes left behind by their stopped parent get to exit on SIGTERM.
_LEFT_BEHIND_S = 5.0


def _stat(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after "pid (comm)" (comm may hold spaces and parentheses)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children(pid: int) -> dict[int, list[int]]:
    """The living processes below ``pid``, by their parent (read from /proc; {} without it)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parents.setdefault(int(_stat(entry.name)[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    below: dict[int, list[int]] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        if parent in parents:
            below[parent] = parents[parent]
            todo.extend(parents[parent])
    return below


def _signal(pids: list[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (or is stopped): not exited, not a zombie."""
    try:
        return _stat(pid)[0] != "Z"  # a zombie has exited: only its parent's wait is missing
    except (OSError, IndexError):
        return False


def terminate(process: subprocess.Popen[Any], grace_s: float) -> None:
    """Ask ``process`` and the processes it started itself to stop (SIGTERM) so they can clean
    up; then whatever still runs below them (browsers a dead driver left behind) gets SIGTERM
    and a short grace; what is left after that, or after ``grace_s`` in all, is killed.
    Returns once ``process`` is reaped and the rest gone."""
    tree = children(process.pid)
    first = tree.get(process.pid, [])
    rest = [pid for parent, pids in tree.items() if parent != process.pid for pid in pids]
    process.send_signal(signal.SIGTERM)
    _signal(first, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    # What the child started may outlive it: orphans are not ours to wait for.
    _wait_gone(first, deadline)
    _signal([pid for pid in rest if alive(pid)], signal.SIGTERM)
    _wait_gone(rest, min(deadline, time.monotonic() + _LEFT_BEHIND_S))
    _signal([pid for pid in first + rest if alive(pid)], signal.SIGKILL)


def _wait_gone(pids: list[int], deadline: float) -> None:
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(_POLL_S)


def kill_tree(pid: int) -> None:
    """Kill (SIGKILL) ``pid`` and every process below it at once: for a process that hangs
    or is stopped (SIGSTOP), which no SIGTERM reaches. The tree is read before any dies, so
    nothing below is orphaned out of reach."""
    below = [p for pids in children(pid).values() for p in pids]
    _signal([pid, *below], signal.SIGKILL)


def child_pids(pid: int, marker: bytes) -> set[int]:
    """The living children of ``pid`` whose command line contains ``marker``."""
    found = set()
    for child in children(pid).get(pid, []):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if marker in cmdline and alive(child):
            found.add(child)
    return found
