"""One checkout, assembled in one place for the pytest fixtures and the probe alike.

A checkout is a browser context that carries the run's synthetic-traffic marks
and masks card and password fields in every frame, records a Playwright trace
grouped by step, has a network recorder judging each step, and a :class:`Journey`
on a page; afterwards, whatever it created in the shop is cleaned up through
the project's order adapter, and what it did becomes a typed record.
Who creates the context differs (pytest-playwright's ``new_context`` for the
suites, a long-lived browser for the probe); everything after that is here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

from checkout_probe.checkout.a11y_findings import FINDINGS
from checkout_probe.checkout.accessibility import AxeChecker
from checkout_probe.checkout.context import MASK_SCRIPT, context_options
from checkout_probe.checkout.devices import descriptor_options, emulate
from checkout_probe.checkout.journey import Journey
from checkout_probe.checkout.network import NetworkRecorder
from checkout_probe.checkout.orders_access import OrderAccess
from checkout_probe.checkout.stored_orders import settle_orders
from checkout_probe.checkout.trace_groups import start_tracing
from checkout_probe.checkout.vitals import VitalsRecorder
from checkout_probe.checks.cleanup import clean_up
from checkout_probe.evidence.record import CheckoutRecord
from checkout_probe.settings.baseline import Baseline
from checkout_probe.settings.config import Settings
from checkout_probe.shop.data import Shopper
from checkout_probe.shop.orders import CleanupResult
from checkout_probe.target import Target


def new_context(
    browser: Browser,
    settings: Settings,
    target: Target,
    descriptors: Mapping[str, Mapping[str, Any]],
    shopper_locale: str | None = None,
) -> BrowserContext:
    """A context of ``browser`` for one checkout of ``target`` on ``settings.device`` (the
    probe's; pytest has its own), its descriptor one of ``descriptors`` (Playwright's), in the
    locale and time zone of a shopper of ``shopper_locale``."""
    device = descriptor_options(settings.device, descriptors)
    return browser.new_context(
        **context_options(
            settings, target.base_url, browser.version, device, shopper_locale=shopper_locale
        )
    )


def prepare_context(
    context: BrowserContext, *, tracing: bool, snapshots: bool = False, screenshots: bool = False
) -> None:
    """Mask sensitive fields in every frame; with ``tracing``, start a Playwright trace whose
    actions the journey groups by step (:mod:`.trace_groups`).

    The trace holds every action (its locator, timing and log) and the console; the
    diagnosis already keeps every failing request of the checkout, and the failure
    screenshot the page. A DOM snapshot at every action, with the network and its
    bodies that Playwright records alongside (``snapshots``), costs about a sixth more
    time per checkout, a screencast (``screenshots``) more again (bench/checkout_bench.py):
    both are asked for where a trace is likely to be kept (the probe's round until a
    failure kept one, a retried test), not paid on every run.
    """
    context.add_init_script(MASK_SCRIPT)
    if tracing:
        start_tracing(context, snapshots=snapshots, screenshots=screenshots)


@dataclass
class Checkout:
    """One checkout's page, recorder and journey; see the module docstring."""

    page: Page
    recorder: NetworkRecorder
    journey: Journey
    secrets: tuple[str, ...]
    #: The project's order adapter, or why there is none (read-back and cleanup).
    orders: OrderAccess
    finished: bool = False
    settled: bool = False

    def settle(self, shoppers: Sequence[Shopper], failure: BaseException | None) -> None:
        """After the journey body (once): the engine's ``stored orders`` step
        (:mod:`.stored_orders`); raises its diagnosed failure."""
        if self.settled:
            return
        self.settled = True
        settle_orders(self.journey, self.orders.adapter, shoppers, failure)

    def finish(self) -> None:
        """After the journey (once; again is a no-op): the steps' web vitals and
        accessibility, and the end of the checkout's trace (failed when a step failed)."""
        if self.finished:
            return
        self.finished = True
        self.journey.finish_vitals()
        self.journey.trace.end(failed=self.journey.diagnosis is not None)

    def clean_up(self) -> list[CleanupResult]:
        """Remove what the journey created; one result per item, failures included (an
        order still in the shop after its cleanup among them)."""
        if not self.journey.created:
            return []
        life = self.journey.settings.shop.order_life
        return clean_up(self.orders.adapter, self.journey.created, self.orders.unavailable, life)


