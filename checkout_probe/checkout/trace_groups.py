"""A checkout's Playwright trace, started here, and grouped by journey step.

The trace viewer shows a group (``tracing.group``, Playwright 1.49+) as one line named
after its step, ``step: <the step's name>``, that opens onto the step's actions, so a reader
finds the failed step by name instead of counting clicks. Groups are opened only in a
context whose trace :func:`start_tracing` started: knowing that costs nothing here, where
a group asked of a context that does not trace is a wasted call into the driver at every
step. A group that cannot be opened or closed (the browser went away) never fails the
checkout: the trace it would have grouped is gone with the browser anyway.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

#: Contexts whose trace the harness started; weak, so a closed checkout's context is not kept.
_TRACING: weakref.WeakSet[BrowserContext] = weakref.WeakSet()


def start_tracing(context: BrowserContext, *, snapshots: bool, screenshots: bool) -> None:
    """Start ``context``'s trace: actions and console, with DOM snapshots and the network
    (``snapshots``) and the screencast (``screenshots``) when asked for."""
    context.tracing.start(snapshots=snapshots, screenshots=screenshots, sources=False)
    _TRACING.add(context)


def is_tracing(context: BrowserContext) -> bool:
    """True when :func:`start_tracing` started ``context``'s trace."""
    return context in _TRACING


@contextmanager
def step_group(page: Page, step: str) -> Iterator[None]:
    """Group the trace's actions under ``step: <step>`` until the block ends, however it ends."""
    context = page.context
    opened = False
    if is_tracing(context):
        with suppress(PlaywrightError):
            context.tracing.group(f"step: {step}")
            opened = True
    try:
        yield
    finally:
        # Only a group this block opened is closed: group_end closes the innermost one,
        # which after a failed group() would be someone else's.
        if opened:
            with suppress(PlaywrightError):
                context.tracing.group_end()
