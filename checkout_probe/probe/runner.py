"""Runs a round's checkouts in browsers that live as long as the probe.

Each worker is a thread with its own Playwright driver and browser (Playwright's
sync API is per thread), reused across rounds so a round pays for contexts, not
browser starts. A checkout is the same guest journey the suites run
(:func:`flows.journeys.checkout_as_guest`), judged by the same
:class:`~checkout_probe.journey.Journey`; its evidence (failure screenshot,
scrubbed DOM-snapshot trace) is kept only when it fails.

A browser that crashed or disconnected is replaced before the next checkout;
the checkout it was running counts as a harness ``error`` (not a shop failure).
A worker still inside a checkout when the round times out (a wedged browser: a
Playwright call with no timeout of its own, such as closing a context) is retired
and replaced, so one hang never costs later rounds a browser.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from faker import Faker
from playwright.sync_api import Browser, BrowserContext, Playwright, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from checkout_probe.cleanup import clean_up
from checkout_probe.config import Settings
from checkout_probe.context import MASK_SCRIPT, context_options
from checkout_probe.data import TEST_CARDS
from checkout_probe.diagnosis import CheckoutFailure
from checkout_probe.errors import ProbeError
from checkout_probe.journey import Journey
from checkout_probe.network import NetworkRecorder
from checkout_probe.probe.model import ERROR, FAILED, PASSED, CheckoutResult
from checkout_probe.redact import redact
from checkout_probe.remote import open_browser
from checkout_probe.scrub import scrub_file
from checkout_probe.shoppers import make_shopper
from checkout_probe.target import Target
from flows.journeys import checkout_as_guest
from flows.shop_api import OrderApi

log = logging.getLogger(__name__)

HARNESS_ERROR = "harness_error"


@dataclass(frozen=True)
class CheckoutJob:
    """One checkout to run: its Faker seed and where its evidence goes if it fails."""

    seed: int
    evidence_dir: Path


class _Worker(threading.Thread):
    """A thread with its own Playwright and browser, running jobs from a shared queue."""

    def __init__(
        self,
        name: str,
        jobs: queue.Queue[tuple[CheckoutJob, Future[CheckoutResult]] | None],
        run: Callable[[Browser, Faker, CheckoutJob], CheckoutResult],
        settings: Settings,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self._jobs = jobs
        self._run = run
        self._settings = settings
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        #: The checkout this worker is inside, if any (read by the pool on a round timeout).
        self.current: Future[CheckoutResult] | None = None
        #: Set by the pool when the worker hung: it leaves after its current checkout.
        self.retired = threading.Event()

    def run(self) -> None:
        faker = Faker("en_US")
        try:
            while not self.retired.is_set() and (item := self._jobs.get()) is not None:
                job, future = item
                if not future.set_running_or_notify_cancel():
                    continue
                self.current = future
                try:
                    future.set_result(self._checkout(job, faker))
                except BaseException as exc:  # the round must hear of every checkout
                    log.exception("checkout worker %s failed", self.name)
                    future.set_result(_error(f"harness error: {type(exc).__name__}: {exc}"))
                finally:
                    self.current = None
        finally:
            self._close()

    def _checkout(self, job: CheckoutJob, faker: Faker) -> CheckoutResult:
        try:
            browser = self._ensure_browser()
        except ProbeError as exc:
            return _error(f"no browser: {exc}")
        except PlaywrightError as exc:
            return _error(f"no browser: {_first_line(str(exc))}")
        result = self._run(browser, faker, job)
        if not browser.is_connected():
            # The browser died under the checkout: whatever it saw says nothing about the shop.
            self._close()
            return _error(
                f"the browser crashed or disconnected during the checkout ({result.message})"
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


def _error(message: str) -> CheckoutResult:
    return CheckoutResult(ERROR, HARNESS_ERROR, None, redact(message))


class CheckoutPool:
    """``workers`` browsers that run checkouts of one target until :meth:`close`."""

    def __init__(self, settings: Settings, target: Target, workers: int) -> None:
        self.settings = settings
        self.target = target
        self._jobs: queue.Queue[tuple[CheckoutJob, Future[CheckoutResult]] | None] = queue.Queue()
        # The journeys' expect() calls wait as long as any page action may.
        expect.set_options(timeout=settings.action_timeout_ms)
        self._started = 0
        self._workers = [self._start_worker() for _ in range(workers)]

    def _start_worker(self) -> _Worker:
        self._started += 1
        worker = _Worker(f"checkout-{self._started}", self._jobs, self._run_checkout, self.settings)
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

    def run(self, jobs: list[CheckoutJob], timeout_s: float) -> list[CheckoutResult]:
        """Run ``jobs`` in parallel; a checkout unfinished after ``timeout_s`` counts as failed."""
        futures: list[Future[CheckoutResult]] = []
        for job in jobs:
            future: Future[CheckoutResult] = Future()
            self._jobs.put((job, future))
            futures.append(future)
        deadline = time.monotonic() + timeout_s
        results = []
        for future in futures:
            try:
                results.append(future.result(timeout=max(deadline - time.monotonic(), 0.0)))
            except FutureTimeout:
                if future.done():  # finished just as the time ran out
                    results.append(future.result())
                    continue
                if not future.cancel():  # a queued one is dropped; a running one is stuck
                    self._replace_worker_in(future)
                results.append(
                    CheckoutResult(
                        FAILED, "slow", None,
                        f"the checkout did not finish within the round timeout ({timeout_s:.0f} s)",
                    )
                )  # fmt: skip
        return results

    def close(self, timeout_s: float = 30.0) -> None:
        """Stop the workers after their current checkout and close their browsers."""
        while True:  # drop queued checkouts: a stopping probe does not start new ones
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[1].cancel()
        for _ in self._workers:
            self._jobs.put(None)
        deadline = time.monotonic() + timeout_s
        for worker in self._workers:
            worker.join(max(deadline - time.monotonic(), 0.1))

    def _run_checkout(self, browser: Browser, faker: Faker, job: CheckoutJob) -> CheckoutResult:
        settings, target = self.settings, self.target
        faker.seed_instance(job.seed)
        shopper = make_shopper(
            faker, job.seed, settings.email_domain, settings.environment.shopper_password
        )
        secrets = settings.secrets() + target.secrets() + (shopper.password,)
        context = browser.new_context(**context_options(settings, target.base_url, browser.version))
        context.add_init_script(MASK_SCRIPT)
        context.tracing.start(snapshots=True, screenshots=False, sources=False)
        recorder = NetworkRecorder(secrets=secrets)
        recorder.attach(context)
        page = context.new_page()
        page.set_default_timeout(settings.action_timeout_ms)
        journey = Journey(page, recorder, target, settings, artifacts_dir=job.evidence_dir)
        orders = OrderApi(target.base_url, target.api_token) if target.api_token else None
        outcome, category, step, message = PASSED, None, None, ""
        try:
            checkout_as_guest(journey, shopper, TEST_CARDS["approved"], orders=orders)
        except CheckoutFailure as failure:
            diagnosis = failure.diagnosis
            outcome, category, step = FAILED, str(diagnosis.category), diagnosis.evidence.step
            message = redact(str(failure), secrets)
        except pytest.skip.Exception:
            pass  # stopped before charging (production without opt-in): the rest passed
        finally:
            if orders is not None:
                orders.close()
        evidence = list(journey.artifacts)
        if outcome == FAILED:
            evidence += _keep_trace(context, job.evidence_dir, secrets)
        else:
            _stop_tracing(context)
        with suppress(PlaywrightError):  # the browser went away; the worker replaces it
            context.close()
        if journey.created:
            failed = [
                r for r in clean_up(target, settings.environment, journey.created) if not r.ok
            ]
            for r in failed:
                log.warning("cleanup of %s %s failed: %s", r.kind, r.key, r.detail)
        return CheckoutResult(outcome, category, step, message, _durations(journey), evidence)


def _durations(journey: Journey) -> dict[str, float]:
    # Steps sharing a key ("add to cart" per item) add up: the step as the shopper lives it.
    durations: dict[str, float] = {}
    for step in journey.steps:
        if step.status in ("passed", "failed"):
            durations[step.key] = durations.get(step.key, 0.0) + step.duration_s
    return durations


def _stop_tracing(context: BrowserContext) -> None:
    with suppress(PlaywrightError):
        context.tracing.stop()


def _keep_trace(context: BrowserContext, folder: Path, secrets: tuple[str, ...]) -> list[str]:
    """Save the failed checkout's trace, scrubbed; on a full disk keep nothing, say so."""
    path = folder / "trace.zip"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        context.tracing.stop(path=str(path))
        scrub_file(path, secrets)
    except (OSError, PlaywrightError) as exc:
        log.warning("could not keep the trace of a failed checkout in %s: %s", folder, exc)
        try:
            path.unlink(missing_ok=True)  # a half-written trace may hold unscrubbed text
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
        return []
    return [str(path)]


def job_seed(run_seed: int, round_number: int, index: int) -> int:
    """A checkout's Faker seed: reproducible from the run seed, unique per round and slot."""
    return run_seed * 1_000_003 + zlib.crc32(f"{round_number}/{index}".encode())
