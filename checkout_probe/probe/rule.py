"""The decision rule: when a window of checkout rounds means "failing", and when "healthy".

Figures for the defaults (false alarms, detection) are in :mod:`checkout_probe.probe.stats`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

HEALTHY = "healthy"
FAILING = "failing"


def wilson_interval(failures: int, checkouts: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a failure rate of ``failures`` out of ``checkouts``.

    Unlike the normal approximation it stays inside [0, 1] and is sensible at
    0 or all failures, which is the usual case for a probe. ``checkouts == 0``
    gives the uninformative ``(0.0, 1.0)``.
    """
    if checkouts <= 0:
        return (0.0, 1.0)
    if not 0 <= failures <= checkouts:
        raise ValueError(f"failures={failures} outside 0..{checkouts}")
    n = checkouts
    p = failures / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denom = 1 + z2 / n
    low = 0.0 if failures == 0 else max(0.0, (centre - spread) / denom)
    high = 1.0 if failures == n else min(1.0, (centre + spread) / denom)
    return (low, high)


@dataclass(frozen=True)
class Verdict:
    """The rule's judgement of one window of rounds."""

    state: str  # "healthy" | "failing"
    rate: float  # failures / checkouts over the window
    low: float  # Wilson interval of that rate
    high: float
    failures: int
    checkouts: int
    window_rounds: int  # rounds actually in the window (fewer at start-up)

    @property
    def failing(self) -> bool:
        """True when the verdict is "failing"."""
        return self.state == FAILING

    @property
    def interval(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "state": self.state,
            "rate": self.rate,
            "low": self.low,
            "high": self.high,
            "failures": self.failures,
            "checkouts": self.checkouts,
            "window_rounds": self.window_rounds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """Inverse of :meth:`to_dict`."""
        return cls(
            state=str(data["state"]),
            rate=float(data["rate"]),
            low=float(data["low"]),
            high=float(data["high"]),
            failures=int(data["failures"]),
            checkouts=int(data["checkouts"]),
            window_rounds=int(data["window_rounds"]),
        )


@dataclass(frozen=True)
class DecisionRule:
    """When a window of rounds means "failing", and when it means "healthy" again."""

    window_rounds: int = 2
    min_failures: int = 3
    threshold: float = 0.02
    recover_below: float = 0.10
    z: float = 1.96

    def __post_init__(self) -> None:
        if self.window_rounds < 1 or self.min_failures < 1:
            raise ValueError("window_rounds and min_failures must be >= 1")
        if not (0 < self.threshold < 1 and 0 < self.recover_below <= 1 and self.z > 0):
            raise ValueError("threshold and recover_below must be in (0, 1), z > 0")

    def fires(self, failures: int, checkouts: int) -> bool:
        """Does a window with these counts call for "failing"?"""
        low, _ = wilson_interval(failures, checkouts, self.z)
        return failures >= self.min_failures and low > self.threshold

    def recovers(self, failures: int, checkouts: int) -> bool:
        """Does a window with these counts show the shop healthy again?"""
        _, high = wilson_interval(failures, checkouts, self.z)
        return high < self.recover_below

    def decide(self, window: Sequence[tuple[int, int]], previous: str = HEALTHY) -> Verdict:
        """Judge the most recent rounds.

        ``window`` holds ``(failures, checkouts)`` per round, oldest first, this
        round last; only the last ``window_rounds`` are used. ``previous`` is the
        state after the round before (for hysteresis).
        """
        recent = list(window)[-self.window_rounds :]
        failures = sum(f for f, _ in recent)
        checkouts = sum(n for _, n in recent)
        low, high = wilson_interval(failures, checkouts, self.z)
        # Hysteresis: once failing, stay failing until the window clearly recovers.
        holding = previous == FAILING and not self.recovers(failures, checkouts)
        state = FAILING if self.fires(failures, checkouts) or holding else HEALTHY
        rate = failures / checkouts if checkouts else 0.0
        return Verdict(state, rate, low, high, failures, checkouts, len(recent))
