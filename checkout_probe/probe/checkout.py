"""One probe checkout: one of the project's journeys in a given browser, evidence kept on failure.

The probe runs the journeys the project declares (``Shop.journeys``), the same
functions its tests call, assembled like every checkout
(:mod:`checkout_probe.checkout.assembly`): synthetic-traffic context, card masking,
network recording, a :class:`~checkout_probe.checkout.journey.Journey` and cleanup of what
it created. Only a failed checkout keeps evidence (its failure screenshot and a
scrubbed trace, grouped by step).

A trace is worth opening when it shows the page: DOM snapshots at every action and the
screencast. They cost from an eighth to two-fifths more time per checkout (measured in
docs/vitals-and-tracing.md), so a round pays for them only where a failure is likely
(:class:`RoundTraces`): its first checkout on each browser, and, in a round after one with
failures, every checkout until a failed one has kept such a trace. The others trace actions
and console (DOM snapshots too with ``--trace-snapshots``).
"""

from __future__ import annotations

import logging
import shutil
import threading
import traceback
import zlib
from collections.abc import Mapping
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

from checkout_probe.basics.phases import Phases
from checkout_probe.basics.redact import redact
from checkout_probe.checkout.assembly import (
    new_context,
    open_checkout,
    prepare_context,
)
from checkout_probe.checkout.journey import CheckoutCut, Journey
from checkout_probe.checkout.orders_access import OrderAccess
from checkout_probe.diagnosis import CheckoutFailure
from checkout_probe.evidence.accessibility import counts_by_impact
from checkout_probe.evidence.scrub import scrub_file
from checkout_probe.probe.model import CUT, ERROR, FAILED, PASSED, CheckoutResult
from checkout_probe.probe.whereabouts import HARNESS_ERROR, StepFailure, Whereabouts
from checkout_probe.settings.baseline import Baseline, step_totals
from checkout_probe.settings.config import Settings
from checkout_probe.settings.devices import DEFAULT_DEVICES, Device
from checkout_probe.shop.pricing import generate_cart
from checkout_probe.shop.shoppers import ShopperFactory
from checkout_probe.target import Target

log = logging.getLogger(__name__)


class RoundTraces:
    """Whether a round's (or a burst's) next checkout traces in full; see the module
    docstring. Shared by the round's checkouts, which run in several worker threads.

    ``first``: how many of its first checkouts do (one per browser: the first failure of a
    healthy-looking round is likely among them); ``all_until_kept``: every checkout does
    until a failed one has kept its trace (a round after one with failures)."""

    def __init__(self, first: int = 0, *, all_until_kept: bool = False) -> None:
        self._kept = threading.Event()
        self._lock = threading.Lock()
        self._left = first
        self._all = all_until_kept

    def full(self) -> bool:
        """Whether the checkout starting now traces in full."""
        if self._kept.is_set():
            return False
        if self._all:
            return True
        with self._lock:
            self._left -= 1
            return self._left >= 0

    def kept_full(self) -> None:
        """A failed checkout kept a full trace: the round's next checkouts need none."""
        self._kept.set()


@dataclass(frozen=True)
class CheckoutJob:
    """One checkout to run: which journey, its Faker seed, where its evidence goes if it fails."""

    journey: str
    seed: int
    evidence_dir: Path
    #: Each step's usual time, from the probe's history (or ``--baseline``); None: none yet.
    baseline: Baseline | None = None
    #: Set by the pool at the round timeout: the checkout stops before its next step.
    cut: threading.Event = field(default_factory=threading.Event, compare=False)
    #: The device it runs on (the environment's ``devices`` in turn).
    device: Device = DEFAULT_DEVICES[0]
    #: Where it is, written as it goes: what it becomes if it hangs (``Whereabouts.hung``).
    whereabouts: Whereabouts = field(default_factory=Whereabouts, compare=False)


