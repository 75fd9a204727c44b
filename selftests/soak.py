"""A long-running probe watched round by round: what it holds, and what it leaves behind.

Used by ``bench/soak.py`` (hundreds of rounds, printed as a table) and by the short soak
self-test (``selftests/probe/test_probe_soak.py``, which asserts bounds). Everything is read
from /proc, of the probe process and every process below it (its Playwright drivers,
browsers and their helpers), after each round line; the probe's temporary files go to a
folder of their own (``TMPDIR``, short: Chromium's sockets live under it) so that what a
browser leaves there is counted too.

Faults are injected from outside, as they happen to a real probe:

* **a browser crash**: the top Chromium processes are killed (SIGKILL) after a round;
* **a wedged page**: the renderer processes of the next round's pages are stopped
  (SIGSTOP) as they appear, so the page never answers while its browser lives on.
"""

from __future__ import annotations

import os
import signal
import statistics
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from checkout_probe.basics.processes import alive, children
from selftests.probe.running import LiveProbe

#: What one sample holds, in the order tables print it: (attribute, heading, unit).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("rss_mb", "probe RSS", "MB"),
    ("tree_pss_mb", "tree PSS", "MB"),
    ("fds", "probe FDs", ""),
    ("tree_fds", "tree FDs", ""),
    ("processes", "processes", ""),
    ("threads", "threads", ""),
    ("evidence_mb", "evidence", "MB"),
    ("tmp_entries", "TMPDIR entries", ""),
    ("history_mb", "history", "MB"),
)


@dataclass(frozen=True)
class Sample:
    """The probe's footprint after one round."""

    round: int
    seconds: float  # since the probe started
    rss_mb: float  # the probe process's resident memory
    tree_pss_mb: float  # proportional memory of the probe and everything below it
    fds: int  # the probe process's open file descriptors
    tree_fds: int  # ... of the probe and everything below it
    processes: int  # living processes below the probe (drivers, browsers, helpers)
    threads: int  # the probe process's threads
    evidence_mb: float
    tmp_entries: int  # files and folders the probe's processes left in its TMPDIR
    history_mb: float

    def value(self, column: str) -> float:
        """One column's value, by attribute name."""
        return float(getattr(self, column))


@dataclass
class Soak:
    """Samples of one probe process, and the faults injected into it."""

    probe: LiveProbe
    workdir: Path  # holds evidence/ and history.sqlite (``probe_args``' layout)
    tmp: Path  # the probe's TMPDIR
    started: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    injected: dict[int, str] = field(default_factory=dict)  # round → what was done after it

    def sample(self, round_: int) -> Sample:
        """Read the footprint now, as of ``round_``."""
        pid = self.probe.process.pid
        below = [p for pids in children(pid).values() for p in pids]
        taken = Sample(
            round=round_,
            seconds=time.monotonic() - self.started,
            rss_mb=_status(pid, "VmRSS") / 1024,
            tree_pss_mb=sum(_pss_kb(p) for p in [pid, *below]) / 1024,
            fds=_fds(pid),
            tree_fds=sum(_fds(p) for p in [pid, *below]),
            processes=sum(alive(p) for p in below),
            threads=int(_status(pid, "Threads")),
            evidence_mb=_size(self.workdir / "evidence") / 2**20,
            tmp_entries=len(os.listdir(self.tmp)),
            history_mb=_size(self.workdir / "history.sqlite") / 2**20,
        )
        self.samples.append(taken)
        return taken

    def crash_browsers(self, round_: int) -> set[int]:
        """Kill the probe's browsers (the top Chromium processes) now; their PIDs."""
        crashed = browsers(self.probe.process.pid)
        for pid in crashed:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.injected[round_] = f"browser crash ({len(crashed)} browsers killed)"
        return crashed

    def wedge_pages(self, round_: int, for_s: float = 4.0) -> set[int]:
        """Stop (SIGSTOP) every page renderer there is or that appears during the next
        ``for_s`` seconds: the next round's pages hang while their browsers live. Their PIDs."""
        pid = self.probe.process.pid
        stopped: set[int] = set()
        deadline = time.monotonic() + for_s
        while time.monotonic() < deadline:
            for renderer in renderers(pid) - stopped:
                with suppress(ProcessLookupError):
                    os.kill(renderer, signal.SIGSTOP)
                    stopped.add(renderer)
            time.sleep(0.05)  # polling /proc: there is no event for a new process
        self.injected[round_] = f"wedged pages ({len(stopped)} renderers stopped)"
        return stopped

    def at(self, round_: int) -> Sample:
        """The sample taken after ``round_`` (the last one before it if none was)."""
        return max((s for s in self.samples if s.round <= round_), key=lambda s: s.round)

    def slope(self, column: str, after: int) -> float:
        """Least-squares growth of ``column`` per 100 rounds, over rounds after ``after``."""
        points = [(s.round, s.value(column)) for s in self.samples if s.round > after]
        if len(points) < 2:
            return 0.0
        rounds, values = zip(*points, strict=True)
        return float(statistics.linear_regression(rounds, values).slope) * 100


