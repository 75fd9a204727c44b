"""The decision rule checks itself against the K it was given, before the first round.

A rule that can never recover (the Wilson upper bound of a clean window is
never below ``--recover-below`` with so few checkouts) would stay "failing" for
ever after its first alert and never alert a second outage; a rule that can
never fire would stay quiet through any outage. Both are refused with one line
naming a K or a threshold that works. A workable rule is described in one line
with its exact error rates (:mod:`checkout_probe.probe.stats`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from checkout_probe.basics.errors import ConfigError
from checkout_probe.probe.rule import DecisionRule, wilson_interval
from checkout_probe.probe.stats import detection_probability_within, expected_false_alarms

#: The healthy shop the false-alarm figure assumes: 1 checkout in 1000 fails.
BASELINE_FAILURE_RATE = 0.001
#: The outage the detection figure is for: the incident's 20 % of checkouts failing.
OUTAGE_FAILURE_RATE = 0.20
#: Bigger windows are described without figures: the exact computation grows as K^(window-1).
_MAX_STATES_FOR_FIGURES = 5_000
_MAX_K_SEARCHED = 10_000


def _clean_window_high(rule: DecisionRule, k: int) -> float:
    return wilson_interval(0, rule.window_rounds * k, rule.z)[1]


def _smallest_k(works: Callable[[int], bool]) -> int | None:
    return next((k for k in range(1, _MAX_K_SEARCHED) if works(k)), None)


def check_rule(rule: DecisionRule, k: int) -> None:
    """Refuse (ConfigError) a rule that cannot recover or cannot fire with ``k`` per round."""
    window = rule.window_rounds * k
    if not rule.recovers(0, window):
        high = _clean_window_high(rule, k)
        enough = _smallest_k(lambda n: rule.recovers(0, rule.window_rounds * n))
        below = math.ceil(high * 100 + 1e-9) / 100
        more = f"--checkouts {enough} or more, or " if enough is not None else ""
        raise ConfigError(
            f"decision rule cannot recover: with --checkouts {k} and --window-rounds "
            f"{rule.window_rounds}, a clean window (0 of {window}) has an upper bound of "
            f"{high:.1%}, never below --recover-below {rule.recover_below:g}, so after one "
            f"alert the probe would stay failing for ever: use {more}"
            f"--recover-below {below:g} or more"
        )
    if not rule.fires(window, window):
        enough = _smallest_k(lambda n: rule.fires(rule.window_rounds * n, rule.window_rounds * n))
        more = f"--checkouts {enough} or more, or " if enough is not None else ""
        raise ConfigError(
            f"decision rule cannot fire: with --checkouts {k} and --window-rounds "
            f"{rule.window_rounds}, even {window} failures of {window} do not meet "
            f"--min-failures {rule.min_failures} and --threshold {rule.threshold:g}: use "
            f"{more}--min-failures {window} or fewer"
        )


def describe_rule(rule: DecisionRule, k: int, interval_s: float) -> str:
    """One line: the rule, its expected false alarms per 30 days and its odds for a 20 % outage."""
    head = (
        f"decision rule: window {rule.window_rounds} rounds × {k} checkouts, fire at "
        f"≥ {rule.min_failures} failures with lower bound > {rule.threshold:.0%}, recover "
        f"below {rule.recover_below:.0%}"
    )
    if (k + 1) ** rule.window_rounds > _MAX_STATES_FOR_FIGURES:
        return head + " (error rates not computed for a window this large)"
    rounds_30d = round(30 * 86_400 / max(interval_s, 1.0))
    false_alarms = expected_false_alarms(rule, k, BASELINE_FAILURE_RATE, rounds_30d)
    detect_1 = detection_probability_within(rule, k, OUTAGE_FAILURE_RATE, 1)
    detect_2 = detection_probability_within(rule, k, OUTAGE_FAILURE_RATE, 2)
    return (
        f"{head}; expected false alarms per 30 days at one round every {interval_s:g} s "
        f"with {BASELINE_FAILURE_RATE:.1%} of checkouts failing: {false_alarms:.3g}; a "
        f"{OUTAGE_FAILURE_RATE:.0%} outage is alerted in its first round with "
        f"{detect_1:.1%}, within two with {detect_2:.1%}"
    )
