"""Alert once per state change: firing when checkouts start failing, resolved when they stop.

Apart from that, the probe's own trouble: a round whose every checkout was a harness
error judged nothing; the first such round fires an alert about the probe (subject
``harness``, routed to the probe's team, not the shop's on-call), the next round that
judges checkouts again resolves it.

:class:`AlertMachine` turns each round's verdict into at most one
:class:`~checkout_probe.probe.alert.Alert`; its :class:`AlertState` round-trips through
JSON so a ``--once`` run from cron can carry it between runs. Delivering an alert is
:mod:`checkout_probe.probe.webhook`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from checkout_probe.basics.redact import redact
from checkout_probe.probe.alert import (
    FIRING,
    HARNESS,
    MAX_EVIDENCE,
    REMINDER,
    RESOLVED,
    Alert,
)
from checkout_probe.probe.model import ERROR, Round
from checkout_probe.probe.stats import FAILING, HEALTHY, Verdict

__all__ = ["FIRING", "REMINDER", "RESOLVED", "Alert", "AlertMachine", "AlertState"]


@dataclass(frozen=True)
class AlertState:
    """What the machine remembers between rounds (and between ``--once`` runs)."""

    state: str = HEALTHY
    firing: Alert | None = None  # the alert that opened the current streak
    last_sent_at: datetime | None = None
    #: The harness alert in force: every checkout of the rounds since was a harness error.
    harness: Alert | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "state": self.state,
            "firing": self.firing.to_dict() if self.firing else None,
            "last_sent_at": self.last_sent_at.isoformat() if self.last_sent_at else None,
            "harness": self.harness.to_dict() if self.harness else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertState:
        """Inverse of :meth:`to_dict`; an empty dict is the initial state."""
        firing = data.get("firing")
        sent = data.get("last_sent_at")
        harness = data.get("harness")
        return cls(
            state=str(data.get("state", HEALTHY)),
            firing=Alert.from_dict(firing) if firing else None,
            last_sent_at=datetime.fromisoformat(sent) if sent else None,
            harness=Alert.from_dict(harness) if harness else None,
        )


class AlertMachine:
    """Emits an alert only on healthy→failing and failing→healthy (plus optional reminders).

    One machine per environment. ``reminder_every`` re-sends "still failing"
    that often while failing (None: never).
    """

    def __init__(
        self, state: AlertState | None = None, reminder_every: timedelta | None = None
    ) -> None:
        self.state = state or AlertState()
        self.reminder_every = reminder_every

    def harness(self, round_: Round) -> Alert | None:
        """The probe's own alert, for every round: fired by the first round whose every
        checkout was a harness error, resolved by the next round that judged checkouts.
        A round that the timeout cut entirely (a sizing error, said on the console and by
        the exit code) changes nothing."""
        now = round_.started_at
        open_ = self.state.harness
        if round_.checkouts == 0 and round_.errors > 0 and open_ is None:
            first = next((r.message for r in round_.results if r.outcome == ERROR), "")
            alert = Alert(
                kind=FIRING, env=round_.env, started_at=now, at=now, rate=1.0, low=1.0,
                high=1.0, failures=round_.errors, checkouts=len(round_.results),
                top_category="harness_error", sample_message=redact(first),
                shop_version=round_.shop_version, subject=HARNESS,
            )  # fmt: skip
            self.state = replace(self.state, harness=alert)
            return alert
        if round_.checkouts > 0 and open_ is not None:
            self.state = replace(self.state, harness=None)
            return replace(
                open_, kind=RESOLVED, at=now, ended_at=now,
                duration_s=(now - open_.started_at).total_seconds(),
                shop_version=round_.shop_version,
            )  # fmt: skip
        return None

    def still_firing(self, round_: Round, verdict: Verdict | None) -> list[Alert]:
        """The alerts in force after ``round_`` that it did not change, as of this round:
        sent again to receivers that end an alert nobody repeats (Alertmanager). Their
        identity (subject, category, start) is the streak's."""
        alerts = []
        firing = self.state.firing
        if verdict is not None and verdict.failing and firing is not None:
            alerts.append(_alert_from(FIRING, round_, verdict, firing.started_at,
                                      firing.top_category))  # fmt: skip
        harness = self.state.harness
        if harness is not None and round_.checkouts == 0:
            alerts.append(replace(harness, at=round_.started_at, failures=round_.errors,
                                  checkouts=len(round_.results)))  # fmt: skip
        return alerts

    def observe(self, round_: Round, verdict: Verdict) -> Alert | None:
        """Advance by one round; return the alert to send, if any."""
        now = round_.started_at
        firing = self.state.firing
        if verdict.failing and self.state.state != FAILING:
            alert = _alert_from(FIRING, round_, verdict, started_at=now, category=None)
            self.state = replace(self.state, state=FAILING, firing=alert, last_sent_at=now)
            return alert
        if verdict.failing and firing is not None:
            last = self.state.last_sent_at or firing.at
            if self.reminder_every is None or now - last < self.reminder_every:
                return None
            alert = _alert_from(REMINDER, round_, verdict, firing.started_at, firing.top_category)
            alert = replace(alert, duration_s=(now - firing.started_at).total_seconds())
            self.state = replace(self.state, last_sent_at=now)
            return alert
        if not verdict.failing and self.state.state == FAILING:
            self.state = AlertState(harness=self.state.harness)
            if firing is None:  # state file edited by hand: nothing to resolve
                return None
            return replace(
                _alert_from(RESOLVED, round_, verdict, firing.started_at, firing.top_category),
                failing_step=firing.failing_step,
                sample_message=firing.sample_message,
                trace_id=firing.trace_id,
                ended_at=now,
                duration_s=(now - firing.started_at).total_seconds(),
            )
        return None


def _alert_from(
    kind: str, round_: Round, verdict: Verdict, started_at: datetime, category: str | None
) -> Alert:
    top = round_.top_failure()
    snapshot = round_.health_snapshot()
    # The top category's evidence first: that is what the reader will open.
    ordered = ([top] if top else []) + [r for r in round_.failed_results if r is not top]
    evidence = tuple(path for r in ordered for path in r.evidence)[:MAX_EVIDENCE]
    return Alert(
        kind=kind,
        env=round_.env,
        started_at=started_at,
        at=round_.started_at,
        rate=verdict.rate,
        low=verdict.low,
        high=verdict.high,
        failures=verdict.failures,
        checkouts=verdict.checkouts,
        # Keep the streak's category so Alertmanager labels match for resolve/remind.
        top_category=category or (top.category if top else None),
        failing_step=top.failing_step if top else None,
        sample_message=redact(top.message) if top else "",
        trace_id=top.trace_id if top else None,
        shop_version=round_.shop_version,
        health=snapshot.describe() if snapshot else None,
        evidence=evidence,
        categories=round_.failures_by_category(),
        devices=_per_device(round_),
    )


def _per_device(round_: Round) -> str | None:
    """``Pixel 7 4/4, Desktop Chrome 0/4`` (most failing first) where the round ran on
    several devices: an outage of one device's layout reads as such."""
    counts = round_.by_device()
    if len(counts) < 2:
        return None
    ordered = sorted(counts.items(), key=lambda kv: -kv[1]["failures"] / max(kv[1]["checkouts"], 1))
    return ", ".join(f"{name} {c['failures']}/{c['checkouts']}" for name, c in ordered)
