"""A journey: named, timed steps on one page, each judged on its own evidence.

Modelled on synthetic-monitoring journeys: a step records its status, duration
and URL; the first failed step raises a :class:`CheckoutFailure` whose message
is a diagnosis, and the steps after it never run. A step that expects success
also fails on any response >= 500 or uncaught page error it caused, on running
over its time budget (without hiding a real error in the same step), and where
the environment asks, on its web vitals and its pages' accessibility (:mod:`.accessibility`).
Each step is a span of the checkout's W3C trace, an Allure step, and a group of
its Playwright trace (:mod:`.trace_groups`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import allure
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from checkout_probe.basics.redact import redact_exception
from checkout_probe.checkout.accessibility import AxeChecker
from checkout_probe.checkout.amounts import PageAmounts
from checkout_probe.checkout.context import page_locale
from checkout_probe.checkout.network import NetworkRecorder
from checkout_probe.checkout.page_waits import PageWaits
from checkout_probe.checkout.step_accessibility import StepAccessibility, failure_message
from checkout_probe.checkout.step_failure import diagnose_step
from checkout_probe.checkout.step_vitals import StepVitals
from checkout_probe.checkout.trace_groups import step_group
from checkout_probe.checkout.tracecontext import CheckoutTrace
from checkout_probe.checkout.vitals import VitalsRecorder
from checkout_probe.diagnosis import CheckoutFailure, Diagnosis
from checkout_probe.evidence.record import StepRecord
from checkout_probe.settings.baseline import Baseline
from checkout_probe.settings.config import Settings
from checkout_probe.shop.data import TestCard
from checkout_probe.shop.orders import Created, ReadBackUnavailable
from checkout_probe.shop.pricing import CartItem, ExpectedOrder
from checkout_probe.target import Target

#: The engine's own step after every journey (:mod:`checkout_probe.checkout.stored_orders`);
#: projects need not declare it in ``Shop.steps``.
STORED_ORDERS = "stored orders"
ENGINE_STEPS = frozenset({STORED_ORDERS})


class CheckoutCut(Exception):
    """The run that owns this checkout cut it (the probe's round timeout): it stops before its
    next step, which never starts, so its evidence says nothing about the shop."""


class StepProblem(AssertionError):
    """A step body finished but left evidence of failure (5xx, page error)."""


class SlowerThanUsual(AssertionError):
    """A step finished within its budget but far slower than its baseline (the message says)."""


class VitalsOverBudget(SlowerThanUsual):
    """A step's web vitals were over their budgets, in a step the environment fails for it."""


class AccessibilityViolations(AssertionError):
    """A step's pages had accessibility violations of the impact its environment fails."""


class Journey(PageWaits):
    """Runs the steps of one checkout on ``page``; see the module docstring (its waits for
    the page a step expects: :class:`~checkout_probe.checkout.page_waits.PageWaits`)."""

    def __init__(
        self,
        page: Page,
        recorder: NetworkRecorder,
        target: Target,
        settings: Settings,
        artifacts_dir: Path | None = None,
        baseline: Baseline | None = None,
        name: str = "checkout",
        vitals: VitalsRecorder | None = None,
        shopper_locale: str | None = None,
        axe: AxeChecker | None = None,
    ) -> None:
        self.page = page
        money = settings.shop.money
        #: The locale the pages were asked in (``"de_DE"``: the shopper's, or the
        #: environment's pin); None: the checkout has no shopper's locale.
        self.locale = page_locale(settings, shopper_locale).babel if shopper_locale else None
        #: Reads the amounts the pages show, in the shop's money as the page's locale writes
        #: it, and keeps them for the record (None: the shop declares no ``Shop.money``).
        self.money = (
            PageAmounts(money.for_locale(self.locale) if self.locale else money)
            if money is not None
            else None
        )
        #: The accessibility of the checkout's pages, by step (None: not checked).
        self.a11y = StepAccessibility(axe, settings.a11y_fail) if axe is not None else None
        #: The web vitals of the checkout's pages, by step (None: not measured).
        self.vitals = StepVitals(vitals, settings.vital_budgets) if vitals is not None else None
        #: The checkout's W3C trace: every request of a step carries the step's span.
        self.trace = CheckoutTrace(name, settings.run_id, settings.env)
        #: Each step's usual time; None: steps are judged by their budgets only.
        self.baseline = baseline if baseline is not None else settings.baseline
        self.artifacts_dir = artifacts_dir
        #: Files this journey wrote (the failure screenshot), for the run summary.
        self.artifacts: list[str] = []
        #: What the journey created in the shop, for cleanup after the test.
        self.created: list[Created] = []
        self.recorder = recorder
        self.target = target
        self.settings = settings
        self.steps: list[StepRecord] = []
        self.diagnosis: Diagnosis | None = None
        #: Steps that could not be done here (no read-back possible), with why.
        self.not_done: list[str] = []
        #: The card the shopper entered (:meth:`pays_with`): the charge must be on it, and
        #: a card whose test outcome is a refusal must take no money.
        self.card: TestCard | None = None
        #: Set by the run to stop the checkout before its next step (:class:`CheckoutCut`).
        self.cut: threading.Event | None = None

    @property
    def shop_version(self) -> str | None:
        """The shop version from the latest response carrying ``Shop.version_header``."""
        return self.recorder.shop_version

    @contextmanager
    def step(self, key: str, title: str | None = None) -> Iterator[StepRecord]:
        """Run one named step; ``key`` names it in budgets and summaries, ``title`` in reports."""
        __tracebackhide__ = True
        if self.cut is not None and self.cut.is_set():
            done = sum(1 for s in self.steps if s.status == "passed")
            raise CheckoutCut(f"cut by the round timeout before step '{key}' ({done} steps done)")
        if self.settings.shop.steps and key not in ENGINE_STEPS:
            # A step the shop does not declare has no budget and is most likely a typo.
            self.settings.shop.check_step(key, f"journey.step({key!r})")
        record = StepRecord(key, title or key)
        self.steps.append(record)
        budget = self.settings.budget_for(key)
        self.recorder.step = key
        mark = self.recorder.mark()
        started = time.perf_counter()
        index = len(self.steps) - 1
        # The trace group is outermost, so the failed step's evidence (its screenshot, the
        # bodies of its failing requests) is read inside the step it belongs to.
        with step_group(self.page, key), self.trace.step(key) as span, allure.step(record.title):
            record.span_id = span.span_id
            if self.vitals is not None:
                self.vitals.started(index)
            if self.a11y is not None:
                self.a11y.started(self.page, record, on_page=key not in ENGINE_STEPS)
            self._send_trace_context()
            try:
                yield record
                self._raise_on_problems(mark)
            except CheckoutFailure:
                record.status = "failed"
                self._end_a11y(record, passed=False)
                raise
            except ReadBackUnavailable as exc:
                # The shopper's part is done; only the read-back could not be: say so,
                # and let the checkout go on (it is not skipped, nor failed for it).
                record.status = "not done"
                record.duration_s = self._elapsed(started)
                self._read_vitals(index, record)
                self._end_a11y(record, passed=False)
                self.not_done.append(f"step '{record.key}': {exc}")
                allure.attach(str(exc), "read-back not done", allure.attachment_type.TEXT)
                return
            except Exception as exc:
                record.duration_s = self._elapsed(started)
                record.status = "failed"
                record.url = self._url()
                self._read_vitals(index, record, now=True)
                self._end_a11y(record, passed=False)
                self._fail(record, exc, mark, budget)
            record.duration_s = self._elapsed(started)
            record.url = self._url()
            self._read_vitals(index, record)
            self._end_a11y(record, passed=True)  # after its time: axe's is not the shop's
            if record.duration_s > budget:
                record.status = "failed"
                self._fail(record, None, mark, budget)
            slow = self._slower_than_usual(record)
            if slow:
                record.status = "failed"
                self._fail(record, SlowerThanUsual(slow), mark, budget)
            if self.vitals is not None and self.vitals.fails(record):
                record.status = "failed"
                breaches = "; ".join(record.vital_breaches)
                self._fail(
                    record,
                    VitalsOverBudget(f"web vitals over budget: {breaches}"),
                    mark,
                    budget,
                )
            failing = self.a11y.failing(record) if self.a11y is not None else []
            if failing:
                record.status = "failed"
                self._fail(record, AccessibilityViolations(failure_message(failing)), mark, budget)
            record.status = "passed"

    def _elapsed(self, started: float) -> float:
        # The step's time as the shopper lives it: the harness's axe runs in it are not.
        spent = self.a11y.spent_in_step() if self.a11y is not None else 0.0
        return time.perf_counter() - started - spent

    def _end_a11y(self, record: StepRecord, *, passed: bool) -> None:
        if self.a11y is not None:
            self.a11y.ended(self.page, record, passed)

    def _page_shown(self) -> None:
        if self.a11y is not None:
            self.a11y.page_shown(self.page)

    def _read_vitals(self, index: int, record: StepRecord, now: bool = False) -> None:
        # The step's end is marked; its page is read now only where its verdict (or its
        # failure's evidence) needs it, else once the checkout is over (finish_vitals).
        if self.vitals is not None:
            self.vitals.ended(self.page, index, record, read_now=now)

    def finish_vitals(self) -> None:
        """After the last step: the final values of every step's vitals, and the page it
        ended on given to it (accessibility)."""
        if self.vitals is not None:
            self.vitals.finish(self.page, self.steps)
        if self.a11y is not None:
            self.a11y.finish()

    def _send_trace_context(self) -> None:
        # The page's extra headers are merged with the context's (the synthetic-traffic
        # header stays); one call per step, so the step's requests carry its span.
        with suppress(PlaywrightError):  # a closed page sends nothing more anyway
            self.page.set_extra_http_headers(self.trace.headers())

    def _slower_than_usual(self, record: StepRecord) -> str | None:
        if self.baseline is None:
            return None
        # The step as the shopper lives it: its repeats so far ("add to cart" per item) add up.
        earlier = sum(
            s.duration_s for s in self.steps[:-1] if s.key == record.key and s.status == "passed"
        )
        return self.baseline.slower_than_usual(record.key, earlier + record.duration_s)

    def before_charging(self, step: str) -> None:
        """Call before ``step``, the one that charges: skips the test where orders are not allowed.

        In production (unless allowed and opted into) a checkout stops here, at
        the last step before charging, and the report says why.
        """
        __tracebackhide__ = True
        reason = self.settings.order_block_reason
        if reason:
            self.steps.append(StepRecord(step, step, status="skipped"))
            allure.attach(reason, "stopped before charging", allure.attachment_type.TEXT)
            pytest.skip(f"stopped before charging: {reason}")

    def pays_with(self, card: TestCard) -> None:
        """Say which card the shopper enters (call it in the payment step): the engine's
        read-back checks the charge was taken from it, and that a card whose test outcome
        is a refusal took no money and made no order."""
        self.card = card

    def note_not_done(self, what: str) -> None:
        """Record, once, a check that could not be done here (shown in every report)."""
        if what not in self.not_done:
            self.not_done.append(what)

    def remember(self, kind: str, key: str) -> None:
        """Record that the journey created something (``order``, ``account``) to clean up."""
        if Created(kind, key) not in self.created:
            self.created.append(Created(kind, key))

    def forget(self, kind: str, key: str) -> None:
        """Drop something remembered by mistake (an order number that was not this shopper's),
        so cleanup never removes what another shopper made."""
        self.created = [c for c in self.created if c != Created(kind, key)]

    def expect_order(self, items: Sequence[CartItem], shipping_method: str) -> ExpectedOrder | None:
        """What buying ``items`` must cost, by the shop's declared pricing (None: it declares
        none, and the order is only compared between pages)."""
        pricing = self.settings.shop.pricing
        return pricing.expect(items, shipping_method) if pricing is not None else None

    def _raise_on_problems(self, mark: int) -> None:
        server_errors = [
            r for r in self.recorder.failed_requests_since(mark, min_status=500) if r.status
        ]
        page_errors = self.recorder.page_errors_since(mark)
        if server_errors or page_errors:
            what = [r.describe() for r in server_errors] + page_errors
            raise StepProblem("; ".join(what))

    def _url(self) -> str | None:
        try:
            return self.page.url
        except PlaywrightError:
            return None

    def _fail(
        self, record: StepRecord, exc: BaseException | None, mark: int, budget: float
    ) -> None:
        __tracebackhide__ = True
        if exc is not None:  # its text reaches the diagnosis and, chained, every report
            redact_exception(exc, self.recorder.secrets)
        self.diagnosis, text = diagnose_step(self, record, exc, mark, budget)
        raise CheckoutFailure(self.diagnosis, text) from exc