def open_checkout(
    context: BrowserContext,
    settings: Settings,
    target: Target,
    *,
    artifacts_dir: Path | None,
    orders: OrderAccess,
    page: Page | None = None,
    secrets: tuple[str, ...] = (),
    baseline: Baseline | None = None,
    name: str = "checkout",
    shopper_locale: str | None = None,
) -> Checkout:
    """Attach a recorder to ``context`` and start a journey on ``page`` (a new one if None);
    ``baseline`` (the probe's, from its history) replaces the run's ``--baseline``;
    ``name`` (the test's or the probe journey's) names the checkout's trace;
    ``shopper_locale`` (the shopper's, as its context was made) the locale its pages'
    amounts are read in."""
    all_secrets = settings.secrets() + target.secrets() + secrets
    recorder = NetworkRecorder(
        secrets=all_secrets,
        version_header=settings.shop.version_header,
        first_party=target.base_url,
        ignore=target.origins.ignore,
    )
    recorder.attach(context)
    vitals = VitalsRecorder() if settings.web_vitals else None
    if vitals is not None:
        vitals.attach(context)
    page = page or context.new_page()
    emulate(context, page, settings.device)
    page.set_default_timeout(settings.action_timeout_ms)
    journey = Journey(
        page,
        recorder,
        target,
        settings,
        artifacts_dir=artifacts_dir,
        baseline=baseline,
        name=name,
        vitals=vitals,
        shopper_locale=shopper_locale,
        axe=AxeChecker(all_secrets, lambda: recorder.shop_version, FINDINGS)
        if settings.accessibility
        else None,
    )
    return Checkout(page, recorder, journey, all_secrets, orders)


def journey_record(
    name: str,
    outcome: str,
    journey: Journey | None,
    *,
    failure: BaseException | None = None,
    unreachable: str | None = None,
    skip_reason: str | None = None,
    not_done: tuple[str, ...] = (),
) -> CheckoutRecord:
    """The record of a test or probe checkout; ``journey`` None when it never started one.

    A failure no journey step diagnosed gets its category here: the target could not
    be reached or started (``unreachable``); a check of the test's own that failed after
    the journey drove the shop is the shop's data not matching (``data_mismatch``,
    naming the order); anything else is the harness's or the project's code.
    """
    diagnosis = journey.diagnosis if journey else None
    failed = outcome == "failed"
    category = reason = None
    if failed and diagnosis is not None:
        category = str(diagnosis.category)
    elif failed:
        category, reason = _undiagnosed(journey, failure, unreachable)
    return CheckoutRecord(
        nodeid=name,
        outcome=outcome,
        category=category,
        failing_step=diagnosis.evidence.step if diagnosis and failed else None,
        reason=reason,
        steps=tuple(journey.steps) if journey else (),
        shop_version=journey.shop_version if journey else None,
        diagnosis=diagnosis.to_dict() if diagnosis else None,
        artifacts=tuple(journey.artifacts) if journey else (),
        skip_reason=skip_reason,
        not_done=(*journey.not_done, *not_done) if journey else not_done,
        trace_id=journey.trace.trace_id if journey else None,
        device=str(journey.settings.device) if journey else None,
        money_locale=journey.money.format.locale if journey and journey.money else None,
        amounts=tuple(journey.money.shown) if journey and journey.money else (),
    )


def _undiagnosed(
    journey: Journey | None, failure: BaseException | None, unreachable: str | None
) -> tuple[str, str]:
    first_line = str(failure).strip().splitlines()[0] if failure and str(failure).strip() else ""
    what = f"{type(failure).__name__}: {first_line}" if failure else "no exception"
    if unreachable:
        return "target_unreachable", unreachable
    drove_the_shop = journey is not None and any(s.status == "passed" for s in journey.steps)
    if isinstance(failure, AssertionError) and drove_the_shop:
        assert journey is not None
        numbers = [c.key for c in journey.created if c.kind == "order"]
        of = f" of order {', '.join(numbers)}" if numbers else ""
        return "data_mismatch", f"the test's own check{of} failed: {first_line or what}"
    return "harness_error", f"outside a journey step: {what}"
