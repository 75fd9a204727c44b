"""A checkout worker: a thread with its own Playwright driver and browser, taking a pool's
checkouts one at a time (:class:`~checkout_probe.probe.runner.CheckoutPool`).

Its browser is started at its first checkout and kept across rounds; one that crashed,
disconnected or died while the worker waited is replaced before the next checkout. Its
driver is its own (:mod:`~checkout_probe.probe.worker_driver`), so the pool can stop it
from another thread when the browser died under a call or the worker hung.
"""

from __future__ import annotations

import gc
import logging
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from contextlib import suppress
from dataclasses import replace
from types import FrameType

from greenlet import greenlet
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from checkout_probe.basics.errors import ProbeError
from checkout_probe.basics.redact import redact
from checkout_probe.checkout.orders_access import OrderAccess, SharedOrders
from checkout_probe.checkout.remote import open_browser
from checkout_probe.probe.checkout import CheckoutJob, RoundTraces, harness_error
from checkout_probe.probe.model import CheckoutResult
from checkout_probe.probe.worker_driver import WorkerDriver
from checkout_probe.settings.config import Settings
from checkout_probe.shop.shoppers import ShopperFactory

log = logging.getLogger(__name__)

#: A checkout waiting for a browser: its job, its result to come, its round's traces.
Queued = tuple[CheckoutJob, Future[CheckoutResult], RoundTraces]


class Worker(threading.Thread):
    """A thread with its own Playwright and browser, running jobs from a shared queue."""

    def __init__(
        self,
        name: str,
        jobs: queue.Queue[Queued | None],
        run: Callable[..., CheckoutResult],
        settings: Settings,
        orders: SharedOrders,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self._jobs = jobs
        self._run = run
        self._settings = settings
        self._orders = orders
        self._driver: WorkerDriver | None = None
        self._browser: Browser | None = None
        #: The browser of the last checkout (one it starts is timed as its "browser start").
        self._last: Browser | None = None
        #: The checkout this worker is inside, if any (read by the pool on a round timeout).
        self.current: Future[CheckoutResult] | None = None
        #: Set by the pool when the worker hung: it leaves after its current checkout.
        self.retired = threading.Event()

    def run(self) -> None:
        # Per worker: Faker instances are not to be shared between threads.
        shoppers = ShopperFactory(self._settings.shopper_locales, self._settings.email_domain)
        try:
            while not self.retired.is_set() and (item := self._jobs.get()) is not None:
                job, future, traces = item
                if not future.set_running_or_notify_cancel():
                    continue
                self.current = future
                try:
                    # The process's one adapter: connected at the first checkout that runs.
                    orders = self._orders.get()
                    _settle(future, self._checkout(job, traces, shoppers, orders))
                except BaseException as exc:  # the round must hear of every checkout
                    secrets = self._settings.secrets()
                    message = redact(f"harness error: {type(exc).__name__}: {exc}", secrets)
                    log.error("checkout worker %s failed: %s\n%s", self.name, message,
                              redact(traceback.format_exc(), secrets))  # fmt: skip
                    _settle(future, harness_error(message, job))
                finally:
                    self.current = None
        finally:
            self._close()

    def _checkout(
        self, job: CheckoutJob, traces: RoundTraces, shoppers: ShopperFactory, orders: OrderAccess
    ) -> CheckoutResult:
        started = time.perf_counter()
        try:
            browser = self._ensure_browser()
        except ProbeError as exc:
            return harness_error(f"no browser: {exc}", job)
        except PlaywrightError as exc:
            return harness_error(f"no browser: {_first_line(str(exc))}", job)
        assert self._driver is not None  # started with the browser
        try:
            result_start = time.perf_counter()
            result = self._run(
                orders, browser, shoppers, job, traces, descriptors=self._driver.playwright.devices
            )
        except PlaywrightError as exc:
            if browser.is_connected():
                raise
            # It died under a call (the pool's watch stops the driver of a dead browser).
            self._close()
            why = _first_line(str(exc))
            return harness_error(f"the browser crashed or disconnected ({why})", job)
        if not browser.is_connected():
            # The browser died under the checkout: whatever it saw says nothing about the shop.
            self._close()
            return harness_error(
                f"the browser crashed or disconnected during the checkout ({result.message})",
                job,
            )
        if browser is not self._last:  # this checkout started it
            self._last = browser
            phases = {"browser start": result_start - started, **result.phases}
            return replace(result, phases=phases)
        return result

    def _ensure_browser(self) -> Browser:
        if self._browser is not None and self._browser.is_connected() and not self.browser_died():
            return self._browser
        self._close()
        self._driver = WorkerDriver.start(self.name)
        self._browser = open_browser(self._driver.playwright, self._settings)
        return self._browser

    def browser_died(self) -> bool:
        """Whether this worker's browser, one it launched, has exited though its connection
        may not know yet. (A remote browser's processes are not ours to see.)"""
        driver, launched = self._driver, self._browser is not None
        local = not self._settings.browser_endpoint
        return local and launched and driver is not None and driver.browser_gone()

    def kill(self) -> None:
        """From another thread: kill this worker's driver and browser, so a call it hangs
        in ends (and a wedged browser's processes and memory go now, not never)."""
        if (driver := self._driver) is not None:
            driver.kill()

    def _close(self) -> None:
        browser, self._browser = self._browser, None
        driver, self._driver = self._driver, None
        if browser is not None:
            with suppress(PlaywrightError):  # already gone
                browser.close()
        if driver is not None:
            driver.stop()


def _settle(future: Future[CheckoutResult], result: CheckoutResult) -> None:
    # The pool settles a hung checkout itself at the round timeout; what this worker makes
    # of it afterwards (its driver killed under it) is not heard.
    with suppress(InvalidStateError):
        future.set_result(result)


def where(worker: Worker) -> str:
    """The innermost frames of the call ``worker`` hangs in.

    Playwright's sync API waits in a greenlet of its own: the thread's running frame is its
    event loop, so the worker's own, suspended, frames are found among the greenlets."""
    for candidate in gc.get_objects():
        if isinstance(candidate, greenlet) and _runs_for(candidate.gr_frame, worker):
            return "".join(traceback.format_stack(candidate.gr_frame, limit=-10))
    frame = sys._current_frames().get(worker.ident or -1)
    return "".join(traceback.format_stack(frame, limit=-10)) if frame is not None else "(gone)"


def _runs_for(frame: FrameType | None, worker: Worker) -> bool:
    while frame is not None:
        if frame.f_locals.get("self") is worker:
            return True
        frame = frame.f_back
    return False


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
