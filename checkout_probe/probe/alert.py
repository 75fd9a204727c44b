"""One alert: what it says about an environment's checkout health, in every format's terms.

:mod:`checkout_probe.probe.alerts` decides when one is sent; :mod:`checkout_probe.probe.webhook`
shapes and delivers it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from checkout_probe.evidence.store import TRACE_VIEWER

FIRING = "firing"
RESOLVED = "resolved"
REMINDER = "reminder"
#: What an alert is about: the shop's checkouts failing (the shop's on-call), or the probe
#: unable to judge them at all (every checkout a harness error: the probe's team).
SHOP = "shop"
HARNESS = "harness"
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
    subject: str = SHOP  # SHOP | HARNESS
    #: Failures per device where the round ran on several ("Pixel 7 4/4, Desktop Chrome 0/4").
    devices: str | None = None

    def summary(self) -> str:
        """One line for chat titles and Alertmanager's ``summary``."""
        if self.subject == HARNESS:
            if self.kind == RESOLVED:
                return (
                    f"[{self.env}] Probe judging checkouts again after "
                    f"{_human(self.duration_s or 0.0)} of harness errors"
                )
            return (
                f"[{self.env}] Probe cannot judge checkouts: {self.failures}/{self.checkouts} "
                "were harness errors (the probe's or the project's bug, not the shop's)"
            )
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
        if self.devices:
            lines.append(f"failed per device: {self.devices}")
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
        if self.subject == HARNESS and self.kind != RESOLVED:
            lines.append("the shop is not being judged: fix the probe's job or the project's "
                         "journey (the probe's log has each error)")  # fmt: skip
        viewer = next((e for e in self.evidence if e.startswith(TRACE_VIEWER)), None)
        files = [e for e in self.evidence if e != viewer]
        if viewer:
            lines.append(f"open the trace: {viewer}")
        if files:
            more = f" (+{len(files) - 1} more)" if len(files) > 1 else ""
            lines.append(f"evidence: {files[0]}{more}")
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
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
