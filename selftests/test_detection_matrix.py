"""Self-tests: every fault of the demo shop is caught and labelled right; healthy stays green.

Each case runs the checkouts that can show it (the smoke suite, the tests of its kind, or
``verify`` with its gate) in a process of its own against a demo shop started with the
fault, in a real browser (``selftests/matrix.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from selftests.doc_samples import assert_sample_in
from selftests.helpers import run_suites
from selftests.matrix import CLEANUP, MATRIX, FaultCase, run_case

#: The cases whose diagnosis the docs show, and their samples' names.
_SAMPLES = {
    "bad-db-connection-string": "pytest-broken-order-database",
    "layout-shift": "pytest-layout-shift",
}


@pytest.mark.parametrize("case", MATRIX, ids=lambda c: c.name)
def test_smoke_suite_detects_fault_with_expected_category(case: FaultCase, tmp_path: Path) -> None:
    row = run_case(case, tmp_path)

    if case.expected is None:
        assert row.returncode == 0, row
        selected = 3 if case.selection == FaultCase(None, None).selection else 1
        assert row.outcomes.get("passed", 0) >= selected and not row.categories, row
    elif case.expected == CLEANUP:
        # The checkouts pass: the fault is in what cleanup leaves behind, read back.
        assert row.returncode == 0, row
        assert row.category == CLEANUP and case.says in row.failure_text, row
    else:
        assert row.returncode == 1, f"{case.name} was not detected: {row}"
        assert row.category == case.expected, row
        if case.says:  # the evidence that points at the cause, not a timeout waited out
            assert case.says in row.failure_text, row.failure_text
            assert case.waited_out or "Timeout" not in row.failure_text, row.failure_text
    assert row.detected
    if case.name in _SAMPLES:  # the docs show this case's diagnosis
        # pytest prints a failure's lines after "E": the docs show the diagnosis itself.
        diagnosis = "\n".join(line.removeprefix("E") for line in row.output.splitlines())
        assert_sample_in(_SAMPLES[case.name], diagnosis)


def test_partial_outage_at_20_percent_single_checkout_passes_or_fails_as_payment_error(
    tmp_path: Path,
) -> None:
    # One checkout can only show what one session saw: 80 % of the time it passes.
    # Catching the rate is the scheduled probe's job (many checkouts, statistics).
    run = run_suites(
        tmp_path,
        "tests/test_guest_checkout.py",
        "-m",
        "smoke",
        "--shop-arg=--fault=partial",
        "--shop-arg=--fault-rate=0.2",
    )
    (test,) = run.summary()["tests"]
    assert (run.returncode, test["outcome"], test["category"]) in {
        (0, "passed", None),
        (1, "failed", "payment_error"),
    }, run.output[-3000:]
