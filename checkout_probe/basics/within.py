"""A call waited for as a whole: the one pattern behind every bounded wait on a remote party.

A library's timeouts bound each connect and each read, not the whole exchange: a webhook,
a Pushgateway, an OTLP collector or an object store that trickles its answer holds its
caller as long as it likes. :func:`call_within` runs the call in a daemon thread and waits
for it until a deadline; past it, ``on_late`` may cut the call short (close its socket), and
the caller goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Late(Exception):
    """The call did not end within its deadline."""


def call_within(
    deadline_s: float, call: Callable[[], T], name: str,
    on_late: Callable[[], object] | None = None,
) -> T:  # fmt: skip
    """``call()``'s result (or its exception, re-raised here) if it ends within
    ``deadline_s``; else ``on_late()`` and :class:`Late`. ``name`` names the thread."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the caller's thread, whatever it is
            failure.append(exc)

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    worker.join(deadline_s)
    if worker.is_alive():
        if on_late is not None:
            on_late()
            worker.join(1.0)  # what on_late cut short ends now, or is abandoned
        raise Late(f"no complete answer within {deadline_s:g} s")
    if failure:
        raise failure[0]
    return outcome[0]
