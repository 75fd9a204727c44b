"""Did a deploy break checkout? Line the current failing streak up against shop versions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

NO_DATA = "no_data"
NEVER_FAILED = "never_failed"
HEALTHY_NOW = "healthy"
FAILING_NOW = "failing"
NEVER_PASSED = "never_passed"


class RoundLike(Protocol):
    """What correlation needs from a stored round."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def shop_version(self) -> str | None: ...
    @property
    def failures(self) -> int: ...
    @property
    def verdict(self) -> str: ...


@dataclass(frozen=True)
class Correlation:
    """The current streak against versions.

    ``state`` is ``no_data``, ``never_failed`` (no failing verdict ever),
    ``healthy`` (failed before, fine now), ``failing`` or ``never_passed``
    (failing, and no healthy round before the failures began).

    While failing: ``failing_since`` is the first round of the current run of
    failing verdicts; ``first_failure_at`` may be earlier, because the rounds
    just before it that already had failures (too few to alert: the window
    rule can lag a round) belong to the same onset. ``last_healthy_*`` is the
    latest healthy-verdict round before that onset; when healthy, the latest round.
    """

    state: str
    failing_since: datetime | None = None
    failing_since_version: str | None = None
    first_failure_at: datetime | None = None
    first_failure_version: str | None = None
    last_healthy_at: datetime | None = None
    last_healthy_version: str | None = None
    failing_rounds: int = 0  # rounds in the current failing run

    @property
    def suspect_deploy(self) -> bool:
        """True when failures began on another version than the last healthy round ran."""
        return (
            self.state == FAILING_NOW
            and self.first_failure_version is not None
            and self.last_healthy_version is not None
            and self.first_failure_version != self.last_healthy_version
        )

    def describe(self) -> str:
        """One line for an alert or a terminal."""
        if self.state == NO_DATA:
            return "no rounds recorded"
        if self.state in (NEVER_FAILED, HEALTHY_NOW):
            never = " (never failed)" if self.state == NEVER_FAILED else ""
            return f"healthy on {self.last_healthy_version or '?'}{never}"
        text = (
            f"failing since {_t(self.failing_since)} on {self.failing_since_version or '?'}"
            f" (first failures {_t(self.first_failure_at)} on "
            f"{self.first_failure_version or '?'})"
        )
        if self.state == NEVER_PASSED:
            return text + "; never passed"
        text += f"; last healthy {_t(self.last_healthy_at)} on {self.last_healthy_version or '?'}"
        return text + ("; started with a deploy" if self.suspect_deploy else "")


def _t(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "?"


def correlate(newest_first: Iterable[RoundLike], failing: str = "failing") -> Correlation:
    """Walk one environment's rounds from the newest back, only as far as needed."""
    rows = iter(newest_first)
    latest = next(rows, None)
    if latest is None:
        return Correlation(NO_DATA)
    if latest.verdict != failing:
        any_failing = any(r.verdict == failing for r in rows)
        return Correlation(
            HEALTHY_NOW if any_failing else NEVER_FAILED,
            last_healthy_at=latest.started_at,
            last_healthy_version=latest.shop_version,
        )
    since = first = latest
    count = 1
    phase = "streak"  # then "onset" (healthy verdicts with failures), then "search"
    for row in rows:
        if phase == "streak" and row.verdict == failing:
            since = first = row
            count += 1
            continue
        if phase in ("streak", "onset") and row.verdict != failing and row.failures > 0:
            phase, first = "onset", row
            continue
        phase = "search"
        if row.verdict != failing:
            return Correlation(
                FAILING_NOW,
                since.started_at,
                since.shop_version,
                first.started_at,
                first.shop_version,
                row.started_at,
                row.shop_version,
                count,
            )
    return Correlation(
        NEVER_PASSED,
        since.started_at,
        since.shop_version,
        first.started_at,
        first.shop_version,
        failing_rounds=count,
    )
