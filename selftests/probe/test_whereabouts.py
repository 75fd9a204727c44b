"""What a checkout that hung past the round timeout becomes: whose fault depends on where."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from checkout_probe.evidence.record import StepRecord
from checkout_probe.probe.model import ERROR, FAILED
from checkout_probe.probe.whereabouts import StepFailure, Whereabouts


def _at(phase: str, *steps: tuple[str, str], failed: StepFailure | None = None) -> Whereabouts:
    at = Whereabouts()
    at.phase = phase
    records = [StepRecord(key, key, status=status) for key, status in steps]
    at.journey = cast(Any, SimpleNamespace(steps=records)) if steps else None
    at.failed = failed
    return at


def test_inside_a_step_it_is_the_shops_slow_step_named() -> None:
    hung = _at("journey", ("open catalog", "passed"), ("pay", "running")).hung(
        60, journey="guest checkout", device="Desktop Chrome"
    )
    assert (hung.outcome, hung.category, hung.failing_step) == (FAILED, "slow", "pay")
    assert hung.message == "step 'pay' still running at the round timeout (60 s), over its budget"
    assert (hung.journey, hung.device) == ("guest checkout", "Desktop Chrome")


@pytest.mark.parametrize(
    ("phase", "doing"),
    [
        ("start", "waiting for its browser"),
        ("context", "opening its browser context and page"),
        ("journey", "the journey's own code between steps"),
        ("close", "closing its browser context"),
        ("cleanup", "cleaning up its orders (the order adapter)"),
    ],
)
def test_outside_any_step_it_is_a_harness_error_not_the_shops(phase: str, doing: str) -> None:
    steps = [("open catalog", "passed")] if phase in {"journey", "close", "cleanup"} else []
    hung = _at(phase, *steps).hung(25, journey="j", device="d")
    assert (hung.outcome, hung.category, hung.failing_step) == (ERROR, "harness_error", None)
    assert hung.message == (
        f"hung outside any step, {doing}, at the round timeout (25 s): "
        "a browser or harness hang, no verdict on the shop"
    )
    assert not hung.failed  # counts neither way in the rule: never pages the shop's team


def test_after_a_failed_step_the_hang_is_the_browsers_and_the_failure_is_quoted() -> None:
    # Stopping a trace or closing a context waits only on the browser: it stopped answering,
    # and a step that failed in it is no sure verdict on the shop.
    seen = StepFailure("pay", "step 'pay': no 'Pay now' button within 3 s")
    hung = _at("evidence", ("pay", "failed"), failed=seen).hung(60, journey="j", device="d")
    assert (hung.outcome, hung.category, hung.failing_step) == (ERROR, "harness_error", "pay")
    assert hung.message == (
        "hung outside any step, keeping its evidence (trace, screenshot), at the round timeout "
        "(60 s) after step 'pay': no 'Pay now' button within 3 s: a browser or harness hang, "
        "no verdict on the shop"
    )


def test_hung_reading_a_failed_steps_evidence_says_so() -> None:
    hung = _at("journey", ("open catalog", "passed"), ("pay", "failed")).hung(
        60, journey="j", device="d"
    )
    assert (hung.outcome, hung.category) == (ERROR, "harness_error")
    assert hung.message.startswith(
        "hung outside any step, reading the evidence of the failed step 'pay', at the round"
    )