def run_soak(
    probe: LiveProbe,
    workdir: Path,
    tmp: Path,
    rounds: int,
    inject: Mapping[int, Callable[[Soak, int], object]],
    *,
    round_timeout_s: float = 180,
    on_sample: Callable[[Sample, str], None] | None = None,
) -> Soak:
    """Sample ``probe`` after each of ``rounds`` round lines; after round ``n`` run
    ``inject[n](soak, n)`` (a crash, a wedge). ``on_sample(sample, round_line)`` hears of each."""
    soak = Soak(probe, workdir, tmp)
    for n in range(1, rounds + 1):
        line = probe.wait_for(f"round {n} ", round_timeout_s)
        taken = soak.sample(n)
        if on_sample is not None:
            on_sample(taken, line)
        if n in inject:
            inject[n](soak, n)
    return soak


def table(soak: Soak, at: list[int], after: int, *also: int) -> str:
    """The samples at rounds ``at`` and each column's slope per 100 rounds after ``after``
    (and after each of ``also``: a warm-up that ends later shows as a flatter slope)."""
    headings = ["round", *(f"{h} ({u})" if u else h for _, h, u in COLUMNS)]
    widths = [max(len(h), 8) for h in headings]
    rows = [headings]
    for n in at:
        s = soak.at(n)
        rows.append([str(s.round), *(_shown(s.value(c)) for c, _, _ in COLUMNS)])
    for start in (after, *also):
        slopes = [f"{soak.slope(c, start):+.2f}" for c, _, _ in COLUMNS]
        rows.append([f"slope/100 after {start}", *slopes])
    widths[0] = max(len(r[0]) for r in rows)
    return "\n".join("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in rows)


def _shown(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid``."""
    return [p for pids in children(pid).values() for p in pids if alive(p)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def browsers(pid: int) -> set[int]:
    """PIDs of the top Chromium processes (browsers, not their helpers) below ``pid``."""
    found = set()
    for child in descendants(pid):
        parts = _cmdline(child).split(b"\0")
        name = os.path.basename(parts[0].decode(errors="replace")) if parts else ""
        # Chromium's helpers rewrite their command line into one string: search all of it.
        if "chrom" in name and b"--type=" not in b" ".join(parts):
            found.add(child)
    return found


def renderers(pid: int) -> set[int]:
    """PIDs of the page renderer processes below ``pid``."""
    return {p for p in descendants(pid) if b"--type=renderer" in _cmdline(p)}


def _status(pid: int, key: str) -> float:
    """A number from /proc/<pid>/status (kB for memory), 0 when gone."""
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return float(line.split()[1])
    return 0.0


def _pss_kb(pid: int) -> float:
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return float(line.split()[1])
    return 0.0


def _fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total
