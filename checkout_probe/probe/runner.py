"""Runs a round's checkouts in browsers that live as long as the probe.

Each worker is a thread with its own Playwright driver and browser (Playwright's
sync API is per thread), reused across rounds so a round pays for contexts, not
browser starts. What one checkout does is :func:`checkout_probe.probe.checkout.run_checkout`.

A browser that crashed or disconnected is replaced before the next checkout;
the checkout it was running counts as a harness ``error`` (not a shop failure).
A worker still inside a checkout when the round times out (a wedged browser: a
Playwright call with no timeout of its own, such as closing a context) is retired
and replaced, so one hang never costs later rounds a browser.

The checkouts of one :meth:`CheckoutPool.run` (a round) share one
:class:`~checkout_probe.probe.checkout.RoundTraces`, which says which trace in full.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from functools import partial

from playwright.sync_api import Browser, Playwright, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from checkout_probe.basics.errors import ProbeError
from checkout_probe.basics.redact import redact
from checkout_probe.checkout.orders_access import OrderAccess, SharedOrders
from checkout_probe.checkout.remote import open_browser
from checkout_probe.probe.checkout import CheckoutJob, RoundTraces, harness_error, run_checkout
from checkout_probe.probe.model import FAILED, NOT_RUN, CheckoutResult
from checkout_probe.settings.config import Settings
from checkout_probe.shop.shoppers import ShopperFactory
from checkout_probe.target import Target

log = logging.getLogger(__name__)


#: A checkout waiting for a browser: its job, its result to come, its round's traces.
_Queued = tuple[CheckoutJob, Future[CheckoutResult], RoundTraces]


class _Worker(threading.Thread):
    """A thread with its own Playwright and browser, running jobs from a shared queue."""

    def __init__(
        self,
        name: str,
        jobs: queue.Queue[_Queued | None],
        run: Callable[..., CheckoutResult],
        settings: Settings,
        orders: SharedOrders,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self._jobs = jobs
        self._run = run
        self._settings = settings
        self._orders = orders
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
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
                    future.set_result(self._checkout(job, traces, shoppers, orders))
                except BaseException as exc:  # the round must hear of every checkout
                    secrets = self._settings.secrets()
                    message = redact(f"harness error: {type(exc).__name__}: {exc}", secrets)
                    log.error("checkout worker %s failed: %s\n%s", self.name, message,
                              redact(traceback.format_exc(), secrets))  # fmt: skip
                    future.set_result(harness_error(message, job))
                finally:
                    self.current = None
        finally:
            self._close()

    def _checkout(
        self, job: CheckoutJob, traces: RoundTraces, shoppers: ShopperFactory, orders: OrderAccess
    ) -> CheckoutResult:
        try:
            browser = self._ensure_browser()
        except ProbeError as exc:
            return harness_error(f"no browser: {exc}", job)
        except PlaywrightError as exc:
            return harness_error(f"no browser: {_first_line(str(exc))}", job)
        assert self._playwright is not None  # started with the browser
        result = self._run(
            orders, browser, shoppers, job, traces, descriptors=self._playwright.devices
        )
        if not browser.is_connected():
            # The browser died under the checkout: whatever it saw says nothing about the shop.
            self._close()
            return harness_error(
                f"the browser crashed or disconnected during the checkout ({result.message})",
                job,
            )
        return result

    def _ensure_browser(self) -> Browser:
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        self._close()
        self._playwright = sync_playwright().start()
        self._browser = open_browser(self._playwright, self._settings)
        return self._browser

    def _close(self) -> None:
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        if browser is not None:
            with suppress(PlaywrightError):  # already gone
                browser.close()
        if playwright is not None:
            try:
                playwright.stop()
            except Exception:  # a dead driver cannot be stopped cleanly
                log.debug("playwright driver did not stop cleanly", exc_info=True)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


class CheckoutPool:
    """``workers`` browsers that run checkouts of one target until :meth:`close`."""

    def __init__(
        self,
        settings: Settings,
        target: Target,
        workers: int,
        orders: SharedOrders | None = None,
        *,
        full_traces: bool = True,
    ) -> None:
        self.settings = settings
        #: Whether a round's checkouts may trace in full (the probe's rounds: see
        #: ``RoundTraces``), or never (verify's burst: its failures are counted, and the
        #: smoke run's retries show one).
        self._full_traces = full_traces
        self._browsers = workers
        self.target = target
        #: The project's order adapter, one for every worker (see ``orders_access``);
        #: closed with the pool only when the pool made it.
        self.orders = orders or SharedOrders(settings, target)
        self._owns_orders = orders is None
        self._jobs: queue.Queue[_Queued | None] = queue.Queue()
        self._traces = RoundTraces(workers if full_traces else 0)  # the current round's
        # The journeys' expect() calls wait as long as any page action may.
        expect.set_options(timeout=settings.action_timeout_ms)
        self._started = 0
        self._workers = [self._start_worker() for _ in range(workers)]

    def _start_worker(self) -> _Worker:
        self._started += 1
        run = partial(run_checkout, self.settings, self.target)
        worker = _Worker(f"checkout-{self._started}", self._jobs, run, self.settings, self.orders)
        worker.start()
        return worker

    def _replace_worker_in(self, future: Future[CheckoutResult]) -> None:
        """Retire the worker stuck in ``future``'s checkout and start a fresh one."""
        for worker in self._workers:
            if worker.current is future:
                worker.retired.set()
                self._workers.remove(worker)
                self._workers.append(fresh := self._start_worker())
                log.warning(
                    "checkout worker %s was still inside a checkout at the round timeout "
                    "(a hung browser?); it is retired and %s takes its place",
                    worker.name, fresh.name,
                )  # fmt: skip
                return

    def submit(self, job: CheckoutJob) -> Future[CheckoutResult]:
        """Queue one checkout for the next free browser; its result arrives in the future."""
        future: Future[CheckoutResult] = Future()
        self._jobs.put((job, future, self._traces))
        return future

    def cancel_queued(self) -> int:
        """Drop the checkouts no browser has started (their futures are cancelled); how many."""
        dropped = 0
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                return dropped
            if item is None:  # a worker's stop signal: not ours to drop
                self._jobs.put(None)
                return dropped
            dropped += item[1].cancel()

    def run(
        self, jobs: list[CheckoutJob], timeout_s: float,
        on_done: Callable[[int, CheckoutResult], None] | None = None, *,
        after_failures: bool = False,
    ) -> list[CheckoutResult]:  # fmt: skip
        """Run ``jobs``, a round, in parallel within ``timeout_s`` (see :meth:`_at_timeout`);
        ``on_done(index, result)`` hears of each finished one at once (from its worker).
        ``after_failures``: the round before had failures, so every checkout traces in full
        until a failed one has kept its trace."""
        self._traces = RoundTraces(
            self._browsers if self._full_traces else 0,
            all_until_kept=self._full_traces and after_failures,
        )
        futures = [self.submit(job) for job in jobs]
        for index, future in enumerate(futures):
            if on_done is not None:
                future.add_done_callback(partial(_tell, on_done, index))
        deadline = time.monotonic() + timeout_s
        for future in futures:
            try:
                future.result(timeout=max(deadline - time.monotonic(), 0.0))
            except FutureTimeout:
                break
        if not all(f.done() for f in futures):
            self._at_timeout(jobs, futures, timeout_s)
        return [_result(job, future, timeout_s) for job, future in zip(jobs, futures, strict=True)]

    def _at_timeout(
        self, jobs: list[CheckoutJob], futures: list[Future[CheckoutResult]], timeout_s: float
    ) -> None:
        """The round ran out: checkouts no browser started never will (*not run*); running
        ones stop before their next step (*cut*, the harness's capacity, their orders
        cleaned up) and get the longest step budget to do so. One still inside a step then
        has overrun its budget (*slow*: the shop's), and its worker is replaced — once:
        no queued checkout is left for the replacement to take this round."""
        self.cancel_queued()
        for job, future in zip(jobs, futures, strict=True):
            if not future.done():
                job.cut.set()
        grace_s = max(self.settings.step_budgets.values(), default=10.0)
        settle_by = time.monotonic() + grace_s
        for future in futures:
            if future.cancelled():
                continue
            try:
                future.result(timeout=max(settle_by - time.monotonic(), 0.0))
            except FutureTimeout:
                self._replace_worker_in(future)
        not_started = sum(f.cancelled() for f in futures)
        cut = sum(j.cut.is_set() for j in jobs) - not_started
        log.info("round timeout %.0f s: %d not started, %d cut", timeout_s, not_started, cut)

    def close(self, timeout_s: float = 30.0) -> None:
        """Stop the workers after their current checkout and close their browsers."""
        self.cancel_queued()  # a stopping probe does not start new checkouts
        for _ in self._workers:
            self._jobs.put(None)
        deadline = time.monotonic() + timeout_s
        for worker in self._workers:
            worker.join(max(deadline - time.monotonic(), 0.1))
        if self._owns_orders:
            with suppress(Exception):  # the adapter's own connections; nothing to report
                self.orders.close()


def _tell(
    on_done: Callable[[int, CheckoutResult], None], index: int, future: Future[CheckoutResult]
) -> None:
    if not future.cancelled():  # a checkout that never started is said with its round
        on_done(index, future.result())


def _result(job: CheckoutJob, future: Future[CheckoutResult], timeout_s: float) -> CheckoutResult:
    """What became of one job of a round (a future that never ran or never returned
    included)."""
    if future.cancelled():
        return CheckoutResult(
            NOT_RUN, None, None,
            f"not started: the round timeout ({timeout_s:.0f} s) came first", journey=job.journey,
        device=job.device.name,
        )  # fmt: skip
    if future.done():
        return future.result()
    return CheckoutResult(
        FAILED, "slow", None,
        f"still inside a step, over its budget, at the round timeout ({timeout_s:.0f} s)",
        journey=job.journey, device=job.device.name,
    )  # fmt: skip
