"""SIGTERM/SIGINT for the long-running probe: finish the round, or (twice) cut it short.

The handler takes no lock. Python runs signal handlers in the main thread between
bytecodes, so a handler calling ``threading.Event.set()`` while the main thread is
inside ``Event.wait()`` (holding the event's lock) deadlocks the probe for ever.
The handler therefore only counts and writes a byte to a pipe (the self-pipe
trick); :meth:`Stop.wait` sleeps in ``select()`` on that pipe.
"""

from __future__ import annotations

import os
import select
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import FrameType


class Cut(Exception):
    """A second SIGTERM/SIGINT: abandon the round in progress (nothing of it is stored)."""


def _pipe() -> tuple[int, int]:
    # Non-blocking: a burst of signals must never block the handler on a full pipe.
    return os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)


@dataclass
class Stop:
    """Set by the first SIGTERM/SIGINT; the second one cuts the round short."""

    signals: int = 0
    _pipe: tuple[int, int] = field(default_factory=_pipe, repr=False)

    def is_set(self) -> bool:
        """Whether a stop was asked for."""
        return self.signals > 0

    def wait(self, timeout_s: float) -> bool:
        """Sleep up to ``timeout_s`` or until a stop signal; whether a stop was asked for."""
        if self.signals == 0 and timeout_s > 0:
            # A signal landing between the check and select() leaves a byte: select returns.
            select.select([self._pipe[0]], [], [], timeout_s)
        return self.is_set()

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """The signal handler: count, wake :meth:`wait`; raise :class:`Cut` on the second signal."""
        self.signals += 1
        with suppress(BlockingIOError):  # the pipe is full: wait() will wake anyway
            os.write(self._pipe[1], b"\0")
        if self.signals == 1:
            # os.write, not logging or print: the signal may land inside a print().
            name = signal.Signals(signum).name
            os.write(2, f"{name}: finishing the current round, then stopping "
                        "(again to cut it short)\n".encode())  # fmt: skip
            return
        raise Cut()

    def close(self) -> None:
        """Close the pipe."""
        for fd in self._pipe:
            with suppress(OSError):
                os.close(fd)


@contextmanager
def handling_signals(stop: Stop) -> Iterator[None]:
    """Route SIGTERM and SIGINT to ``stop`` inside the block; restore the old handlers after."""
    previous = {s: signal.signal(s, stop.handle) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        stop.close()
