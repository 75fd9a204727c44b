"""Self-tests: a retried checkout keeps both attempts and is reported as flaky, never silent."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fixtures.reporting import RunReport


def _report(outcome: str) -> Any:
    return SimpleNamespace(outcome=outcome, duration=1.5)


def test_failed_then_passed_on_retry_keeps_both_attempts_and_says_so() -> None:
    record: dict[str, Any] = {"category": "payment_error", "failing_step": "place order"}
    RunReport._attempt(record, _report("rerun"))
    record.update(category=None, failing_step=None)
    RunReport._attempt(record, _report("passed"))

    assert [a["outcome"] for a in record["attempts"]] == ["failed", "passed"]
    assert record["attempts"][0]["category"] == "payment_error"
    assert record["outcome"] == "passed"
    assert record["flaky"] is True
    assert record["note"] == "failed [payment_error] at step 'place order', then passed on retry"


def test_failed_twice_is_a_failure_not_flaky() -> None:
    record: dict[str, Any] = {"category": "server_error", "failing_step": "open catalog"}
    RunReport._attempt(record, _report("rerun"))
    RunReport._attempt(record, _report("failed"))

    assert record["outcome"] == "failed"
    assert "flaky" not in record
    assert len(record["attempts"]) == 2
