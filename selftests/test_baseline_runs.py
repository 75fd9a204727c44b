"""Self-tests: the baseline as users run it, against real demo shops in a real browser.

``verify`` judged by a recorded baseline catches a slowdown that stays within every
budget; a suite run records one; the probe builds its own from its history and
alerts on the same slowdown without any file.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.model import CheckoutResult, Round
from checkout_probe.probe.rule import DecisionRule
from selftests.helpers import run_suites, run_verify
from selftests.matrix import BASELINE
from selftests.probe.running import admin, alerts, demo_shop, run_probe
from selftests.probe.support import CADENCE, HEALTH_OK, T0, http_receiver

FIXED_CART = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)


def test_verify_with_a_baseline_fails_a_slowdown_within_budget_as_slow(tmp_path: Path) -> None:
    code, output, _ = run_verify(
        "--env", "local", "--reports", str(tmp_path), "--retries", "0", "--workers", "0",
        f"--baseline={BASELINE}", "--shop-arg=--fault=slow-order-endpoint",
        "--shop-arg=--fault-delay=3",
    )  # fmt: skip

    assert code == 1, output
    assert "[slow]" in output
    assert "its baseline p95 of" in output and "baseline demo-baseline.json" in output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["categories"]) == {"slow"}, summary["categories"]
    assert summary["baseline"]["used"] == "baseline demo-baseline.json"


def test_a_suite_run_records_the_step_times_of_its_passed_checkouts(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"

    run = run_suites(tmp_path / "reports", FIXED_CART, f"--record-baseline={path}")

    assert run.returncode == 0, run.output[-3000:]
    assert f"baseline: added the step times of 1 passed checkouts to {path}" in run.output
    steps = json.loads(path.read_text())["steps"]
    assert {"open catalog", "add to cart", "pay", "place order", "confirmation"} <= set(steps)
    assert all(len(times) == 1 and times[0] > 0 for times in steps.values())


def _repeat_clean_round(history: Path, times: int, judged: str) -> None:
    """Store ``times`` more rounds like the (clean) one in ``history``: its checkouts, the
    ``judged`` step taking that round's p95 (its baseline is the real round's own), the
    others three times theirs. They share the machine with other tests: a clean round on a
    quiet moment made a later loaded one's 'review cart' over three times its usual."""
    store = HistoryStore(f"sqlite:///{history}")
    (real,) = store.recent("local")
    assert real.failures == 0 and real.step_p95, real
    usual = {step: p95 * (1 if step == judged else 3) for step, p95 in real.step_p95.items()}
    passed = CheckoutResult("passed", None, None, "", usual, [], journey="guest checkout")
    for index in range(times):
        started = T0 + index * CADENCE
        finished = started + timedelta(seconds=60)
        round_ = Round(started, finished, "local", "1.0.0", (passed,) * real.k, HEALTH_OK)
        store.add(round_, DecisionRule().decide([(0, real.k)]))
    store.close()


def test_the_probe_alerts_on_a_slowdown_against_its_own_history(tmp_path: Path) -> None:
    with demo_shop(tmp_path / "shop") as shop, http_receiver() as receiver:
        assert shop.url is not None
        # A baseline needs 20 checkouts of every step: one real clean round of 5, stored
        # with its step times, and three more like it (three more real ones took a minute).
        clean = run_probe(shop.url, tmp_path, "--once", "--checkouts", "5")
        _repeat_clean_round(tmp_path / "history.sqlite", times=3, judged="place order")
        # 12 s more to place an order, within a budget raised to 40 s: far above its usual
        # time even when the clean rounds ran on a loaded machine (their p95 is then ~2-3 s).
        admin(shop, "/admin/faults", {"fault": "slow-order-endpoint", "delay": 12})
        slow = run_probe(
            # Two browsers, as in the clean rounds: three at once on two cores slowed 'pay'
            # past its own baseline before the slow step was reached.
            shop.url, tmp_path, "--once", "--checkouts", "3", "--workers", "2",
            "--webhook", receiver.url,
            "--step-budget", "place order=40", "--action-timeout", "30",
        )  # fmt: skip
        sent = alerts(receiver.requests)

    assert clean.returncode == 0, clean.output
    assert " 0/5 failed" in clean.rounds()[0], clean.rounds()
    assert slow.returncode == 1, slow.output
    assert "3/3 failed" in slow.rounds()[0] and "top slow at 'place order'" in slow.rounds()[0]
    firing = sent[0]
    assert firing["kind"] == "firing" and firing["top_category"] == "slow"
    assert "its baseline p95 of" in firing["sample_message"]
    assert "the probe's last 12 rounds without failures" in firing["sample_message"]
