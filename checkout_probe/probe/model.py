"""What one probe round produced: the input every other ``probe`` module works from."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checkout_probe.target.health import HealthSnapshot

PASSED = "passed"
FAILED = "failed"
#: The harness could not judge the shop (browser crashed, could not start): not a shop failure.
ERROR = "error"
#: The round timeout cut it while its steps were within their budgets: the harness's
#: capacity (K, workers, the round timeout), not the shop's failure.
CUT = "cut"
#: The round timed out before a browser was free to start it.
NOT_RUN = "not run"


#: The device of a checkout stored before devices were recorded.
UNKNOWN_DEVICE = "unknown"


def _counts() -> dict[str, Any]:
    return {"checkouts": 0, "failures": 0, "categories": {}}


def _count(entry: dict[str, Any], result: CheckoutResult) -> None:
    entry["checkouts"] += 1
    if result.failed:
        entry["failures"] += 1
        category = result.category or "unknown"
        entry["categories"][category] = entry["categories"].get(category, 0) + 1


#: A breach's step and metric: "step 'pay': CLS" of "step 'pay': CLS 0.16 over its 0.10 budget".
_BREACH_KEY = re.compile(r"step '[^']*': [A-Z]+")


@dataclass(frozen=True)
class CheckoutResult:
    """One browser checkout of a round."""

    outcome: str  # "passed" | "failed" | "error"
    category: str | None  # e.g. "payment_error", "slow"; None when passed
    failing_step: str | None
    message: str  # the diagnosis's first line, "" when passed
    step_durations: dict[str, float] = field(default_factory=dict)  # step name -> seconds
    evidence: list[str] = field(default_factory=list)  # artifact paths (trace, screenshot)
    journey: str = ""  # which of the project's journeys (Shop.journeys) ran
    device: str = ""  # the device it ran on (a Playwright descriptor's name)
    #: What this checkout created and could not remove ("order 1042: …"), never dropped.
    cleanup_failures: list[str] = field(default_factory=list)
    #: The checkout's W3C trace id (its requests are in the shop's tracing under it).
    trace_id: str | None = None
    #: Web vitals per step name (a repeated step: the worst of its repeats).
    step_vitals: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Vitals over their budgets ("step 'pay': CLS 0.16 over its 0.10 budget").
    vital_breaches: list[str] = field(default_factory=list)
    #: Accessibility violations per step name and axe impact (a repeated step: its repeats'
    #: pages together; each page is checked once per checkout).
    a11y_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Where its time went: ``{phase: seconds}`` (browser start, context, journey,
    #: evidence, close, cleanup; ``basics.phases``).
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True when this checkout did not complete."""
        return self.outcome == FAILED

    @property
    def passed(self) -> bool:
        """True when this checkout completed."""
        return self.outcome == PASSED

    @property
    def judged(self) -> bool:
        """True when the checkout says something about the shop (passed or failed)."""
        return self.outcome in (PASSED, FAILED)


@dataclass(frozen=True)
class Round:
    """K checkouts run back to back against one environment, plus what the shop said."""

    started_at: datetime  # UTC, tz-aware
    finished_at: datetime
    env: str
    shop_version: str | None
    results: tuple[CheckoutResult, ...]
    # /health snapshot: {"status": ..., "components": [{"name", "status", "error"}]}
    health: dict[str, Any] | None = None

    @property
    def checkouts(self) -> int:
        """How many checkouts judged the shop (K, minus harness errors)."""
        return sum(1 for r in self.results if r.judged)

    @property
    def errors(self) -> int:
        """Checkouts the harness could not run (they count neither way in the verdict)."""
        return sum(1 for r in self.results if r.outcome == ERROR)

    @property
    def cut(self) -> int:
        """Checkouts the round timeout cut within their budgets (neither way in the verdict)."""
        return sum(1 for r in self.results if r.outcome == CUT)

    @property
    def not_run(self) -> int:
        """Checkouts the round timed out before starting (neither way in the verdict)."""
        return sum(1 for r in self.results if r.outcome == NOT_RUN)

    @property
    def failures(self) -> int:
        """How many of them failed."""
        return sum(1 for r in self.results if r.failed)

    @property
    def failed_results(self) -> list[CheckoutResult]:
        """The failed checkouts, in run order."""
        return [r for r in self.results if r.failed]

    def by_journey(self) -> dict[str, dict[str, Any]]:
        """``{journey: {"checkouts", "failures", "categories", "devices"}}`` of the checkouts
        that judged; ``devices`` holds the same counts per device the journey ran on."""
        counts: dict[str, dict[str, Any]] = {}
        for result in self.results:
            if not result.judged:
                continue
            entry = counts.setdefault(result.journey, {**_counts(), "devices": {}})
            _count(entry, result)
            _count(entry["devices"].setdefault(result.device or UNKNOWN_DEVICE, _counts()), result)
        return counts

    def by_device(self) -> dict[str, dict[str, Any]]:
        """``{device: {"checkouts", "failures", "categories"}}`` of the checkouts that judged."""
        counts: dict[str, dict[str, Any]] = {}
        for result in self.results:
            if result.judged:
                _count(counts.setdefault(result.device or UNKNOWN_DEVICE, _counts()), result)
        return counts

    def vital_breaches(self) -> dict[str, int]:
        """``{"step 'pay': CLS 0.16 over its 0.10 budget": checkouts}``, by step and metric
        (the figure of the first checkout that showed it)."""
        counts: dict[str, int] = {}
        first: dict[str, str] = {}
        for result in self.results:
            for breach in result.vital_breaches:
                found = _BREACH_KEY.match(breach)
                key = found.group(0) if found else breach  # "step 'pay': CLS"
                first.setdefault(key, breach)
                counts[key] = counts.get(key, 0) + 1
        return {first[key]: count for key, count in counts.items()}

    def a11y_counts(self) -> dict[str, dict[str, int]]:
        """``{step: {impact: violations}}``: the most any one checkout of the round saw (every
        checkout sees the same pages; a count that grows with K would say nothing more)."""
        most: dict[str, dict[str, int]] = {}
        for result in self.results:
            for step, counts in result.a11y_counts.items():
                into = most.setdefault(step, {})
                for impact, count in counts.items():
                    into[impact] = max(count, into.get(impact, 0))
        return most

    @property
    def cleanup_failures(self) -> list[str]:
        """Everything this round created and could not remove."""
        return [f for r in self.results for f in r.cleanup_failures]

    def failures_by_category(self) -> dict[str, int]:
        """``{"payment_error": 4, ...}``, most common first; uncategorised as ``"unknown"``."""
        counts = Counter(r.category or "unknown" for r in self.failed_results)
        return dict(counts.most_common())

    def top_failure(self) -> CheckoutResult | None:
        """A failed checkout of the most common category (the first one seen), or None."""
        by_category = self.failures_by_category()
        if not by_category:
            return None
        top = next(iter(by_category))
        return next(r for r in self.failed_results if (r.category or "unknown") == top)

    def health_snapshot(self) -> HealthSnapshot | None:
        """The ``health`` dict as a :class:`HealthSnapshot` (None when there was none)."""
        return snapshot_from_dict(self.health)


def snapshot_from_dict(health: dict[str, Any] | None) -> HealthSnapshot | None:
    """Rebuild a :class:`HealthSnapshot` from its dict form (list or ``/health`` mapping)."""
    return None if health is None else HealthSnapshot.from_dict(health)
