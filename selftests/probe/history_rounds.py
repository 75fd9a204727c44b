"""Rounds of a made-up history (a bad deploy on a 5-minute schedule) for the history tests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_command import main
from checkout_probe.probe.model import CheckoutResult, Round
from checkout_probe.probe.rule import HEALTHY, DecisionRule
from selftests.probe.support import CADENCE, HEALTH_DB_DOWN, HEALTH_OK, T0

RULE = DecisionRule()
#: The first line of a diagnosis, as the harness writes it for the bad-db-connection-string fault.
BAD_DB = (
    "step 'place order' failed [payment_error]: page showed 'Payment Processing Error We could"
    " not complete your order. Please try again.'\n"
    '  failing request: POST /api/orders → 500 \'{"detail":"could not connect to database"}\'\n'
    "  /health right after: degraded — order-service database: unable to open database file"
)


def checkout(round_no: int, n: int, *, fails: bool) -> CheckoutResult:
    """One checkout of round ``round_no``; a failed one carries its trace and screenshot."""
    steps = {"open catalog": 0.4, "add to cart": 0.6, "place order": 1.1 + n / 100}
    if not fails:
        return CheckoutResult("passed", None, None, "", steps, [])
    evidence = [
        f"reports/probe/evidence/r{round_no}/c{n}/{name}" for name in ("trace.zip", "fail.png")
    ]
    return CheckoutResult("failed", "payment_error", "place order", BAD_DB, steps, evidence)


def make_round(index: int, failures: int, version: str, env: str = "prod") -> Round:
    """Round ``index`` of the 5-minute schedule: ``failures`` of 20 checkouts fail."""
    started = T0 + index * CADENCE
    return Round(
        started_at=started,
        finished_at=started + timedelta(seconds=80),
        env=env,
        shop_version=version,
        results=tuple(checkout(index, n, fails=n < failures) for n in range(20)),
        health=HEALTH_DB_DOWN if failures else HEALTH_OK,
    )


def record(store: HistoryStore, rounds: list[Round]) -> None:
    """Judge each round with the real decision rule, as the probe does, and store it."""
    for round_ in rounds:
        before = store.recent(round_.env, RULE.window_rounds - 1)
        previous = before[-1].verdict if before else HEALTHY
        window = [(r.failures, r.k) for r in before] + [(round_.failures, round_.checkouts)]
        store.add(round_, RULE.decide(window, previous))


def bad_deploy() -> list[Round]:
    """Four healthy rounds on 1.4.1; 1.4.2 fails a few checkouts, then a third of them."""
    healthy = [make_round(i, 0, "1.4.1") for i in range(4)]
    return [*healthy, *(make_round(4 + i, f, "1.4.2") for i, f in enumerate((2, 5, 6, 7)))]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """``checkout-probe history ARGV``; returns what it printed (exit 0 asserted)."""
    assert main(list(argv)) == 0
    return capsys.readouterr().out
