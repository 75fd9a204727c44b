"""Where a piece of work's time went, by named phase (a probe round, one checkout).

Wall-clock seconds per phase; a phase entered twice adds up. Kept as plain
``{phase: seconds}`` so results carry it across threads and into JSON.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager


class Phases:
    """Seconds per named phase, measured with :meth:`timed`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        """Add the time spent inside the block to ``phase`` (an exception's too)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(phase, time.perf_counter() - started)

    def add(self, phase: str, seconds: float) -> None:
        """Add ``seconds`` measured elsewhere to ``phase``."""
        self.seconds[phase] = self.seconds.get(phase, 0.0) + seconds


def summed(parts: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """The phases of many pieces of work added up, phase by phase, in first-seen order."""
    total: dict[str, float] = {}
    for part in parts:
        for phase, seconds in part.items():
            total[phase] = total.get(phase, 0.0) + seconds
    return total
