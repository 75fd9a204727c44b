"""What a verify run means: its exit code from pytest's and the summary, and what it prints.

pytest's own exit codes never pass through as verify's: they collide (pytest's 3
is INTERNALERROR, verify's 3 is "target unreachable"). The summary decides
instead, and a run that checked nothing out is its own outcome, never a pass.
"""

from __future__ import annotations

import pytest

from checkout_probe.basics.errors import (
    PYTEST_TARGET_UNHEALTHY,
    PYTEST_TARGET_UNREACHABLE,
    ExitCode,
)
from checkout_probe.evidence.record import FAILED, PASSED, SKIPPED, RunSummary
from checkout_probe.target.health import HealthSnapshot

_PYTEST = pytest.ExitCode


def _no_checkout(summary: RunSummary, marker: str) -> str:
    tests = summary.tests
    if not tests:
        return f"verify ran no checkout: no test is marked '{marker}' in the project"
    reasons = sorted({t.skip_reason for t in tests if t.skip_reason})
    why = f" ({'; '.join(reasons)})" if reasons else ""
    skipped = summary.count(SKIPPED)
    return (
        f"verify ran no checkout: {len(tests)} selected, {skipped} skipped{why}, "
        f"{len(tests) - skipped} without a journey step"
    )


def decide(returncode: int, summary: RunSummary | None, marker: str) -> tuple[ExitCode, str]:
    """verify's exit code and, where it needs one, the line that explains it."""
    if returncode in (PYTEST_TARGET_UNREACHABLE, PYTEST_TARGET_UNHEALTHY):
        return ExitCode.TARGET_UNREACHABLE, ""  # the preflight's line is already printed
    if returncode == _PYTEST.USAGE_ERROR:
        return ExitCode.USAGE, ""  # pytest printed the one line
    if returncode == _PYTEST.NO_TESTS_COLLECTED:
        return ExitCode.NO_CHECKOUT, (
            f"verify ran no checkout: no test is marked '{marker}' in the project"
        )
    if summary is None:
        return ExitCode.HARNESS_ERROR, f"pytest exited {returncode} and wrote no summary.json"
    if returncode not in (_PYTEST.OK, _PYTEST.TESTS_FAILED):
        # INTERNALERROR, an interrupted session: a harness problem, never "roll back".
        return ExitCode.HARNESS_ERROR, f"pytest exited {returncode} ({_name(returncode)})"
    failed = [t for t in summary.tests if t.outcome == FAILED]
    if failed:
        categories = {t.category for t in failed}
        if categories == {"target_unreachable"}:
            return ExitCode.TARGET_UNREACHABLE, ""
        if categories == {"harness_error"}:
            return ExitCode.HARNESS_ERROR, ""
        return ExitCode.CHECKOUT_FAILED, ""
    if summary.checkouts == 0:
        return ExitCode.NO_CHECKOUT, _no_checkout(summary, marker)
    return ExitCode.OK, ""


def label(code: ExitCode, returncode: int) -> str:
    """How the verdict line names ``code``: a shop that answered but was unhealthy at
    preflight is not "unreachable"."""
    if code == ExitCode.TARGET_UNREACHABLE and returncode == PYTEST_TARGET_UNHEALTHY:
        return "unhealthy at preflight"
    return code.name.lower().replace("_", " ")


def _name(returncode: int) -> str:
    try:
        return _PYTEST(returncode).name.lower().replace("_", " ")
    except ValueError:
        return "unknown"


def print_summary(summary: RunSummary, rollout_s: float | None) -> None:
    """The few lines a deploy job's log shows: totals, then each failure's diagnosis."""
    versions = ", ".join(summary.shop_versions) or "unknown"
    rollout = f" · rollout took {rollout_s:.0f} s" if rollout_s is not None else ""
    print(f"env {summary.env} · {summary.target} · shop version {versions}{rollout}")
    flaky = sum(1 for t in summary.tests if t.flaky)
    print(
        f"{summary.count(PASSED)} passed, {summary.count(FAILED)} failed, "
        f"{summary.count(SKIPPED)} skipped, {flaky} flaky"
    )
    for test in summary.tests:
        if test.flaky:
            print(f"FLAKY {test.nodeid}: {test.note}")
        if test.outcome == SKIPPED and test.skip_reason:
            print(f"SKIPPED {test.nodeid}: {test.skip_reason}")
        for what in test.not_done:
            print(f"NOT DONE {test.nodeid}: {what}")
        if test.outcome != FAILED:
            continue
        print(f"FAILED {test.nodeid} [{test.category}]")
        if test.reason:
            print(f"  {test.reason}")
        diagnosis = test.diagnosis
        if diagnosis:
            print(f"  step '{diagnosis['step']}': {diagnosis['reason']}")
            for request in diagnosis.get("failed_requests", [])[:2]:
                status = request.get("status") or f"no response ({request.get('error')})"
                print(f"  request: {request['method']} {request['path']} → {status} "
                      f"{request.get('body_excerpt', '')[:160]!r}")  # fmt: skip
            if diagnosis.get("health"):
                print(f"  /health: {HealthSnapshot.from_dict(diagnosis['health']).describe()}")
            print(f"  look first at: {diagnosis['look_first']}")
        traces = [a for a in test.artifacts if a.endswith(".zip")]
        if traces:
            print(f"  trace: {traces[-1]}")
    for test in summary.tests:
        for left in test.cleanup:
            if not left.ok:
                print(f"CLEANUP FAILED {left.kind} {left.key}: {left.detail}")
