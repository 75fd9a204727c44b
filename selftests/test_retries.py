"""Self-tests: a retried checkout keeps both attempts and is reported as flaky, never silent."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from checkout_probe.evidence.record import CheckoutRecord
from checkout_probe.pytest_plugin.reporting import RunReport

NODE = "tests/test_x.py::test_checkout"


def _report(outcome: str) -> Any:
    return SimpleNamespace(outcome=outcome, duration=1.5)


def _attempt(category: str | None, step: str | None, outcome: str) -> CheckoutRecord:
    return CheckoutRecord(NODE, outcome, category=category, failing_step=step)


def test_failed_then_passed_on_retry_keeps_both_attempts_and_says_so() -> None:
    record = RunReport.attempt(None, _attempt("payment_error", "place order", "failed"),
                               _report("rerun"))  # fmt: skip
    record = RunReport.attempt(record, _attempt(None, None, "passed"), _report("passed"))

    data = record.to_dict()
    assert [a["outcome"] for a in data["attempts"]] == ["failed", "passed"]
    assert data["attempts"][0]["category"] == "payment_error"
    assert data["outcome"] == "passed"
    assert data["flaky"] is True
    assert data["note"] == "failed [payment_error] at step 'place order', then passed on retry"
    assert CheckoutRecord.from_dict(data) == record


def test_failed_twice_is_a_failure_not_flaky() -> None:
    record = RunReport.attempt(None, _attempt("server_error", "open catalog", "failed"),
                               _report("rerun"))  # fmt: skip
    record = RunReport.attempt(record, _attempt("server_error", "open catalog", "failed"),
                               _report("failed"))  # fmt: skip

    data = record.to_dict()
    assert data["outcome"] == "failed"
    assert "flaky" not in data
    assert len(data["attempts"]) == 2
