"""Alert once per state change: firing when checkouts start failing, resolved when they stop.

:class:`AlertMachine` turns each round's verdict into at most one :class:`Alert`;
its :class:`AlertState` round-trips through JSON so a ``--once`` run from cron
can carry it between runs. :class:`WebhookSink` (from :mod:`checkout_probe.probe.webhook`,
re-exported here) delivers alerts and never raises.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from checkout_probe.probe.model import Round
from checkout_probe.probe.stats import FAILING, HEALTHY, Verdict
from checkout_probe.probe.webhook import DeliveryResult, WebhookSink
from checkout_probe.redact import redact

__all__ = [
    "FIRING",
    "REMINDER",
    "RESOLVED",
    "Alert",
    "AlertMachine",
    "AlertState",
    "DeliveryResult",
    "WebhookSink",
]

FIRING = "firing"
RESOLVED = "resolved"
REMINDER = "reminder"
#: Evidence paths carried per alert; a chat message with dozens of paths helps nobody.
MAX_EVIDENCE = 10


@dataclass(frozen=True)
class Alert:
    """One notification about an environment's checkout health."""

    kind: str  # "firing" | "resolved" | "reminder"
    env: str
    started_at: datetime  # first round of the failing streak
    at: datetime  # the round that produced this alert
    rate: float
    low: float
    high: float
    failures: int
    checkouts: int
    top_category: str | None = None  # the category the streak fired with
    failing_step: str | None = None
    sample_message: str = ""
    shop_version: str | None = None
    health: str | None = None  # one-line /health summary
    evidence: tuple[str, ...] = ()
    categories: dict[str, int] = field(default_factory=dict)  # this round's failures
    ended_at: datetime | None = None  # resolved only
    duration_s: float | None = None  # resolved and reminder: time since started_at
    #: What the history says about deploys ("… started on version 1.4.2; last healthy … 1.4.1").
    deploy: str | None = None
    #: The sample failure's W3C trace id: the shop's trace of the failing checkout.
    trace_id: str | None = None

    def summary(self) -> str:
        """One line for chat titles and Alertmanager's ``summary``."""
        cause = self.top_category or "unknown cause"
        if self.kind == RESOLVED:
            return (
                f"[{self.env}] Checkout recovered after {_human(self.duration_s or 0.0)} ({cause})"
            )
        lead = "still failing" if self.kind == REMINDER else "failing"
        return (
            f"[{self.env}] Checkout {lead}: {self.failures}/{self.checkouts} failed "
            f"({self.rate:.1%}, 95% CI {self.low:.1%}–{self.high:.1%}), {cause}"
        )

    def details(self) -> list[str]:
        """The lines under the summary: step, message, version, health, timing."""
        lines = [f"since {self.started_at:%Y-%m-%d %H:%M:%S} UTC"]
        if self.kind == RESOLVED and self.ended_at is not None:
            lines.append(f"recovered at {self.ended_at:%Y-%m-%d %H:%M:%S} UTC")
        if self.failing_step:
            lines.append(f"failing step: {self.failing_step}")
        if self.sample_message:
            # The diagnosis's first two lines (what the shopper saw, the failing request);
            # version and health follow below, the full text is in the payload.
            lines.extend(
                ("sample failure: " if i == 0 else "  ") + line
                for i, line in enumerate(self.sample_message.splitlines()[:2])
            )
        if self.trace_id:
            lines.append(f"trace id: {self.trace_id}")
        lines.append(f"shop version: {self.shop_version or 'unknown'}")
        if self.health:
            lines.append(f"health: {self.health}")
        if self.deploy:
            lines.append(f"deploy: {self.deploy}")
        if self.evidence:
            more = f" (+{len(self.evidence) - 1} more)" if len(self.evidence) > 1 else ""
            lines.append(f"evidence: {self.evidence[0]}{more}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (datetimes as ISO 8601)."""
        data = asdict(self)
        data["evidence"] = list(self.evidence)
        for key in ("started_at", "at", "ended_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value is not None else None
        data["summary"] = self.summary()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """Inverse of :meth:`to_dict`."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("started_at", "at", "ended_at"):
            if fields.get(key) is not None:
                fields[key] = datetime.fromisoformat(fields[key])
        fields["evidence"] = tuple(fields.get("evidence", ()))
        fields["categories"] = dict(fields.get("categories", {}))
        return cls(**fields)


def _human(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


@dataclass(frozen=True)
class AlertState:
    """What the machine remembers between rounds (and between ``--once`` runs)."""

    state: str = HEALTHY
    firing: Alert | None = None  # the alert that opened the current streak
    last_sent_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "state": self.state,
            "firing": self.firing.to_dict() if self.firing else None,
            "last_sent_at": self.last_sent_at.isoformat() if self.last_sent_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertState:
        """Inverse of :meth:`to_dict`; an empty dict is the initial state."""
        firing = data.get("firing")
        sent = data.get("last_sent_at")
        return cls(
            state=str(data.get("state", HEALTHY)),
            firing=Alert.from_dict(firing) if firing else None,
            last_sent_at=datetime.fromisoformat(sent) if sent else None,
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

    def observe(self, round_: Round, verdict: Verdict) -> Alert | None:
        """Advance by one round; return the alert to send, if any."""
        now = round_.started_at
        firing = self.state.firing
        if verdict.failing and self.state.state != FAILING:
            alert = _alert_from(FIRING, round_, verdict, started_at=now, category=None)
            self.state = AlertState(FAILING, alert, now)
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
            self.state = AlertState()
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
    )
