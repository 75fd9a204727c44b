"""Is the shop failing? Wilson intervals and a windowed decision rule with known error rates.

The rule itself lives in :mod:`checkout_probe.probe.rule` (re-exported here);
this module computes its error rates exactly and simulates it.

The rule looks at the last ``window_rounds`` rounds together (this round and
the ones before it). It turns *failing* when the window has at least
``min_failures`` failures AND the Wilson lower bound of the window failure rate
is above ``threshold``; it turns back to *healthy* only when the window's
Wilson upper bound is below ``recover_below`` (hysteresis, so a partial outage
that happens to pass one round does not flap).

Why ``recover_below`` is not ``threshold``: with 40 checkouts in a window even
0 failures gives a Wilson upper bound of 8.8 %, so "upper bound below 2 %" would
need about 190 clean checkouts (10 rounds) before recovering. 10 % means "the
whole window was clean" at the defaults.

Exact figures for the default rule (``DecisionRule()``: window 2 rounds, ≥ 3
failures, Wilson lower bound > 2 %, recover when upper < 10 %, z = 1.96), K = 20
checkouts per round, one round every 5 minutes (8640 rounds in 30 days),
computed by :func:`false_alarm_probability_per_round` and
:func:`detection_probability_within` (no sampling):

=====================================================  =========================
baseline 0.1 %: new alerts per round (stationary)      8.4102e-06
baseline 0.1 %: expected false alarms per 30 days      0.07266 (≈ 1 per 413 days)
baseline 0.5 %: expected false alarms per 30 days      7.77 (too noisy a shop)
20 % outage: alerted in its 1st round                  0.79392
20 % outage: alerted within 2 rounds                   0.99206
10 % outage: alerted within 2 rounds                   0.77719
5 % outage: alerted within 2 rounds                    0.32326
=====================================================  =========================

Detection figures assume the rounds before the outage were failure-free, a
lower bound: the rule only gets more eager with more failures in the window.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import deque
from dataclasses import dataclass

from checkout_probe.probe.rule import FAILING, HEALTHY, DecisionRule, Verdict, wilson_interval

__all__ = [
    "FAILING",
    "HEALTHY",
    "DecisionRule",
    "SimulationResult",
    "Verdict",
    "detection_probability_within",
    "expected_false_alarms",
    "false_alarm_probability_per_round",
    "simulate",
    "wilson_interval",
]

#: Refuse chains whose window state space would make the exact DP slow.
MAX_WINDOW_STATES = 250_000
#: Bound on the stationary iteration; it converges in a handful of rounds in practice.
MAX_STATIONARY_ROUNDS = 10_000


def _binomial_pmf(k: int, p: float) -> list[float]:
    return [math.comb(k, i) * p**i * (1 - p) ** (k - i) for i in range(k + 1)]


def _window_tables(rule: DecisionRule, k: int) -> tuple[list[bool], list[bool]]:
    # With full windows the decision only depends on the window's failure sum.
    n = rule.window_rounds * k
    fires = [rule.fires(s, n) for s in range(n + 1)]
    recovers = [rule.recovers(s, n) for s in range(n + 1)]
    return fires, recovers


def _check_size(rule: DecisionRule, k: int, p: float) -> None:
    if k < 1 or not 0 <= p <= 1:
        raise ValueError("need k >= 1 and 0 <= p <= 1")
    if (k + 1) ** (rule.window_rounds - 1) > MAX_WINDOW_STATES:
        raise ValueError("window state space too large for the exact computation")


def false_alarm_probability_per_round(
    rule: DecisionRule, k: int, p: float, *, tol: float = 1e-14
) -> float:
    """Probability that a round raises a NEW alert (healthy → failing), in steady state.

    Checkouts fail independently with probability ``p``. The probe is a Markov
    chain over (failures of the previous ``window_rounds - 1`` rounds, state);
    the window part of its stationary law is an i.i.d. product, so the chain
    starts there in "healthy" and is propagated exactly until the per-round
    alert probability stops changing (relative ``tol``, bounded rounds).
    """
    _check_size(rule, k, p)
    pmf = _binomial_pmf(k, p)
    fires, recovers = _window_tables(rule, k)
    dist: dict[tuple[tuple[int, ...], bool], float] = {}
    for hist in itertools.product(range(k + 1), repeat=rule.window_rounds - 1):
        dist[(hist, False)] = math.prod(pmf[f] for f in hist)
    previous = -1.0
    alarm = 0.0
    for _ in range(MAX_STATIONARY_ROUNDS):
        alarm = 0.0
        nxt: dict[tuple[tuple[int, ...], bool], float] = {}
        for (hist, failing), prob in dist.items():
            base = sum(hist)
            for f, pf in enumerate(pmf):
                mass = prob * pf
                if mass == 0.0:
                    continue
                s = base + f
                now_failing = fires[s] or (failing and not recovers[s])
                if now_failing and not failing:
                    alarm += mass
                key = ((*hist, f)[1:], now_failing)
                nxt[key] = nxt.get(key, 0.0) + mass
        dist = nxt
        if abs(alarm - previous) <= tol * max(alarm, 1e-300):
            break
        previous = alarm
    return alarm


def expected_false_alarms(rule: DecisionRule, k: int, p: float, rounds: int = 8640) -> float:
    """Expected new alerts in ``rounds`` healthy rounds (8640 = 30 days at 5 minutes)."""
    return rounds * false_alarm_probability_per_round(rule, k, p)


def detection_probability_within(rule: DecisionRule, k: int, p: float, rounds: int) -> float:
    """Probability that an outage failing a fraction ``p`` of checkouts is alerted
    within its first ``rounds`` rounds.

    The probe starts "healthy" with failure-free earlier rounds in the window
    (a lower bound: more earlier failures can only make the rule fire sooner).
    Exact: dynamic programming over the window's per-round failure counts.
    """
    _check_size(rule, k, p)
    pmf = _binomial_pmf(k, p)
    fires, _ = _window_tables(rule, k)
    dist: dict[tuple[int, ...], float] = {(0,) * (rule.window_rounds - 1): 1.0}
    detected = 0.0
    for _ in range(rounds):
        nxt: dict[tuple[int, ...], float] = {}
        for hist, prob in dist.items():
            base = sum(hist)
            for f, pf in enumerate(pmf):
                mass = prob * pf
                if fires[base + f]:
                    detected += mass
                elif mass > 0.0:
                    key = (*hist, f)[1:]
                    nxt[key] = nxt.get(key, 0.0) + mass
        dist = nxt
    return detected


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`simulate` saw."""

    rounds: int
    alarms: int  # healthy → failing transitions
    alarm_rounds: tuple[int, ...]  # 0-based round index of each alarm
    failing_rounds: int  # rounds whose verdict was "failing"


def simulate(rule: DecisionRule, k: int, p: float, rounds: int, seed: int) -> SimulationResult:
    """Run the rule on ``rounds`` random rounds of ``k`` checkouts failing with rate ``p``.

    Starts like :func:`detection_probability_within` (healthy, failure-free
    window) and goes through :meth:`DecisionRule.decide`, so it also checks that
    the exact computations model the real rule.
    """
    rng = random.Random(seed)
    window: deque[tuple[int, int]] = deque(
        [(0, k)] * (rule.window_rounds - 1), maxlen=rule.window_rounds
    )
    state = HEALTHY
    alarm_rounds: list[int] = []
    failing_rounds = 0
    for i in range(rounds):
        failures = sum(1 for _ in range(k) if rng.random() < p)
        window.append((failures, k))
        verdict = rule.decide(window, state)
        if verdict.failing:
            failing_rounds += 1
            if state == HEALTHY:
                alarm_rounds.append(i)
        state = verdict.state
    return SimulationResult(rounds, len(alarm_rounds), tuple(alarm_rounds), failing_rounds)
