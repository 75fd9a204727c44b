"""The gate's evidence: every smoke attempt, then a burst of the project's probe journeys in
parallel, fed to the rule (:mod:`checkout_probe.verify.gate_rule`) until it decides.

The burst runs the journeys the probe runs (``Shop.journeys``, in turn), in the probe's
browser pool, each with its own shopper, cart and cleanup. The rule reads outcomes in the
order the checkouts *started*, never in the order they finished: a failing checkout is
often faster than a passing one, and reading in finishing order would let that speed
decide. Checkouts still running when the rule decides stop before their next step (their
orders are found and cleaned up; one that finished first is shown, without changing the
decision); queued ones never start.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

from checkout_probe.evidence.record import FAILED, PASSED, RunSummary
from checkout_probe.probe.checkout import CheckoutJob, job_seed, job_slot
from checkout_probe.probe.model import CUT, ERROR, CheckoutResult
from checkout_probe.probe.runner import CheckoutPool
from checkout_probe.probe.whereabouts import HARNESS_ERROR
from checkout_probe.settings.config import Settings
from checkout_probe.target import Target
from checkout_probe.verify.gate_rule import ROLL_BACK, GateRule

#: How long checkouts still running at the decision may take to finish (and clean up).
SETTLE_S = 60.0


@dataclass(frozen=True)
class Trial:
    """One checkout attempt as the rule counts it."""

    source: str  # "smoke" (a test's attempt) or "burst"
    name: str
    failed: bool
    seconds: float
    category: str | None = None
    step: str | None = None
    message: str = ""
    evidence: tuple[str, ...] = ()

    def line(self, number: int) -> str:
        """``  FAIL burst 8: <journey> (1.2 s) [<category>] at step '<step>'``."""
        text = f"  {'FAIL' if self.failed else 'PASS'} {self.source} {number}: {self.name} " \
               f"({self.seconds:.1f} s)"  # fmt: skip
        if self.failed:
            text += f" [{self.category}]" + (f" at step '{self.step}'" if self.step else "")
        return text

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``summary.json``'s ``gate.trials``)."""
        return {
            "source": self.source, "name": self.name,
            "outcome": FAILED if self.failed else PASSED, "duration_s": round(self.seconds, 3),
            "category": self.category, "failing_step": self.step,
            "message": self.message.splitlines()[0] if self.message else "",
            "evidence": list(self.evidence),
        }  # fmt: skip


@dataclass
class GateOutcome:
    """What the gate decided, on which trials, and what else it saw."""

    decision: str | None
    trials: list[Trial] = field(default_factory=list)
    #: Checkouts that finished after the decision: shown, not counted.
    after_decision: list[Trial] = field(default_factory=list)
    harness_errors: list[str] = field(default_factory=list)
    cleanup_failures: list[str] = field(default_factory=list)
    #: Why the rule decided without reaching a boundary (its maximum, or --timeout); "" if it did.
    truncated: str = ""

    @property
    def failures(self) -> int:
        """Failed trials the rule counted."""
        return sum(t.failed for t in self.trials)

    @property
    def checkouts(self) -> int:
        """Trials the rule counted."""
        return len(self.trials)

    def to_dict(self, rule: GateRule) -> dict[str, object]:
        """``summary.json``'s ``gate`` section."""
        return {
            "decision": self.decision, "checkouts": self.checkouts, "failures": self.failures,
            "llr": round(rule.llr(self.failures, self.checkouts), 3),
            "roll_back_at": round(rule.upper, 3), "keep_at": round(rule.lower, 3),
            "truncated": self.truncated or None,
            "rule": {"healthy_rate": rule.healthy_rate, "outage_rate": rule.outage_rate,
                     "false_rollback": rule.false_rollback, "missed_outage": rule.missed_outage,
                     "max_checkouts": rule.max_checkouts},
            "trials": [t.to_dict() for t in self.trials],
            "after_decision": [t.to_dict() for t in self.after_decision],
            "harness_errors": self.harness_errors, "cleanup_failures": self.cleanup_failures,
        }  # fmt: skip


def smoke_trials(summary: RunSummary) -> list[Trial]:
    """Every attempt of every smoke checkout that drove the shop, in the order they ran.

    A test that failed and then passed on its retry gives one failed and one passed
    trial; a harness or project error gives none (it says nothing about the shop).
    """
    trials = []
    for test in summary.tests:
        if not test.checked_out:
            continue
        attempts = test.attempts or ()
        if not attempts:
            failed = test.outcome == FAILED
            if not (failed and test.category == HARNESS_ERROR):
                trials.append(Trial("smoke", _short(test.nodeid), failed, test.duration_s,
                                    test.category if failed else None,
                                    test.failing_step))  # fmt: skip
            continue
        for attempt in attempts:
            failed = attempt.outcome != PASSED
            if failed and attempt.category == HARNESS_ERROR:
                continue
            trials.append(Trial("smoke", _short(test.nodeid), failed, attempt.duration_s,
                                attempt.category if failed else None,
                                attempt.failing_step if failed else None))  # fmt: skip
    return trials