def run_checkout(
    settings: Settings,
    target: Target,
    orders: OrderAccess,
    browser: Browser,
    shoppers: ShopperFactory,
    job: CheckoutJob,
    traces: RoundTraces | None = None,
    *,
    descriptors: Mapping[str, Mapping[str, Any]],
) -> CheckoutResult:
    """Run ``job``'s journey against ``target`` in ``browser`` on ``job.device`` (its
    descriptor one of ``descriptors``, Playwright's), judged by a :class:`Journey`.

    Its evidence (failure screenshot, scrubbed trace) is kept only when it fails; its trace
    is a full one while ``traces`` (its round's; None: a round of its own) says so.
    """
    settings = settings.on_device(job.device)
    shopper = shoppers.make(job.seed, settings.environment.shopper_password)
    # The approved cards in turn: a charge taken from another shopper's card shows.
    card = settings.approved_card(job.seed)
    phases = Phases()  # where its time goes: docs/probe.md, "What a round costs"
    at = job.whereabouts

    def timed(phase: str) -> AbstractContextManager[None]:
        at.phase = phase
        return phases.timed(phase)

    with timed("context"):
        context = new_context(browser, settings, target, descriptors, shopper.locale)
        traces = traces or RoundTraces(all_until_kept=True)
        full = traces.full()
        prepare_context(
            context, tracing=True, snapshots=full or settings.trace_snapshots, screenshots=full
        )
        checkout = open_checkout(
            context,
            settings,
            target,
            artifacts_dir=job.evidence_dir,
            orders=orders,
            secrets=(shopper.password,),
            baseline=job.baseline,
            name=job.journey,
            shopper_locale=shopper.locale,
        )
    journey = at.journey = checkout.journey
    journey.cut = job.cut
    outcome, category, step, message = PASSED, None, None, ""
    pricing = settings.shop.pricing
    # Where the shop declares its pricing, every checkout buys a cart of its own seed.
    cart = {"items": generate_cart(pricing, job.seed)} if pricing is not None else {}
    with timed("journey"):
        try:
            try:
                settings.shop.journeys[job.journey](
                    journey, shopper, card, orders=orders.adapter, **cart
                )
            except CheckoutFailure as failure:
                at.failed = _step_failure(failure, checkout.secrets)  # quoted if settling hangs
                checkout.settle([shopper], failure)  # a refused card charged overrides it
                raise
            checkout.settle([shopper], None)
        except CheckoutFailure as failure:
            diagnosis = failure.diagnosis
            outcome, category, step = FAILED, str(diagnosis.category), diagnosis.evidence.step
            message = redact(str(failure), checkout.secrets)
            at.failed = _step_failure(failure, checkout.secrets)
            if category == HARNESS_ERROR:
                # A bug in the project's journey or the harness: it says nothing about the shop,
                # so it counts neither way in the rule (and never pages as the shop's failure).
                outcome = ERROR
        except CheckoutCut as cut:
            # Within its budgets when the round ran out: the harness's capacity, not the shop's
            # failure. Its shopper's orders, confirmed or not, are found and cleaned up below.
            outcome, message = CUT, str(cut)
            with suppress(CheckoutFailure):
                checkout.settle([shopper], cut)
        except pytest.skip.Exception:
            pass  # stopped before charging (production without opt-in): the rest passed
        except Exception as exc:  # outside any step: a bug in the journey's own code or ours
            # No verdict on the shop; its orders are still cleaned up and its browser context
            # closed below, and nothing secret it carried reaches the round line or the log.
            outcome, category = ERROR, HARNESS_ERROR
            message = redact(
                f"outside a journey step: {type(exc).__name__}: {exc}", checkout.secrets
            )
            log.error("checkout %s: %s\n%s", job.journey, message,
                      redact(traceback.format_exc(), checkout.secrets))  # fmt: skip
    with timed("evidence"):
        checkout.finish()
        evidence = list(journey.artifacts)
        if outcome == FAILED:
            kept = _keep_trace(context, job.evidence_dir, checkout.secrets)
            if kept and full:
                traces.kept_full()
            evidence += kept
        else:
            _stop_tracing(context)
    with timed("close"), suppress(PlaywrightError):  # a dead browser: replaced later
        context.close()
    with timed("cleanup"):
        left = [r for r in checkout.clean_up() if not r.ok]
    for r in left:
        log.warning("cleanup of %s %s failed: %s", r.kind, r.key, r.detail)
    return CheckoutResult(
        outcome, category, step, message, _durations(journey), evidence,
        journey=job.journey, device=job.device.name,
        cleanup_failures=[f"{r.kind} {r.key}: {r.detail}" for r in left],
        trace_id=journey.trace.trace_id, step_vitals=_vitals(journey),
        vital_breaches=[f"step '{s.key}': {b}" for s in journey.steps for b in s.vital_breaches],
        a11y_counts=_a11y_counts(journey), phases=phases.seconds,
    )  # fmt: skip


def harness_error(message: str, job: CheckoutJob | None = None) -> CheckoutResult:
    """A checkout the harness could not run (no browser, crashed browser): no verdict either way."""
    return CheckoutResult(
        ERROR, HARNESS_ERROR, None, redact(message),
        journey=job.journey if job else "", device=job.device.name if job else "",
    )  # fmt: skip


def _step_failure(failure: CheckoutFailure, secrets: tuple[str, ...]) -> StepFailure:
    first_line = redact(str(failure), secrets).split("\n", 1)[0]
    return StepFailure(failure.diagnosis.evidence.step, first_line)


def _durations(journey: Journey) -> dict[str, float]:
    # Steps sharing a key ("add to cart" per item) add up: the step as the shopper lives it.
    return step_totals((s.key, s.status, s.duration_s) for s in journey.steps)


def _vitals(journey: Journey) -> dict[str, dict[str, float]]:
    # A repeated step ("add to cart" per item): the worst the shopper felt in any of them.
    worst: dict[str, dict[str, float]] = {}
    for step in journey.steps:
        into = worst.setdefault(step.key, {})
        for metric, value in step.vitals.items():
            into[metric] = max(value, into.get(metric, value))
    return {step: values for step, values in worst.items() if values}


def _a11y_counts(journey: Journey) -> dict[str, dict[str, int]]:
    # A repeated step ("add to cart" per item): its repeats' pages together (each page of
    # the checkout is checked once, so nothing is counted twice).
    counts: dict[str, dict[str, int]] = {}
    for step in journey.steps:
        if not step.a11y_pages:
            continue
        into = counts.setdefault(step.key, {})
        for impact, count in counts_by_impact(step.a11y_violations).items():
            into[impact] = into.get(impact, 0) + count
    return counts


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


def job_slot(settings: Settings, index: int) -> tuple[str, Device]:
    """The journey and device of a round's ``index``-th checkout: K is split among every
    journey on every device (``Shop.journeys`` × the environment's ``devices``), in turn,
    so each pair gets its share every round."""
    pairs = [(j, d) for d in settings.devices for j in settings.shop.journeys]
    return pairs[index % len(pairs)]


def job_seed(run_seed: int, round_number: int, index: int) -> int:
    """A checkout's Faker seed: reproducible from the run seed, unique per round and slot."""
    return run_seed * 1_000_003 + zlib.crc32(f"{round_number}/{index}".encode())
