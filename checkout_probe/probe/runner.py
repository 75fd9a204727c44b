"""Runs a round's checkouts in browsers that live as long as the probe.

Each worker (:mod:`~checkout_probe.probe.worker`) is a thread with its own Playwright
driver and browser (Playwright's sync API is per thread), reused across rounds so a round
pays for contexts, not browser starts. What one checkout does is
:func:`checkout_probe.probe.checkout.run_checkout`.

A browser that crashed or disconnected is replaced before the next checkout; the
checkout it was running counts as a harness ``error`` (not a shop failure), and ends at
once: the pool watches for browsers that died under a checkout and stops their drivers.
A worker still inside a checkout when the round times out (a wedged browser: a
Playwright call with no timeout of its own, such as closing a context) is retired
and replaced, so one hang never costs later rounds a browser, and its driver and
browser are killed (:mod:`~checkout_probe.probe.worker_driver`), so it costs no memory
or processes after it either.

The checkouts of one :meth:`CheckoutPool.run` (a round) share one
:class:`~checkout_probe.probe.checkout.RoundTraces`, which says which trace in full.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from functools import partial

from playwright.sync_api import expect

from checkout_probe.checkout import allure_threads
from checkout_probe.checkout.orders_access import SharedOrders
from checkout_probe.probe.checkout import CheckoutJob, RoundTraces, run_checkout
from checkout_probe.probe.model import NOT_RUN, CheckoutResult
from checkout_probe.probe.worker import Queued, Worker, where
from checkout_probe.settings.config import Settings
from checkout_probe.target import Target

log = logging.getLogger(__name__)


#: How often the pool looks for browsers that died under a checkout.
_WATCH_S = 0.5


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
        self._jobs: queue.Queue[Queued | None] = queue.Queue()
        self._traces = RoundTraces(workers if full_traces else 0)  # the current round's
        # The journeys' expect() calls wait as long as any page action may.
        expect.set_options(timeout=settings.action_timeout_ms)
        allure_threads.prepare()  # before the workers' first steps race to build it
        self._started = 0
        self._workers = [self._start_worker() for _ in range(workers)]
        self._closed = threading.Event()
        threading.Thread(target=self._watch, name="checkout-watch", daemon=True).start()

    def _start_worker(self) -> Worker:
        self._started += 1
        run = partial(run_checkout, self.settings, self.target)
        worker = Worker(f"checkout-{self._started}", self._jobs, run, self.settings, self.orders)
        worker.start()
        return worker

    def _replace_worker_in(self, future: Future[CheckoutResult], hung: CheckoutResult) -> None:
        """Retire the worker stuck in ``future``'s checkout and start a fresh one; the
        checkout's result is ``hung`` (what the kill makes of it later is not heard)."""
        for worker in self._workers:
            if worker.current is future:
                with suppress(InvalidStateError):  # it ended just now: that result stands
                    future.set_result(hung)
                worker.retired.set()
                hung_in = where(worker)  # before the kill below unwinds it
                self._workers.remove(worker)
                self._workers.append(fresh := self._start_worker())
                log.warning(
                    "checkout worker %s was still inside a checkout at the round timeout "
                    "(a hung browser?); it is retired and %s takes its place; it hung in:\n%s",
                    worker.name, fresh.name, hung_in,
                )  # fmt: skip
                worker.kill()
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
        cleaned up) and get the longest step budget to do so. One still running then has
        hung: inside a step it has overrun the step's budget (*slow*: the shop's), elsewhere
        it is the browser's (``Whereabouts.hung``); its worker is replaced — once: no queued
        checkout is left for the replacement to take this round."""
        self.cancel_queued()
        for job, future in zip(jobs, futures, strict=True):
            if not future.done():
                job.cut.set()
        grace_s = max(self.settings.step_budgets.values(), default=10.0)
        settle_by = time.monotonic() + grace_s
        for job, future in zip(jobs, futures, strict=True):
            if future.cancelled():
                continue
            try:
                future.result(timeout=max(settle_by - time.monotonic(), 0.0))
            except FutureTimeout:
                self._replace_worker_in(future, _hung(job, timeout_s))
        not_started = sum(f.cancelled() for f in futures)
        cut = sum(j.cut.is_set() for j in jobs) - not_started
        log.info("round timeout %.0f s: %d not started, %d cut", timeout_s, not_started, cut)

    def _watch(self) -> None:
        """Stop the driver of a worker whose browser died under a checkout: Playwright may
        never answer a call in flight to a browser killed mid-call (``new_page`` waits
        forever), so the checkout would hang to the round timeout; with its driver gone the
        call fails at once, and the worker starts a new browser for its next checkout."""
        while not self._closed.wait(_WATCH_S):
            for worker in list(self._workers):
                if worker.current is not None and worker.browser_died():
                    log.warning(
                        "the browser of checkout worker %s died during a checkout; its "
                        "driver is stopped so the checkout ends now", worker.name,
                    )  # fmt: skip
                    worker.kill()

    def close(self, timeout_s: float = 30.0) -> None:
        """Stop the workers after their current checkout and close their browsers."""
        self._closed.set()
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
    return _hung(job, timeout_s)


def _hung(job: CheckoutJob, timeout_s: float) -> CheckoutResult:
    """A checkout still running after the round timeout and its grace: whose fault
    depends on where it hung (``Whereabouts.hung``)."""
    return job.whereabouts.hung(timeout_s, journey=job.journey, device=job.device.name)
