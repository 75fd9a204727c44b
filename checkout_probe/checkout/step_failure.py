"""A failed step's evidence, gathered at the moment it failed, and the diagnosis made of it.

The journey (:mod:`checkout_probe.checkout.journey`) calls :func:`diagnose_step` once, for the
first failed step: a screenshot of the page, what the shop showed, every failing request
of the checkout, the page's errors, what is still pending, the shop's health and version,
and the trace id go into one :class:`Evidence`, which the rules classify.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from pathlib import Path
from typing import Protocol

import allure
import httpx
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from checkout_probe.basics.errors import ProbeError
from checkout_probe.checkout.network import NetworkRecorder
from checkout_probe.checkout.tracecontext import CheckoutTrace
from checkout_probe.diagnosis import DataMismatch, Diagnosis, Evidence, classify, format_diagnosis
from checkout_probe.diagnosis.failed_request import api_failure, ranked
from checkout_probe.evidence.record import StepRecord
from checkout_probe.settings.config import Settings
from checkout_probe.shop.data import TestCard
from checkout_probe.target import Target

log = logging.getLogger(__name__)


class FailedJourney(Protocol):
    """What the diagnosis reads of the journey whose step failed (a
    :class:`~checkout_probe.checkout.journey.Journey`, which calls :func:`diagnose_step`)."""

    page: Page
    recorder: NetworkRecorder
    target: Target
    settings: Settings
    trace: CheckoutTrace
    artifacts_dir: Path | None
    artifacts: list[str]
    card: TestCard | None

    @property
    def shop_version(self) -> str | None: ...


#: Exceptions that say the shop (or the page) misbehaved, not the harness: the browser's,
#: assertions on what the shop showed, and the shop's answers to the project's HTTP calls.
_SHOP_SIDE = (PlaywrightError, AssertionError, httpx.HTTPError)


def diagnose_step(
    journey: FailedJourney, record: StepRecord, exc: BaseException | None, mark: int, budget: float
) -> tuple[Diagnosis, str]:
    """The diagnosis of ``record``'s failure (``exc``; None: over its ``budget``) and its
    text, attached to the report; ``mark`` is the recorder's mark at the step's start."""
    if exc is None:
        error_type = "StepOverBudget"
        message = (
            f"step '{record.key}' took {record.duration_s:.1f} s, over its {budget:.1f} s budget"
        )
    else:
        error_type, message = type(exc).__name__, str(exc)
    recorder, target, settings = journey.recorder, journey.target, journey.settings
    api = api_failure(exc, recorder.secrets) if isinstance(exc, httpx.HTTPError) else None
    _screenshot(journey, record.key)
    health = target.read_health()
    evidence = Evidence(
        env=settings.env,
        target_url=target.base_url,
        step=record.key,
        step_title=record.title,
        error_type=error_type,
        error_message=message,
        url=record.url,
        page_alerts=_alerts(journey),
        failed_requests=ranked(
            (*recorder.checkout_failures(record.key), *((api,) if api else ())),
            target.origins.payment + target.origins.important,
        ),
        page_errors=tuple(recorder.page_errors_since(mark)),
        console_errors=tuple(recorder.console_errors_since(mark)),
        pending_requests=tuple(recorder.pending_requests(older_than_s=budget)),
        step_duration_s=record.duration_s,
        step_budget_s=budget,
        shop_version=journey.shop_version or (health.version if health else None),
        version_source=target.has_version_source,
        health=health,
        harness_fault=exc is not None
        and (isinstance(exc, ProbeError) or not isinstance(exc, _SHOP_SIDE)),
        api_unreachable=message if isinstance(exc, httpx.TransportError) else None,
        data_mismatch=isinstance(exc, DataMismatch),
        trace_id=journey.trace.trace_id,
        card_outcome=journey.card.outcome if journey.card is not None else None,
        payment_origins=target.origins.payment,
    )
    diagnosis = classify(evidence, settings.shop.errors)
    text = format_diagnosis(diagnosis)
    allure.attach(text, "diagnosis", allure.attachment_type.TEXT)
    return diagnosis, text


def _screenshot(journey: FailedJourney, step: str) -> None:
    # Taken at the moment of failure, which shows more than a screenshot at
    # teardown, and costs nothing on the (usual) passing run.
    try:
        image = journey.page.screenshot(full_page=True, timeout=5_000)
    except PlaywrightError:
        return
    allure.attach(image, f"screenshot at failure of '{step}'", allure.attachment_type.PNG)
    folder = journey.artifacts_dir
    if folder is not None:
        path = folder / "failure-screenshot.png"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(image)
        except OSError as exc:
            # A full evidence disk must not hide the diagnosis of the failure itself.
            log.warning("could not keep the failure screenshot %s: %s", path, exc)
            with suppress(OSError):
                path.unlink(missing_ok=True)  # no half-written image left behind
            return
        journey.artifacts.append(str(path))


def _alerts(journey: FailedJourney) -> tuple[str, ...]:
    try:
        # Reading the page waits, without a timeout, for a document to run script in;
        # a navigation that hangs (the server accepted and never answered) never gives
        # one. This bounded probe finds that out first.
        journey.page.wait_for_function("true", timeout=1_000)
        texts = journey.settings.shop.errors.shown(journey.page).all_inner_texts()
    except PlaywrightError:
        return ()
    return tuple(" ".join(t.split()) for t in texts if t.strip())
