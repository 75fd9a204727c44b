"""Self-tests of the deploy gate's rule: its exact odds, its boundaries, its start-up check,
and which attempts it counts (no browser)."""

from __future__ import annotations

import argparse
import random

import pytest

from checkout_probe.basics.errors import ConfigError, ExitCode
from checkout_probe.evidence.record import Attempt, CheckoutRecord, RunSummary, StepRecord
from checkout_probe.settings.config import Settings
from checkout_probe.shop import Shop
from checkout_probe.verify.burst import smoke_trials, typical_seconds
from checkout_probe.verify.gate import check_fits, decide
from checkout_probe.verify.gate_rule import KEEP, ROLL_BACK, GateRule


def _simulate(rule: GateRule, rate: float, runs: int, seed: int) -> tuple[float, float]:
    """Roll-back frequency and mean checkouts of ``runs`` simulated gates."""
    rng = random.Random(seed)
    rolled_back = checkouts = 0
    for _ in range(runs):
        failures = n = 0
        decision = None
        while decision is None:
            n += 1
            failures += rng.random() < rate
            decision = rule.decide(failures, n)
        rolled_back += decision == ROLL_BACK
        checkouts += n
    return rolled_back / runs, checkouts / runs


@pytest.mark.parametrize("rate", [0.0, 0.01, 0.05, 0.2])
def test_the_exact_odds_agree_with_simulated_gates(rate: float) -> None:
    rule = GateRule()
    odds = rule.odds(rate)
    runs = 20_000
    simulated, mean_n = _simulate(rule, rate, runs, seed=int(rate * 1000) + 7)
    # Four standard errors of a binomial frequency (and a floor for p near 0 or 1).
    spread = 4 * (odds.roll_back * (1 - odds.roll_back) / runs) ** 0.5 + 1e-3
    assert abs(simulated - odds.roll_back) <= spread, (simulated, odds)
    assert abs(mean_n - odds.expected_checkouts) <= 0.05 * odds.expected_checkouts, (mean_n, odds)


def test_the_default_rule_meets_the_gates_targets() -> None:
    rule = GateRule()
    rule.check()
    assert rule.odds(0.01).roll_back <= 0.01  # a healthy deploy: rolled back at most 1 %
    assert rule.odds(0.20).roll_back >= 0.95  # the incident's 20 %: rolled back at least 95 %
    assert rule.fewest_to_keep == 15
    assert rule.odds(0.0).expected_checkouts == 15


def test_two_early_failures_roll_back_and_a_clean_run_keeps() -> None:
    rule = GateRule()
    assert rule.decide(2, 2) == ROLL_BACK
    assert rule.decide(0, 14) is None
    assert rule.decide(0, 15) == KEEP
    assert rule.decide(1, 29) is None
    assert rule.decide(1, 30) == KEEP


def test_undecided_at_the_most_checkouts_rolls_back() -> None:
    rule = GateRule(max_checkouts=20)
    # One failure in 20: neither boundary is reached, and there is no evidence of health.
    assert rule.llr(1, 20) > rule.lower
    assert rule.decide(1, 20) == ROLL_BACK


def test_a_rule_that_cannot_keep_a_deploy_in_its_checkouts_is_refused_with_the_fix() -> None:
    with pytest.raises(ConfigError, match=r"needs 15 passed checkouts.*--gate-checkouts 45"):
        GateRule(max_checkouts=5).check()


def test_a_rule_that_misses_its_targets_is_refused_with_the_smallest_that_meets_them() -> None:
    with pytest.raises(ConfigError, match=r"rolls back a healthy deploy with .*use --gate"):
        GateRule(max_checkouts=20).check()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"healthy_rate": 0.3}, "must be above 0 and below the outage rate"),
        ({"false_rollback": 0.6}, "--false-rollback 0.6 must be between 0 and 0.5"),
        ({"max_checkouts": 0}, "--gate-checkouts 0 must be between 1 and 1000"),
    ],
)
def test_impossible_rules_are_one_line_errors(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        GateRule(**kwargs)  # type: ignore[arg-type]


def test_a_burst_that_cannot_finish_in_the_time_left_is_refused_with_a_timeout_that_fits() -> None:
    with pytest.raises(ConfigError, match=r"need 75 s, and 13 s of --timeout 25 .* --timeout 87"):
        check_fits(GateRule(), 2.5, 2, 13.0, 25.0, "the smoke checkouts' median")
    check_fits(GateRule(), 2.5, 2, 80.0, 600.0, "fits")  # no error


def _record(name: str, outcome: str, attempts: tuple[Attempt, ...], category: str | None = None
            ) -> CheckoutRecord:  # fmt: skip
    return CheckoutRecord(
        nodeid=f"tests/t.py::test_{name}", outcome=outcome, category=category,
        steps=(StepRecord("pay", "pay", status="passed"),), attempts=attempts,
    )  # fmt: skip


SUMMARY = RunSummary(
    "run", "local", "demo",
    (
        _record("flaky", "passed", (Attempt("failed", "payment_error", "place order", 1.0),
                                    Attempt("passed", None, None, 2.0))),
        _record("steady", "passed", (Attempt("passed", None, None, 3.0),)),
        _record("ours", "failed", (Attempt("failed", "harness_error", None, 0.5),),
                category="harness_error"),
        CheckoutRecord("tests/t.py::test_skipped", "skipped"),
    ),
)  # fmt: skip


def test_a_retried_checkout_that_passed_is_a_failure_and_a_pass_for_the_rule() -> None:
    trials = smoke_trials(SUMMARY)
    assert [(t.name, t.failed) for t in trials] == [
        ("flaky", True), ("flaky", False), ("steady", False),
    ]  # fmt: skip
    assert trials[0].category == "payment_error" and trials[0].step == "place order"
    assert typical_seconds(trials) == 3.0  # the median of the passed ones (2.0, 3.0)


def _args(**overrides: object) -> argparse.Namespace:
    values = {"workers": 2, "timeout": 600.0, "gate_checkouts": 60}
    return argparse.Namespace(**{**values, **overrides})


def test_without_journeys_the_smoke_attempts_decide_alone_and_a_flaky_one_rolls_back(
    tmp_path: object,
) -> None:
    said: list[str] = []
    settings = Settings(shop=Shop(name="no journeys"))
    code, outcome = decide(_args(), settings, GateRule(), SUMMARY, 0.0, tmp_path, said.append)  # type: ignore[arg-type]
    assert (code, outcome.decision) == (ExitCode.CHECKOUT_FAILED, ROLL_BACK)
    assert "no burst (the project declares no Shop.journeys)" in said[0]
    # Three attempts alone keep a 20 % outage with 0.8³ ≈ 51 %: said, not hidden.
    assert "probability 51%" in said[0]
