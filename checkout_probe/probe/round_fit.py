"""Does a round of K checkouts fit in its timeout on these browsers? Said, not guessed.

A slow shop (15–80 s per checkout on a small machine) with the default K and round timeout
cuts half its checkouts each round; counted as failures, that reads as an outage of a
healthy shop. Cut checkouts are now their own outcome (never the shop's failure), but a
round that cannot fit also checks out fewer times than the rule needs. So the probe
compares ``ceil(K / workers) × p95`` with ``--round-timeout`` where it knows a checkout's
time: from the history at start-up (each step's p95 over recent healthy rounds, summed),
else from the first round; when it does not fit it says which ``--round-timeout``,
``--workers`` or K would, in one line — and a ``--once`` run whose history already shows
it cannot fit is refused (exit 2) rather than cut.
"""

from __future__ import annotations

import math

from checkout_probe.probe.model import Round
from checkout_probe.settings.baseline import Baseline

#: Room left in the round for the browsers' start and each checkout's cleanup.
HEADROOM = 1.25


def checkout_p95_from(baseline: Baseline | None) -> float | None:
    """A checkout's p95 time: the sum of its steps' p95 (None: no baseline yet)."""
    if baseline is None or not baseline.steps:
        return None
    return sum(step.p95_s for step in baseline.steps.values())


def checkout_p95_of(round_: Round) -> float | None:
    """The p95 time of a round's finished checkouts (None: none finished)."""
    times = sorted(sum(r.step_durations.values()) for r in round_.results if r.judged)
    if not times:
        return None
    return times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]


def misfit(k: int, workers: int, round_timeout: float, checkout_s: float, source: str) -> str:
    """One line when K checkouts of ``checkout_s`` cannot finish in the round; else ""."""
    browsers = max(workers, 1)
    need = math.ceil(k / browsers) * checkout_s * HEADROOM
    if need <= round_timeout:
        return ""
    fits_k = max(int(round_timeout / HEADROOM / checkout_s) * browsers, 0)
    more_workers = math.ceil(k / max(int(round_timeout / HEADROOM / checkout_s), 1))
    return (
        f"round does not fit: {k} checkouts of {checkout_s:.1f} s ({source}) on {browsers} "
        f"browsers need about {need:.0f} s, over --round-timeout {round_timeout:.0f} s: use "
        f"--round-timeout {math.ceil(need):d}, --workers {more_workers} or --checkouts {fits_k} "
        "(checkouts the timeout cuts count neither way)"
    )
