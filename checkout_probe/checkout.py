"""One checkout, assembled in one place for the pytest fixtures and the probe alike.

A checkout is a browser context that carries the run's synthetic-traffic marks
and masks card and password fields in every frame, records its traces as DOM
snapshots, has a network recorder judging each step, and a :class:`Journey`
on a page; afterwards, whatever it created in the shop is cleaned up through
the project's order adapter, and what it did becomes a typed record.
Who creates the context differs (pytest-playwright's ``new_context`` for the
suites, a long-lived browser for the probe); everything after that is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

from checkout_probe.config import Settings
from checkout_probe.context import MASK_SCRIPT, context_options
from checkout_probe.journey import Journey
from checkout_probe.network import NetworkRecorder
from checkout_probe.orders import CleanupResult, OrderAdapter, ReadBackUnavailable, clean_up
from checkout_probe.record import CheckoutRecord
from checkout_probe.target import Target


@dataclass(frozen=True)
class OrderAccess:
    """The project's order adapter for a target, or why there is none."""

    adapter: OrderAdapter | None
    unavailable: str = ""

    def close(self) -> None:
        """Release the adapter's connections."""
        if self.adapter is not None:
            self.adapter.close()


def open_orders(settings: Settings, target: Target) -> OrderAccess:
    """Build the project's adapter (``Shop.orders``) for ``target``; a missing token is a reason."""
    factory = settings.shop.orders
    if factory is None:
        return OrderAccess(None, f"the shop '{settings.shop.name}' declares no order adapter")
    try:
        return OrderAccess(factory(target, settings))
    except ReadBackUnavailable as exc:
        return OrderAccess(None, str(exc))


def new_context(browser: Browser, settings: Settings, target: Target) -> BrowserContext:
    """A context of ``browser`` for one checkout of ``target`` (the probe's; pytest has its own)."""
    return browser.new_context(**context_options(settings, target.base_url, browser.version))


def prepare_context(context: BrowserContext, *, tracing: bool, screenshots: bool = False) -> None:
    """Mask sensitive fields in every frame; with ``tracing``, start a trace of DOM snapshots.

    A screencast (``screenshots``) roughly triples what tracing costs a checkout
    (see bench/); the snapshots already show every action's page.
    """
    context.add_init_script(MASK_SCRIPT)
    if tracing:
        context.tracing.start(snapshots=True, screenshots=screenshots, sources=False)


@dataclass
class Checkout:
    """One checkout's page, recorder and journey; see the module docstring."""

    page: Page
    recorder: NetworkRecorder
    journey: Journey
    secrets: tuple[str, ...]

    def clean_up(self, orders: OrderAccess) -> list[CleanupResult]:
        """Remove what the journey created; one result per item, failures included."""
        if not self.journey.created:
            return []
        return clean_up(orders.adapter, self.journey.created, orders.unavailable)

    def record(
        self,
        name: str,
        outcome: str,
        *,
        category: str | None = None,
        skip_reason: str | None = None,
        **extra: Any,
    ) -> CheckoutRecord:
        """What this checkout did; ``category`` is for a failure no journey step diagnosed."""
        return journey_record(
            name, outcome, self.journey, category=category, skip_reason=skip_reason, **extra
        )


def open_checkout(
    context: BrowserContext,
    settings: Settings,
    target: Target,
    *,
    artifacts_dir: Path | None,
    page: Page | None = None,
    secrets: tuple[str, ...] = (),
) -> Checkout:
    """Attach a recorder to ``context`` and start a journey on ``page`` (a new one if None)."""
    all_secrets = settings.secrets() + target.secrets() + secrets
    recorder = NetworkRecorder(secrets=all_secrets, version_header=settings.shop.version_header)
    recorder.attach(context)
    page = page or context.new_page()
    page.set_default_timeout(settings.action_timeout_ms)
    journey = Journey(page, recorder, target, settings, artifacts_dir=artifacts_dir)
    return Checkout(page, recorder, journey, all_secrets)


def journey_record(
    name: str,
    outcome: str,
    journey: Journey | None,
    *,
    category: str | None = None,
    skip_reason: str | None = None,
    **extra: Any,
) -> CheckoutRecord:
    """The record of a test or probe checkout; ``journey`` None when it never started one."""
    diagnosis = journey.diagnosis if journey else None
    failed = outcome == "failed"
    return CheckoutRecord(
        nodeid=name,
        outcome=outcome,
        category=(str(diagnosis.category) if diagnosis else category) if failed else None,
        failing_step=diagnosis.evidence.step if diagnosis and failed else None,
        steps=tuple(journey.steps) if journey else (),
        shop_version=journey.shop_version if journey else None,
        diagnosis=diagnosis.to_dict() if diagnosis else None,
        artifacts=tuple(journey.artifacts) if journey else (),
        skip_reason=skip_reason,
        **extra,
    )
