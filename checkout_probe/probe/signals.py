"""SIGTERM/SIGINT for the long-running probe: finish the round, or (twice) cut it short."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType


class Cut(Exception):
    """A second SIGTERM/SIGINT: abandon the round in progress (nothing of it is stored)."""


@dataclass
class Stop:
    """Set by the first SIGTERM/SIGINT; the second one cuts the round short."""

    event: threading.Event = field(default_factory=threading.Event)
    signals: int = 0

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """The signal handler: set the event; raise :class:`Cut` on the second signal."""
        self.signals += 1
        self.event.set()
        if self.signals == 1:
            # os.write, not logging or print: the signal may land inside a print().
            name = signal.Signals(signum).name
            os.write(2, f"{name}: finishing the current round, then stopping "
                        "(again to cut it short)\n".encode())  # fmt: skip
            return
        raise Cut()


@contextmanager
def handling_signals(stop: Stop) -> Iterator[None]:
    """Route SIGTERM and SIGINT to ``stop`` inside the block; restore the old handlers after."""
    previous = {s: signal.signal(s, stop.handle) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
