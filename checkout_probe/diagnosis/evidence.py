"""What a failed step leaves behind, and the exception that carries its diagnosis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checkout_probe.diagnosis.category import Category
from checkout_probe.diagnosis.failed_request import FailedRequest
from checkout_probe.target.health import HealthSnapshot


@dataclass(frozen=True)
class Evidence:
    """Everything known about one failed step, gathered right after it failed."""

    env: str
    target_url: str
    step: str
    step_title: str
    error_type: str
    error_message: str
    url: str | None = None
    page_alerts: tuple[str, ...] = ()
    failed_requests: tuple[FailedRequest, ...] = ()
    page_errors: tuple[str, ...] = ()
    console_errors: tuple[str, ...] = ()
    pending_requests: tuple[str, ...] = ()
    step_duration_s: float = 0.0
    step_budget_s: float | None = None
    shop_version: str | None = None
    #: The target reports its version somewhere (endpoint or header); False: say nothing of it.
    version_source: bool = True
    health: HealthSnapshot | None = None
    #: The exception came from the harness itself (a bug or misconfiguration).
    harness_fault: bool = False
    #: The exception is a comparison of shop data that did not match.
    data_mismatch: bool = False
    #: The project's HTTP call to the shop (order read-back) could not connect: why.
    api_unreachable: str | None = None
    #: The checkout's W3C trace id (every request of it was sent in this trace).
    trace_id: str | None = None
    #: The test outcome of the card the shopper entered (``TestCard.outcome``): what the
    #: provider answers it with, e.g. "insufficient_funds"; None when not said.
    card_outcome: str | None = None
    #: The payment provider's origins as the project declares them (``Shop.origins``): a
    #: failed request to one decides ``payment_provider``; to any other third party, nothing.
    payment_origins: tuple[str, ...] = ()

    @property
    def failing_trace(self) -> tuple[str, str | None] | None:
        """The trace id and span of the first failing request (else the checkout's trace)."""
        for request in self.failed_requests:
            if request.trace_id:
                return request.trace_id, request.span_id
        return (self.trace_id, None) if self.trace_id else None

    @property
    def over_budget(self) -> bool:
        """True when the step took longer than its budget."""
        return self.step_budget_s is not None and self.step_duration_s > self.step_budget_s


@dataclass(frozen=True)
class Diagnosis:
    """Evidence plus the one category the rules chose, and why."""

    evidence: Evidence
    category: Category
    reason: str
    look_first: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``summary.json``."""
        ev = self.evidence
        return {
            "category": str(self.category),
            "reason": self.reason,
            "look_first": self.look_first,
            "step": ev.step,
            "step_title": ev.step_title,
            "error": f"{ev.error_type}: {ev.error_message}",
            "url": ev.url,
            "page_alerts": list(ev.page_alerts),
            "failed_requests": [r.to_dict() for r in ev.failed_requests],
            "page_errors": list(ev.page_errors),
            "pending_requests": list(ev.pending_requests),
            "step_duration_s": round(ev.step_duration_s, 3),
            "step_budget_s": ev.step_budget_s,
            "shop_version": ev.shop_version,
            "health": ev.health.to_dict() if ev.health else None,
            "trace_id": ev.failing_trace[0] if ev.failing_trace else None,
        }


class CheckoutFailure(AssertionError):
    """A checkout step failed; the message is the diagnosis."""

    def __init__(self, diagnosis: Diagnosis, message: str) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis
