"""pytest plugin for ``verify``: one live line per checkout instead of pytest's own output
(with ``verify --json``: one JSON object per checkout on stdout, the line on stderr)."""

from __future__ import annotations

import json
import os
import sys

import pytest

from checkout_probe.evidence.record import RECORD_PROPERTY, CheckoutRecord

#: The variable verify sets for its child when it was asked for ``--json``.
PROGRESS_FORMAT = "CHECKOUT_PROBE_PROGRESS"


def _name(nodeid: str) -> str:
    test = nodeid.split("::")[-1]
    return test.removeprefix("test_").replace("[chromium]", "").replace("_", " ")


class Progress:
    """Prints a line per finished checkout (on the controller only)."""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        _print_line(report)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(Progress(), "checkout-probe-verify-progress")


def _print_line(report: pytest.TestReport) -> None:
    if not (report.when == "call" or (report.when == "setup" and report.failed)):
        return
    record = next(
        (CheckoutRecord.from_dict(json.loads(str(v))) for k, v in report.user_properties
         if k == RECORD_PROPERTY),
        None,
    )  # fmt: skip
    # pytest-rerunfailures reports a retried attempt with the outcome "rerun".
    outcome = str(report.outcome)
    mark = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP", "rerun": "FAIL"}[outcome]
    line = f"  {mark} {_name(report.nodeid)} ({report.duration:.1f} s)"
    if outcome in ("failed", "rerun"):
        line += f" [{(record and record.category) or 'harness_error'}]"
        if record and record.failing_step:
            line += f" at step '{record.failing_step}'"
    if outcome == "rerun":
        line += " — retrying once"
    if os.environ.get(PROGRESS_FORMAT) != "json":
        print(line, flush=True, file=sys.stdout)
        return
    print(line, flush=True, file=sys.stderr)
    record_json = {
        "type": "checkout", "test": report.nodeid, "outcome": outcome,
        "category": record.category if record and outcome != "passed" else None,
        "failing_step": record.failing_step if record else None,
        "seconds": round(report.duration, 3), "retrying": outcome == "rerun",
    }  # fmt: skip
    print(json.dumps(record_json), flush=True, file=sys.stdout)
