"""The per-checkout record the pytest plugin, its run report, ``summary.json`` and ``verify`` share.

A worker builds one :class:`CheckoutRecord` per test attempt and sends it to the
xdist controller as JSON on the test report; the controller merges attempts,
artifacts and cleanup into it and writes ``summary.json``; ``verify`` reads the
summary back into a :class:`RunSummary`. One typed structure, one JSON form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from checkout_probe.basics.files import write_atomically
from checkout_probe.evidence.accessibility import Violation, counts_by_impact
from checkout_probe.shop.orders import CleanupResult

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


#: The pytest report property that carries a checkout's record as JSON, from the worker that
#: ran it to the run report and to verify's progress lines.
RECORD_PROPERTY = "checkout_probe_record"


@dataclass
class StepRecord:
    """One journey step's outcome (the journey updates it while the step runs)."""

    key: str
    title: str
    status: str = "running"  # running | passed | failed | skipped
    duration_s: float = 0.0
    url: str | None = None
    #: The step's span in the checkout's trace (16 hex digits).
    span_id: str | None = None
    #: Web vitals the step caused (``checkout_probe.checkout.vitals``): LCP, CLS, INP, FCP, TTFB.
    vitals: dict[str, float] = field(default_factory=dict)
    #: Its vitals over their budgets ("LCP 3.10 s over its 2.50 s budget").
    vital_breaches: list[str] = field(default_factory=list)
    #: The pages of the step checked with axe-core (:mod:`checkout_probe.checkout.accessibility`).
    a11y_pages: list[str] = field(default_factory=list)
    #: Their accessibility violations.
    a11y_violations: list[Violation] = field(default_factory=list)
    #: Seconds axe-core took on them (the harness's time, not in ``duration_s``).
    a11y_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "step": self.key,
            "title": self.title,
            "status": self.status,
            "duration_s": round(self.duration_s, 3),
            "url": self.url,
            "span_id": self.span_id,
            "vitals": dict(self.vitals),
            "vital_breaches": list(self.vital_breaches),
            "accessibility": {
                "pages": list(self.a11y_pages),
                "counts": counts_by_impact(self.a11y_violations),
                "violations": [v.to_dict() for v in self.a11y_violations],
                "seconds": round(self.a11y_seconds, 3),
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepRecord:
        """The inverse of :meth:`to_dict`."""
        a11y = data.get("accessibility") or {}
        return cls(
            data["step"],
            data["title"],
            data["status"],
            data["duration_s"],
            data["url"],
            data.get("span_id"),
            dict(data.get("vitals") or {}),
            list(data.get("vital_breaches") or []),
            list(a11y.get("pages") or []),
            [Violation.from_dict(v) for v in a11y.get("violations") or []],
            float(a11y.get("seconds") or 0.0),
        )


@dataclass
class ShownAmount:
    """One amount a page showed (``summary.json``'s ``amounts``): where, the text, the amount
    expected as the page's locale writes it and in minor units (None: not known there);
    ``read_minor`` is what the text says (None: not an amount in the page's format)."""

    where: str
    shown: str
    expected: str | None = None
    expected_minor: int | None = None
    read_minor: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShownAmount:
        """The inverse of :meth:`to_dict`."""
        return cls(
            str(data["where"]),
            str(data["shown"]),
            data.get("expected"),
            data.get("expected_minor"),
            data.get("read_minor"),
        )


@dataclass(frozen=True)
class Attempt:
    """One run of a test (pytest-rerunfailures may run it twice)."""

    outcome: str
    category: str | None
    failing_step: str | None
    duration_s: float


@dataclass(frozen=True)
class CheckoutRecord:
    """What one test of the checkout suites did, for reports and the deploy gate.

    ``diagnosis`` is the diagnosis's JSON form (``Diagnosis.to_dict``) when a
    journey step failed; ``category`` is set for every failure, inside a step or not.
    """

    nodeid: str
    outcome: str
    category: str | None = None
    failing_step: str | None = None
    #: Why it failed, when no journey step's diagnosis says so (a check in the test body).
    reason: str | None = None
    steps: tuple[StepRecord, ...] = ()
    shop_version: str | None = None
    diagnosis: dict[str, Any] | None = None
    artifacts: tuple[str, ...] = ()
    cleanup: tuple[CleanupResult, ...] = ()
    skip_reason: str | None = None
    attempts: tuple[Attempt, ...] = ()
    duration_s: float = 0.0
    #: What could not be done here and was not judged (a read-back without a token), and why.
    not_done: tuple[str, ...] = ()
    #: The checkout's W3C trace id: the shop's tracing has its requests under it.
    trace_id: str | None = None
    #: The device it ran on (a Playwright descriptor's name, with its network and CPU).
    device: str | None = None
    #: The page locale its amounts were read in (``"de_DE"``; None: no ``Shop.money``).
    money_locale: str | None = None
    #: Every amount its pages showed, as shown and as expected (:class:`ShownAmount`).
    amounts: tuple[ShownAmount, ...] = ()

    @property
    def flaky(self) -> bool:
        """Failed, then passed on a retry."""
        return (
            len(self.attempts) > 1 and self.attempts[0].outcome == FAILED and self.outcome == PASSED
        )

    @property
    def note(self) -> str:
        """What a flaky test did on its first attempt (empty otherwise)."""
        if not self.flaky:
            return ""
        first = self.attempts[0]
        return f"failed [{first.category}] at step '{first.failing_step}', then passed on retry"

    @property
    def checked_out(self) -> bool:
        """The test drove the shop (ran journey steps) and was judged: passed or failed."""
        return self.outcome in (PASSED, FAILED) and any(
            s.status in (PASSED, FAILED) for s in self.steps
        )

    def with_attempt(
        self, attempt: CheckoutRecord, outcome: str, duration_s: float
    ) -> CheckoutRecord:
        """This record after one more attempt (``attempt`` is what that attempt recorded)."""
        attempts = (
            *self.attempts,
            Attempt(outcome, attempt.category, attempt.failing_step, round(duration_s, 3)),
        )
        return replace(
            attempt,
            outcome=outcome,
            duration_s=round(duration_s, 3),
            attempts=attempts,
            artifacts=self.artifacts + attempt.artifacts,
            cleanup=self.cleanup + attempt.cleanup,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``summary.json``'s ``tests``)."""
        data: dict[str, Any] = {
            "nodeid": self.nodeid,
            "outcome": self.outcome,
            "category": self.category,
            "failing_step": self.failing_step,
            "reason": self.reason,
            "steps": [s.to_dict() for s in self.steps],
            "shop_version": self.shop_version,
            "diagnosis": self.diagnosis,
            "artifacts": list(self.artifacts),
            "cleanup": [c.to_dict() for c in self.cleanup],
            "attempts": [a.__dict__ for a in self.attempts],
            "duration_s": self.duration_s,
            "not_done": list(self.not_done),
            "trace_id": self.trace_id,
            "device": self.device,
            "money_locale": self.money_locale,
            "amounts": [a.to_dict() for a in self.amounts],
        }
        if self.skip_reason is not None:
            data["skip_reason"] = self.skip_reason
        if self.flaky:
            data["flaky"] = True
            data["note"] = self.note
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckoutRecord:
        """The inverse of :meth:`to_dict`."""
        return cls(
            nodeid=data["nodeid"],
            outcome=data["outcome"],
            category=data.get("category"),
            failing_step=data.get("failing_step"),
            reason=data.get("reason"),
            steps=tuple(StepRecord.from_dict(s) for s in data.get("steps", [])),
            shop_version=data.get("shop_version"),
            diagnosis=data.get("diagnosis"),
            artifacts=tuple(data.get("artifacts", [])),
            cleanup=tuple(CleanupResult.from_dict(c) for c in data.get("cleanup", [])),
            skip_reason=data.get("skip_reason"),
            attempts=tuple(Attempt(**a) for a in data.get("attempts", [])),
            duration_s=float(data.get("duration_s", 0.0)),
            not_done=tuple(data.get("not_done", [])),
            trace_id=data.get("trace_id"),
            device=data.get("device"),
            money_locale=data.get("money_locale"),
            amounts=tuple(ShownAmount.from_dict(a) for a in data.get("amounts", [])),
        )


@dataclass(frozen=True)
class RunSummary:
    """``summary.json``: the run, its target, and one record per test."""

    run_id: str
    env: str
    target: str
    tests: tuple[CheckoutRecord, ...]
    shop_versions: tuple[str, ...] = ()
    target_failure: str | None = None
    exit_status: int = 0

    @property
    def checkouts(self) -> int:
        """How many tests checked out (see :attr:`CheckoutRecord.checked_out`)."""
        return sum(1 for t in self.tests if t.checked_out)

    def count(self, outcome: str) -> int:
        """How many tests ended with ``outcome``."""
        return sum(1 for t in self.tests if t.outcome == outcome)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        """Read a ``summary.json`` document."""
        return cls(
            run_id=str(data["run_id"]),
            env=str(data["env"]),
            target=str(data["target"]),
            tests=tuple(CheckoutRecord.from_dict(t) for t in data.get("tests", [])),
            shop_versions=tuple(data.get("shop_versions", [])),
            target_failure=data.get("target_failure"),
            exit_status=int(data.get("exit_status", 0)),
        )


def write_summary(path: Path, data: dict[str, Any]) -> None:
    """Write ``summary.json`` whole or not at all: a reader (``verify``, a CI step) never sees
    half a file, and a full disk leaves no temporary file behind (raises ``OSError``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda out: out.write(json.dumps(data, indent=2).encode()))


def read_summary(path: Path) -> dict[str, Any] | None:
    """``summary.json`` as written by :func:`write_summary`; None when it is missing or not a
    summary (an old or foreign file is no run's verdict)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "tests" in data else None
