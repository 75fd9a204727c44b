"""Self-tests of the deploy gate end to end: ``checkout-probe verify`` against the demo shop,
its burst of the project's journeys, the rule's decision, and its refusals (one line, exit 2).

A partial outage the smoke checkouts cannot see (every 4th order of a shop failing) is
rolled back through the burst: that row is in the detection matrix (``intermittent-orders``).
"""

from __future__ import annotations

import json
from pathlib import Path

from checkout_probe.basics.errors import ExitCode
from selftests.doc_samples import assert_sample_in
from selftests.helpers import lenient_budgets, run_verify


def test_a_healthy_deploy_is_kept_by_the_rule_after_its_burst(tmp_path: Path) -> None:
    # What is under test is the rule: no healthy step may fail as slow on a loaded machine.
    code, output, _ = run_verify("--reports", str(tmp_path), *lenient_budgets())

    assert code == ExitCode.OK, output
    gate = json.loads((tmp_path / "summary.json").read_text())["gate"]
    assert gate["decision"] == "keep" and gate["failures"] == 0
    # Kept on evidence: the fewest passed checkouts that keep (15), smoke attempts included.
    assert gate["checkouts"] >= 15 and gate["llr"] <= gate["keep_at"]
    assert sum(t["source"] == "burst" for t in gate["trials"]) >= 15 - 3
    assert "gate rule: SPRT, healthy 1.0% vs outage 20% failing" in output
    assert "20.0% failing (the outage to catch): rolled back  95.92%" in output
    assert "gate: keep — 0 of " in output
    assert_sample_in("verify-healthy-gate", output, paths=[str(tmp_path)])


def test_a_rule_that_cannot_keep_a_deploy_is_refused_before_any_browser(tmp_path: Path) -> None:
    code, output, seconds = run_verify("--gate-checkouts", "5", "--reports", str(tmp_path))

    assert code == ExitCode.USAGE, output
    (line,) = [ln for ln in output.splitlines() if "gate rule" in ln]
    assert "keeping a deploy needs 15 passed checkouts" in line and "--gate-checkouts 45" in line
    assert "PASS" not in output and seconds < 15


def test_a_burst_that_cannot_fit_the_time_left_is_refused_after_the_smoke_checkouts(
    tmp_path: Path,
) -> None:
    # One browser and 90 s: the smoke checkouts fit even on a loaded machine, and 60 checkouts
    # one after the other need at least 60 times one, which the time left can never hold.
    code, output, _ = run_verify("--timeout", "90", "--workers", "1", "--reports", str(tmp_path))

    assert code == ExitCode.USAGE, output
    (line,) = [ln for ln in output.splitlines() if "gate rule: up to 60 checkouts" in ln]
    assert "on 1 browser need" in line and "of --timeout 90 are left: use --timeout" in line
    assert "PASS burst" not in output  # refused before the burst, not cut in the middle
