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
    ``last_failing_*`` (healthy only) is the newest failing-verdict round that had failed
    checkouts: the rounds the rule kept failing while the window cleared do not count.
    """

    state: str
    failing_since: datetime | None = None
    failing_since_version: str | None = None
    first_failure_at: datetime | None = None
    first_failure_version: str | None = None
    last_healthy_at: datetime | None = None
    last_healthy_version: str | None = None
    failing_rounds: int = 0  # rounds in the current failing run
    last_failing_at: datetime | None = None
    last_failing_version: str | None = None

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
        """One line for an alert or a terminal: failing since when, on which version, and why.

        For example ``failing since 2026-11-25 14:05 UTC (4 rounds) — started on version
        1.4.2; last healthy 2026-11-25 14:00 UTC on 1.4.1: began with the deploy of 1.4.2``.
        """
        if self.state == NO_DATA:
            return "no rounds recorded"
        if self.state in (NEVER_FAILED, HEALTHY_NOW):
            text = (
                f"healthy on {_v(self.last_healthy_version)}"
                f" (latest round {_t(self.last_healthy_at)})"
            )
            if self.state == NEVER_FAILED:
                return text + "; no failing round in the stored history"
            return (
                text + f"; last failing round {_t(self.last_failing_at, self.last_healthy_at)}"
                f" on {_v(self.last_failing_version)}"
            )
        rounds = f"{self.failing_rounds} round{'s' if self.failing_rounds != 1 else ''}"
        text = (
            f"failing since {_t(self.failing_since)} ({rounds})"
            f" — started on {_version(self.first_failure_version)}"
        )
        if self.first_failure_at != self.failing_since:
            # Rounds with too few failures to alert came first: that is when it really began.
            text += f" (first failures {_t(self.first_failure_at, self.failing_since)})"
        if self.state == NEVER_PASSED:
            return text + "; never passed: no healthy round stored before it"
        text += f"; last healthy {_t(self.last_healthy_at)} on {_v(self.last_healthy_version)}"
        if self.suspect_deploy:
            return text + f": began with the deploy of {self.first_failure_version}"
        if self.first_failure_version is not None and self.last_healthy_version is not None:
            # Only a fact: a config or dependency change can break checkout without a new version.
            return text + ": no version change in between"
        return text


def _t(moment: datetime | None, day_of: datetime | None = None) -> str:
    """``2026-03-02 12:05 UTC``; only the time when ``day_of`` falls on the same day."""
    if moment is None:
        return "?"
    if day_of is not None and day_of.date() == moment.date():
        return f"{moment:%H:%M} UTC"
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _v(version: str | None) -> str:
    return version or "an unknown version"


def _version(version: str | None) -> str:
    """``version 1.4.2``, or ``an unknown version`` (never "version an unknown version")."""
    return f"version {version}" if version else "an unknown version"


def correlate(newest_first: Iterable[RoundLike], failing: str = "failing") -> Correlation:
    """Walk one environment's rounds from the newest back, only as far as needed."""
    rows = iter(newest_first)
    latest = next(rows, None)
    if latest is None:
        return Correlation(NO_DATA)
    if latest.verdict != failing:
        last_failing = tail = None
        for row in rows:
            if row.verdict == failing:
                tail = tail or row
                if row.failures > 0:
                    last_failing = row
                    break
        last_failing = last_failing or tail
        return Correlation(
            HEALTHY_NOW if last_failing else NEVER_FAILED,
            last_healthy_at=latest.started_at,
            last_healthy_version=latest.shop_version,
            last_failing_at=last_failing.started_at if last_failing else None,
            last_failing_version=last_failing.shop_version if last_failing else None,
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
