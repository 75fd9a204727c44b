"""The probe refuses a decision rule that cannot recover or cannot fire with its K."""

from __future__ import annotations

import re
import subprocess

import pytest

from checkout_probe.basics.errors import ConfigError, ExitCode
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.probe.rule_check import check_rule, describe_rule
from checkout_probe.probe.stats import detection_probability_within, expected_false_alarms
from selftests.helpers import CLI, ROOT
from selftests.probe.support import closed_port


def test_four_checkouts_with_the_default_recovery_is_refused_naming_what_works() -> None:
    with pytest.raises(ConfigError) as refused:
        check_rule(DecisionRule(), 4)
    message = str(refused.value)
    assert "cannot recover" in message and "0 of 8" in message and "32.4%" in message
    suggested = re.search(r"--checkouts (\d+) or more, or --recover-below ([\d.]+)", message)
    assert suggested is not None, message
    k, below = suggested.groups()
    # What it suggests works, and is the least that does.
    check_rule(DecisionRule(), int(k))
    check_rule(DecisionRule(recover_below=float(below)), 4)
    with pytest.raises(ConfigError):
        check_rule(DecisionRule(), int(k) - 1)


def test_a_rule_that_cannot_fire_is_refused() -> None:
    cannot = r"cannot fire: .* even 2 failures of 2 .* --min-failures 3"
    with pytest.raises(ConfigError, match=cannot):
        check_rule(DecisionRule(recover_below=0.7), 1)


def test_the_default_rule_is_described_with_its_exact_error_rates() -> None:
    rule = DecisionRule()
    check_rule(rule, 20)
    line = describe_rule(rule, 20, 300)
    false_alarms = expected_false_alarms(rule, 20, 0.001, 8640)
    assert f"{false_alarms:.3g}" in line and "0.0727" in line
    assert f"{detection_probability_within(rule, 20, 0.2, 2):.1%}" in line


def test_the_probe_refuses_before_it_starts_anything() -> None:
    done = subprocess.run(
        [CLI, "probe", "--once", "--checkouts", "4", "--base-url", f"http://127.0.0.1:{closed_port()}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("checkout-probe probe: decision rule cannot recover: with --checkouts 4")
