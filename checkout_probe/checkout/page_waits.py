"""Waiting for the page a journey step expects: its element, the shop's error, readiness.

A mixin of :class:`~checkout_probe.checkout.journey.Journey`: the waits a project's steps
call (``journey.wait_for_page``, ``journey.wait_for_frame``, ``journey.wait_until_ready``),
each on application state, never on time: an element shown, an error shown (or one that
stays), the shop's own readiness condition, a frame that failed to load.
"""

from __future__ import annotations

import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from checkout_probe.checkout.network import NetworkRecorder
from checkout_probe.settings.config import Settings


class PageWaits:
    """The waits of a journey on its page; see the module docstring."""

    page: Page
    settings: Settings
    recorder: NetworkRecorder

    def wait_for_page(self, expected: Locator, what: str) -> None:
        """Wait for ``expected``, or for the shop to show an error, whichever comes first;
        then until the page is interactive (``Shop.ready``).

        The error is whatever ``Shop.errors.shown`` finds; failing as soon as one stays
        keeps a broken step from waiting out the whole action timeout. A page that
        re-renders is re-checked, never misread: an expected element that went away again
        (placeholders while the shop saves) is waited for again, and a message that goes
        away within ``Shop.errors.settle_s`` while the expected page comes is no failure.
        """
        __tracebackhide__ = True
        errors = self.settings.shop.errors
        problem = errors.shown(self.page)
        deadline = time.monotonic() + self.settings.action_timeout_ms / 1000
        while True:
            left_ms = max((deadline - time.monotonic()) * 1000, 1.0)
            expect(expected.or_(problem).first, f"the shop shows {what}").to_be_visible(
                timeout=left_ms
            )
            if expected.first.is_visible() or self._comes_after_all(expected, errors.settle_s):
                self.wait_until_ready(deadline)
                self._page_shown()
                return
            try:
                shown = " ".join(problem.first.inner_text(timeout=1_000).split())
            except PlaywrightError:
                continue  # the page re-rendered under us: look again
            if problem.first.is_visible():
                raise AssertionError(f"expected {what}, the page showed {shown!r}")

    def _page_shown(self) -> None:
        """The page waited for is shown (the journey checks its accessibility)."""

    def _comes_after_all(self, expected: Locator, settle_s: float) -> bool:
        """The expected element appears within ``settle_s`` after all (a passing notice)."""
        if settle_s <= 0:
            return False
        try:
            expect(expected.first).to_be_visible(timeout=settle_s * 1000)
        except AssertionError:
            return False
        return True

    def wait_until_ready(self, deadline: float | None = None) -> None:
        """Wait until the page is interactive by the shop's ``Shop.ready`` condition (a
        server-rendered page whose scripts have taken over): typing and clicks before
        that are lost. Call it after an action that re-renders the page without a
        navigation; ``wait_for_page`` calls it for every page it waits for."""
        __tracebackhide__ = True
        if deadline is None:
            deadline = time.monotonic() + self.settings.action_timeout_ms / 1000
        left_ms = max((deadline - time.monotonic()) * 1000, 1.0)
        ready = self.settings.shop.ready
        try:
            self.page.wait_for_function(ready, timeout=left_ms)
        except PlaywrightTimeoutError:
            raise AssertionError(
                f"the page never became interactive (Shop.ready: {ready!r} stayed false)"
            ) from None

    def wait_for_frame(self, expected: Locator, what: str) -> None:
        """Wait for ``expected`` inside a frame of the page (a payment provider's form).

        A frame whose document failed to load (a 404 for the provider's form) fails the
        wait at once, named as such, instead of after the whole action timeout.
        """
        __tracebackhide__ = True
        deadline = time.monotonic() + self.settings.action_timeout_ms / 1000
        while True:
            broken = self.recorder.failed_frames()
            if broken:
                raise AssertionError(f"{what} did not load: {broken[0].describe()}")
            try:
                # Short waits, so a frame that fails while we wait is noticed within one.
                expect(expected, f"the page shows {what}").to_be_visible(timeout=250)
                return
            except AssertionError:
                if time.monotonic() >= deadline:
                    raise