def _short(nodeid: str) -> str:
    return nodeid.split("::")[-1].removeprefix("test_").replace("_", " ")


def typical_seconds(trials: list[Trial]) -> float | None:
    """The median duration of the passed trials (a checkout's usual time), if any."""
    passed = sorted(t.seconds for t in trials if not t.failed)
    return passed[len(passed) // 2] if passed else None


class _Burst:
    """The burst's checkouts in the order they were queued (= started), and how far the
    rule has read them."""

    def __init__(self, settings: Settings, pool: CheckoutPool, evidence_dir: Path) -> None:
        self.settings = settings
        self.pool = pool
        self.evidence_dir = evidence_dir
        self.futures: list[Future[CheckoutResult]] = []
        self.jobs: list[CheckoutJob] = []
        self.read = 0

    @property
    def pending(self) -> int:
        """Queued or running, not read yet."""
        return len(self.futures) - self.read

    def queue(self) -> None:
        """One more checkout, of the journeys on the devices in turn, with a seed of its own."""
        index = len(self.futures)
        journey, device = job_slot(self.settings, index)
        job = CheckoutJob(
            journey,
            job_seed(self.settings.faker_seed, 0, index),
            self.evidence_dir / f"checkout-{index + 1}",
            device=device,
        )
        self.jobs.append(job)
        self.futures.append(self.pool.submit(job))

    def next_result(self, deadline: float) -> CheckoutResult:
        """The oldest unread checkout's result; FutureTimeout when ``deadline`` passes first."""
        result = self.futures[self.read].result(timeout=max(deadline - time.monotonic(), 0.0))
        self.read += 1
        return result

    def unread(self) -> list[Future[CheckoutResult]]:
        """Checkouts queued or running, not read by the rule."""
        return self.futures[self.read :]

    def stop_running(self) -> None:
        """The rule has decided: running checkouts stop before their next step (their orders
        are found and cleaned up), queued ones never start."""
        self.pool.cancel_queued()
        for job in self.jobs[self.read :]:
            job.cut.set()


def run_burst(
    settings: Settings,
    target: Target,
    rule: GateRule,
    outcome: GateOutcome,
    workers: int,
    deadline: float,
    evidence_dir: Path,
    say: Callable[[str], None],
) -> None:
    """Run the project's journeys until ``rule`` decides on ``outcome``'s trials and theirs.

    ``deadline`` is a ``time.monotonic()`` value: undecided then, the gate rolls back.
    """
    # Cheap traces: the burst counts failures; a failed smoke checkout's retry shows one.
    pool = CheckoutPool(settings, target, workers, full_traces=False)
    burst = _Burst(settings, pool, evidence_dir)
    try:
        while outcome.decision is None:
            # A few checkouts queued beyond the browsers, so none waits for the rule.
            while burst.pending < 2 * workers and (
                outcome.checkouts + burst.pending < rule.max_checkouts
            ):
                burst.queue()
            try:
                result = burst.next_result(deadline)
            except FutureTimeout:
                outcome.truncated = "--timeout ran out before the rule could decide"
                outcome.decision = ROLL_BACK
                break
            _count(outcome, result, say, counted=True)
            if not outcome.trials and len(outcome.harness_errors) >= rule.max_checkouts:
                break  # nothing but harness errors: no decision (exit 4)
            outcome.decision = rule.decide(outcome.failures, outcome.checkouts)
            llr = rule.llr(outcome.failures, outcome.checkouts)
            if outcome.decision == ROLL_BACK and llr < rule.upper:
                outcome.truncated = f"undecided after {rule.max_checkouts} checkouts"
    finally:
        burst.stop_running()
        settle_by = time.monotonic() + SETTLE_S
        for future in burst.unread():
            if future.cancelled():
                continue
            try:
                result = future.result(timeout=max(settle_by - time.monotonic(), 0.0))
            except FutureTimeout:
                continue  # a wedged browser: closing the pool retires it
            _count(outcome, result, say, counted=False)
        burst.pool.close()


def _count(
    outcome: GateOutcome, result: CheckoutResult, say: Callable[[str], None], *, counted: bool
) -> None:
    if result.outcome == CUT:
        outcome.cleanup_failures += result.cleanup_failures
        return  # stopped once the rule had decided: it says nothing either way
    if result.outcome == ERROR:
        outcome.harness_errors.append(f"{result.journey}: {result.message}")
        say(f"  ERROR burst: {result.journey}: {result.message.splitlines()[0]}")
        return
    failed = result.outcome == FAILED
    trial = Trial(
        "burst", result.journey, failed, sum(result.step_durations.values()),
        result.category if failed else None, result.failing_step if failed else None,
        result.message if failed else "", tuple(result.evidence),
    )  # fmt: skip
    outcome.cleanup_failures += result.cleanup_failures
    if counted:
        outcome.trials.append(trial)
        say(trial.line(sum(t.source == "burst" for t in outcome.trials)))
    else:
        outcome.after_decision.append(trial)
        say(trial.line(0).replace(" burst 0:", " burst, after the decision:"))
