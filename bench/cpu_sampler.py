"""CPU seconds spent by each kind of process while a block runs (Chromium's renderers, its
browser process, Playwright's driver, the demo shop, the probe), read from /proc.

Processes are sampled every 0.2 s and each one's last reading counts, so a process that
lives less than that between samples is missed: good enough to say where a checkout's CPU
goes, not an exact account.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HZ = os.sysconf("SC_CLK_TCK")
#: Command-line fragments → kind, the first that matches.
KINDS = (
    (b"--type=renderer", "Chromium renderers"),
    (b"--type=gpu-process", "Chromium GPU"),
    (b"--type=utility", "Chromium utilities"),
    (b"--type=zygote", "Chromium zygotes"),
    (b"chrom", "Chromium browser"),
    (b"run-driver", "Playwright driver"),
    (b"checkout-probe probe", "probe"),
    (b" shop ", "demo shop"),
    (b"--raw", "bare script"),
)


@contextmanager
def cpu_by_kind() -> Iterator[dict[str, float]]:
    """``{kind: CPU seconds}`` the processes spent inside the block (filled at exit); one
    running before it counts from its first sample (the demo shop serving the checkouts)."""
    first: dict[int, float] = {}  # each process's CPU seconds when first seen
    seen: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample() -> None:
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            kind = next((k for fragment, k in KINDS if fragment in cmdline), None)
            if kind is not None:
                pid, seconds = int(entry.name), (int(fields[11]) + int(fields[12])) / _HZ
                first.setdefault(pid, 0.0 if pid not in before else seconds)
                seen[pid] = (kind, seconds)

    def loop() -> None:
        while not done.wait(0.2):
            sample()

    before = {int(e.name) for e in Path("/proc").glob("[0-9]*")}  # their CPU so far is not ours
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    totals: dict[str, float] = {}
    try:
        yield totals
    finally:
        done.set()
        thread.join()
        for pid, (kind, seconds) in seen.items():
            totals[kind] = totals.get(kind, 0.0) + seconds - first[pid]
