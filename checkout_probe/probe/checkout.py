"""One probe checkout: the suites' guest journey in a given browser, its evidence kept on failure.

The same journey the suites run (:func:`flows.journeys.checkout_as_guest`), judged by
the same :class:`~checkout_probe.journey.Journey`: synthetic-traffic context, card
masking, cleanup of what it created. Only a failed checkout keeps evidence (its
failure screenshot and a scrubbed DOM-snapshot trace).
"""

from __future__ import annotations

import logging
import shutil
import zlib
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from faker import Faker
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

from checkout_probe.cleanup import clean_up
from checkout_probe.config import Settings
from checkout_probe.context import MASK_SCRIPT, context_options
from checkout_probe.data import TEST_CARDS
from checkout_probe.diagnosis import CheckoutFailure
from checkout_probe.journey import Journey
from checkout_probe.network import NetworkRecorder
from checkout_probe.probe.model import ERROR, FAILED, PASSED, CheckoutResult
from checkout_probe.redact import redact
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


def run_checkout(
    settings: Settings, target: Target, browser: Browser, faker: Faker, job: CheckoutJob
) -> CheckoutResult:
    """One guest checkout of ``target`` in ``browser``, judged by the suites' :class:`Journey`.

    Its evidence (failure screenshot, scrubbed trace) is kept only when it fails.
    """
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
        failed = [r for r in clean_up(target, settings.environment, journey.created) if not r.ok]
        for r in failed:
            log.warning("cleanup of %s %s failed: %s", r.kind, r.key, r.detail)
    return CheckoutResult(outcome, category, step, message, _durations(journey), evidence)


def harness_error(message: str) -> CheckoutResult:
    """A checkout the harness could not run (no browser, crashed browser): no verdict either way."""
    return CheckoutResult(ERROR, HARNESS_ERROR, None, redact(message))


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
