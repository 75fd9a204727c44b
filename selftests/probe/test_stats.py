"""The decision rule meets its false-alarm and detection targets, exactly and in simulation."""

from __future__ import annotations

import math

import pytest

from checkout_probe.probe.stats import (
    FAILING,
    HEALTHY,
    DecisionRule,
    detection_probability_within,
    expected_false_alarms,
    false_alarm_probability_per_round,
    simulate,
    wilson_interval,
)

RULE = DecisionRule()
K = 20
ROUNDS_PER_30_DAYS = 30 * 24 * 12  # one round every 5 minutes


def binom_tail(n: int, p: float, at_least: int) -> float:
    return 1 - sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(at_least))


def test_wilson_interval_matches_reference_values() -> None:
    # 10/100 at 95 %: the textbook Wilson interval is 5.52 %–17.44 %.
    low, high = wilson_interval(10, 100)
    assert low == pytest.approx(0.05523, abs=5e-5)
    assert high == pytest.approx(0.17437, abs=5e-5)
    zero_low, zero_high = wilson_interval(0, 40)
    assert zero_low == 0.0
    assert zero_high == pytest.approx(0.08762, abs=5e-5)
    assert wilson_interval(20, 20)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_rule_fires_on_three_of_forty_and_holds_until_a_clean_window() -> None:
    assert RULE.decide([(0, 20), (2, 20)]).state == HEALTHY
    fired = RULE.decide([(0, 20), (3, 20)])
    assert fired.state == FAILING
    assert (fired.failures, fired.checkouts, fired.window_rounds) == (3, 40, 2)
    assert fired.rate == pytest.approx(0.075)
    assert fired.low > RULE.threshold
    # Hysteresis: one clean round is not enough while the window still holds failures.
    assert RULE.decide([(3, 20), (0, 20)], previous=FAILING).state == FAILING
    assert RULE.decide([(0, 20), (0, 20)], previous=FAILING).state == HEALTHY
    # Only the last window_rounds rounds count.
    assert RULE.decide([(9, 20), (0, 20), (0, 20)]).failures == 0


def test_exact_false_alarm_rate_is_at_most_one_per_30_days() -> None:
    per_round = false_alarm_probability_per_round(RULE, K, 0.001)
    assert per_round * ROUNDS_PER_30_DAYS <= 1.0
    assert per_round == pytest.approx(8.4102e-06, rel=1e-4)  # the table in stats' docstring
    assert expected_false_alarms(RULE, K, 0.001) == pytest.approx(per_round * 8640)
    # Sanity against a plain binomial sum: new alarms need >= 3 failures in the 40-checkout
    # window, and a window that already fired the round before cannot alarm again.
    assert 0.8 * binom_tail(40, 0.001, 3) < per_round < binom_tail(40, 0.001, 3)


def test_exact_detection_of_a_20_percent_outage() -> None:
    within_1 = detection_probability_within(RULE, K, 0.2, 1)
    within_2 = detection_probability_within(RULE, K, 0.2, 2)
    assert within_2 >= 0.99
    assert within_2 == pytest.approx(0.99206, abs=1e-5)
    # In the first round the window is (clean round, outage round): 3 of 20 suffice.
    assert within_1 == pytest.approx(binom_tail(20, 0.2, 3), rel=1e-12)
    assert within_1 < within_2 < detection_probability_within(RULE, K, 0.2, 3)


def test_stricter_rules_trade_detection_for_fewer_alarms() -> None:
    strict = DecisionRule(min_failures=5)
    assert false_alarm_probability_per_round(strict, K, 0.001) < false_alarm_probability_per_round(
        RULE, K, 0.001
    )
    assert detection_probability_within(strict, K, 0.2, 2) < 0.99


def test_simulated_baseline_raises_near_zero_alarms() -> None:
    result = simulate(RULE, K, 0.001, 20_000, seed=1)
    expected = 20_000 * false_alarm_probability_per_round(RULE, K, 0.001)  # ≈ 0.17
    # P(Poisson(0.17) >= 4) < 1e-4: more than 3 would mean the exact figure is wrong.
    assert result.alarms <= 3
    assert expected < 0.5


def test_simulation_agrees_with_exact_rate_where_alarms_are_common() -> None:
    # At 3 % failures alarms (and recoveries, so the hysteresis too) happen often enough
    # to compare counts: within 5 sigma of the exact expectation.
    rounds = 20_000
    expected = rounds * false_alarm_probability_per_round(RULE, K, 0.03)
    result = simulate(RULE, K, 0.03, rounds, seed=7)
    assert abs(result.alarms - expected) < 5 * math.sqrt(expected)


def test_simulated_outages_are_detected_within_two_rounds() -> None:
    starts = 2_000
    runs = [simulate(RULE, K, 0.2, 2, seed=seed) for seed in range(starts)]
    within_2 = sum(1 for r in runs if r.alarms) / starts
    within_1 = sum(1 for r in runs if 0 in r.alarm_rounds) / starts
    exact_2 = detection_probability_within(RULE, K, 0.2, 2)
    exact_1 = detection_probability_within(RULE, K, 0.2, 1)
    assert within_2 >= 0.99
    assert abs(within_2 - exact_2) < 4 * math.sqrt(exact_2 * (1 - exact_2) / starts)
    assert abs(within_1 - exact_1) < 4 * math.sqrt(exact_1 * (1 - exact_1) / starts)


def test_rule_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        DecisionRule(window_rounds=0)
    with pytest.raises(ValueError):
        DecisionRule(threshold=1.5)
    with pytest.raises(ValueError):
        wilson_interval(5, 3)
