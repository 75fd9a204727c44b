"""After the smoke checkouts: the gate's decision, by its rule, on them and on a burst.

The rule (:mod:`.gate_rule`) is built and checked before anything runs; here it is fed
every smoke attempt, then (when the project declares probe journeys) a burst of them run
in parallel until it decides (:mod:`.burst`). Without journeys, or with
``--gate-checkouts 0``, the smoke attempts decide alone, and verify says how weak that is.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from checkout_probe.basics.errors import ConfigError, ExitCode
from checkout_probe.evidence.record import RunSummary
from checkout_probe.settings.config import Settings
from checkout_probe.target import LocalShop, Target, make_target
from checkout_probe.verify.burst import GateOutcome, run_burst, smoke_trials, typical_seconds
from checkout_probe.verify.gate_rule import KEEP, ROLL_BACK, GateRule


def gate_rule(args: argparse.Namespace) -> GateRule | None:
    """The rule verify's options ask for (None: ``--gate-checkouts 0``, smoke only)."""
    if args.gate_checkouts == 0:
        return None
    return GateRule(
        healthy_rate=args.healthy_rate,
        outage_rate=args.outage_rate,
        false_rollback=args.false_rollback,
        missed_outage=args.missed_outage,
        max_checkouts=args.gate_checkouts,
    )


def check_fits(
    rule: GateRule, checkout_s: float, workers: int, left_s: float, timeout_s: float, why: str
) -> None:
    """Refuse (exit 2) a rule whose most checkouts cannot finish in the time left."""
    browsers = max(workers, 1)
    need_s = rule.max_checkouts * checkout_s / browsers
    if need_s <= left_s:
        return
    on = f"{browsers} browser" + ("s" if browsers != 1 else "")
    raise ConfigError(
        f"gate rule: up to {rule.max_checkouts} checkouts of {checkout_s:.1f} s ({why}) on "
        f"{on} need {need_s:.0f} s, and {max(left_s, 0):.0f} s of --timeout "
        f"{timeout_s:.0f} are left: use --timeout {timeout_s + need_s - left_s:.0f} or more, "
        "more --workers, or fewer --gate-checkouts (if its odds allow)"
    )


def decide(
    args: argparse.Namespace,
    settings: Settings,
    rule: GateRule | None,
    summary: RunSummary,
    deadline: float,
    reports: Path,
    say: Callable[[str], None],
) -> tuple[ExitCode, GateOutcome]:
    """Keep (exit 0) or roll back (exit 1) after the smoke checkouts passed their retries."""
    outcome = GateOutcome(decision=None, trials=smoke_trials(summary))
    if rule is None or not settings.shop.journeys:
        return _smoke_only(outcome, rule, settings, say)
    outcome.decision = rule.decide(outcome.failures, outcome.checkouts)
    if outcome.decision is None:
        typical = typical_seconds(outcome.trials)
        if typical is not None:
            check_fits(rule, typical, args.workers, deadline - time.monotonic(), args.timeout,
                       "the smoke checkouts' median")  # fmt: skip
        say(
            f"gate: {outcome.failures} of {outcome.checkouts} smoke attempts failed; running "
            f"the project's journeys ({', '.join(settings.shop.journeys)}) on "
            f"{max(args.workers, 1)} browsers until the rule decides"
        )
        with ExitStack() as stack:
            target = _burst_target(settings, stack)
            run_burst(settings, target, rule, outcome, max(args.workers, 1), deadline,
                      reports / "gate", say)  # fmt: skip
    if outcome.decision is None:  # only harness errors: nothing said anything of the shop
        return ExitCode.HARNESS_ERROR, outcome
    _say_decision(rule, outcome, say)
    return (ExitCode.OK if outcome.decision == KEEP else ExitCode.CHECKOUT_FAILED), outcome


def _smoke_only(
    outcome: GateOutcome, rule: GateRule | None, settings: Settings, say: Callable[[str], None]
) -> tuple[ExitCode, GateOutcome]:
    why = "--gate-checkouts 0" if rule is None else "the project declares no Shop.journeys"
    n = outcome.checkouts
    outage = rule.outage_rate if rule is not None else 0.2
    say(
        f"gate: no burst ({why}): decided on {n} smoke attempts alone, any failure rolls back; "
        f"that keeps a deploy failing {outage:.0%} of its checkouts with probability "
        f"{(1 - outage) ** n:.0%}"
    )
    outcome.decision = ROLL_BACK if outcome.failures else KEEP
    return (ExitCode.CHECKOUT_FAILED if outcome.failures else ExitCode.OK), outcome


def _say_decision(rule: GateRule, outcome: GateOutcome, say: Callable[[str], None]) -> None:
    llr = rule.llr(outcome.failures, outcome.checkouts)
    if outcome.truncated:
        how = f"{outcome.truncated}: no evidence that the deploy is healthy"
    elif outcome.decision == KEEP:
        how = f"LLR {llr:.2f} ≤ {rule.lower:.2f}"
    else:
        how = f"LLR {llr:.2f} ≥ {rule.upper:.2f}"
    say(
        f"gate: {outcome.decision} — {outcome.failures} of {outcome.checkouts} checkouts failed "
        f"({how})"
    )
    # The smoke failures' diagnoses are printed with the smoke summary; the burst's first
    # failure is what the deploy job's reader needs to see next.
    first = next((t for t in outcome.trials if t.failed and t.source == "burst"), None)
    if first is not None and outcome.decision == ROLL_BACK:
        say(f"FAILED burst checkout {first.name} [{first.category}]")
        for line in first.message.splitlines()[:6]:
            say(f"  {line.strip()}")
        if first.evidence:
            say(f"  evidence: {', '.join(first.evidence)}")
    for left in outcome.cleanup_failures:
        say(f"CLEANUP FAILED {left}")


def _burst_target(settings: Settings, stack: ExitStack) -> Target:
    if not settings.is_local:
        assert settings.base_url is not None
        return make_target(settings, settings.base_url)
    # The smoke run's demo shops stopped with it: the burst gets one of its own, with the
    # same --shop-arg (a fault under test applies to it too).
    workdir = Path(tempfile.mkdtemp(prefix="checkout-probe-gate-"))
    stack.callback(shutil.rmtree, workdir, ignore_errors=True)
    shop = LocalShop(workdir, settings.shop_args)
    shop.start()
    stack.callback(shop.stop)
    return make_target(settings, shop.url or "", api_token=shop.api_token)
