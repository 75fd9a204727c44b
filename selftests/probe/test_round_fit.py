"""Self-tests: a round that cannot fit its timeout is said (and refused with --once), and
what the round timeout cut or never started counts neither way (no browser)."""

from __future__ import annotations

from dataclasses import replace

from checkout_probe.probe.model import CUT, NOT_RUN, CheckoutResult
from checkout_probe.probe.round_fit import checkout_p95_from, checkout_p95_of, misfit
from checkout_probe.probe.round_line import round_line, vitals_summary
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.settings.baseline import Baseline, StepBaseline
from selftests.probe.support import make_round


def test_twenty_ten_second_checkouts_on_two_browsers_do_not_fit_sixty_seconds() -> None:
    line = misfit(20, 2, 60.0, 10.0, "p95 of this round")
    assert line.startswith("round does not fit: 20 checkouts of 10.0 s (p95 of this round) on 2")
    # 10 checkouts per browser of 10 s, with a quarter of headroom: 125 s. In 60 s a browser
    # fits 4 (50 s): 5 browsers for 20, or 8 checkouts on 2.
    assert "--round-timeout 125, --workers 5 or --checkouts 8" in line
    assert misfit(4, 2, 60.0, 10.0, "x") == ""


def test_a_checkouts_time_comes_from_the_history_or_from_a_round() -> None:
    baseline = Baseline({"pay": StepBaseline(2.0, 30), "place order": StepBaseline(1.5, 30)}, "h")
    assert checkout_p95_from(baseline) == 3.5
    assert checkout_p95_from(None) is None
    round_ = make_round(0)
    assert checkout_p95_of(round_) is not None


def test_checkouts_cut_or_not_run_at_the_round_timeout_count_neither_way() -> None:
    round_ = make_round(0, 2, k=6)
    cut = CheckoutResult(CUT, None, None, "cut by the round timeout before step 'pay'")
    not_run = CheckoutResult(NOT_RUN, None, None, "not started")
    with_cut = replace(round_, results=(*round_.results, cut, cut, not_run))
    assert (with_cut.checkouts, with_cut.failures) == (6, 2)
    assert (with_cut.cut, with_cut.not_run, with_cut.errors) == (2, 1, 0)
    verdict = DecisionRule().decide([(2, 6)], "healthy")
    line = round_line(1, with_cut, verdict, 61.0)
    assert "2/6 failed" in line and "2 cut and 1 not run at the round timeout" in line


def test_a_healthy_rounds_vitals_breaches_are_one_short_line() -> None:
    breaches = {f"step 'step {i}': LCP {3 + i}.00 s over its 2.50 s budget": 3 for i in range(9)}
    line = vitals_summary(breaches)
    assert line == (
        "web vitals over budget: 27 in 9 steps (LCP; reported, not judged: checkout-probe "
        "history shows them)"
    )
