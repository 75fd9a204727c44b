"""Deliver alerts to a webhook: payload shapes (generic, Slack, Alertmanager) and retries."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from checkout_probe.basics.redact import redact
from checkout_probe.probe.alert import HARNESS, Alert
from checkout_probe.probe.deadline import send_within

log = logging.getLogger(__name__)

FORMATS = frozenset({"generic", "slack", "alertmanager"})
ALERTNAME = "CheckoutProbeFailing"
#: The probe's own alert (every checkout of a round a harness error): the probe's team's.
HARNESS_ALERTNAME = "CheckoutProbeHarnessError"
#: ``severity`` by subject: the shop failing pages; the probe unable to judge it warns.
SEVERITY = {HARNESS: "warning"}
DEFAULT_SEVERITY = "critical"
# Slack rejects header text over 150 characters and section text over 3000.
_SLACK_HEADER_MAX = 150
_SLACK_SECTION_MAX = 3000


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}/…"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_payload(alert: Alert) -> dict[str, Any]:
    """Slack incoming-webhook body: ``text`` (the notification line) plus Block Kit blocks."""
    details = _cut("\n".join(alert.details()), _SLACK_SECTION_MAX)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(alert.summary(), _SLACK_HEADER_MAX)},
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": details},
        },
    ]
    if alert.evidence:
        listing = "\n".join(f"`{path}`" for path in alert.evidence)
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": _cut(f"evidence:\n{listing}", _SLACK_SECTION_MAX)}
                ],
            }
        )
    return {"text": alert.summary(), "blocks": blocks}


def alertmanager_payload(alert: Alert) -> list[dict[str, Any]]:
    """Body for Alertmanager's ``POST /api/v2/alerts``: a list with one postable alert.

    Labels are the alert's identity, so they stay fixed over a streak (the
    category is the one it fired with); resolving sets ``endsAt``.
    """
    harness = alert.subject == HARNESS
    item: dict[str, Any] = {
        "labels": {
            "alertname": HARNESS_ALERTNAME if harness else ALERTNAME,
            "env": alert.env,
            "category": alert.top_category or "unknown",
            # Routes key on these: the shop's outage pages its on-call; the probe's own
            # trouble goes to whoever runs the probe.
            "about": alert.subject,
            "severity": SEVERITY.get(alert.subject, DEFAULT_SEVERITY),
        },
        "annotations": {
            "summary": alert.summary(),
            "description": "\n".join(alert.details()),
            "shop_version": alert.shop_version or "unknown",
            "evidence": "\n".join(alert.evidence),
            "trace_id": alert.trace_id or "",
        },
        "startsAt": alert.started_at.isoformat(),
    }
    if alert.ended_at is not None:
        item["endsAt"] = alert.ended_at.isoformat()
    return [item]


def render_payload(alert: Alert, format: str) -> Any:
    """The JSON body for ``format`` ("generic", "slack" or "alertmanager")."""
    if format == "slack":
        return slack_payload(alert)
    if format == "alertmanager":
        return alertmanager_payload(alert)
    if format == "generic":
        return alert.to_dict()
    raise ValueError(f"unknown webhook format {format!r}")


@dataclass(frozen=True)
class DeliveryResult:
    """How sending one alert went."""

    ok: bool
    attempts: int
    status_code: int | None = None
    error: str | None = None


class WebhookSink:
    """POST alerts to a webhook as ``generic`` JSON, ``slack`` or ``alertmanager``.

    Retries transport errors, 429 and 5xx with exponential backoff
    (``base_delay_s``, then 2×, 4×, ...) up to ``attempts`` tries; other 4xx are
    not retried. For ``alertmanager``: Alertmanager resolves an alert it has not
    heard about within its ``resolve_timeout`` (5 min by default), so pair it
    with ``AlertMachine(reminder_every=...)`` at or under that.
    """

    def __init__(
        self,
        url: str,
        format: str = "generic",
        *,
        timeout_s: float = 5.0,
        attempts: int = 3,
        base_delay_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        deadline_s: float = 10.0,
    ) -> None:
        if format not in FORMATS:
            raise ValueError(f"unknown webhook format {format!r}; one of {sorted(FORMATS)}")
        self.url = url
        # Webhook URLs are credentials (Slack's carry the token in the path): logs name the host.
        self.where = _host_of(url)
        self.format = format
        self.timeout_s = timeout_s
        self.attempts = max(1, attempts)
        self.base_delay_s = base_delay_s
        self._sleep = sleep
        #: Each attempt's whole request, not only each read: a receiver that trickles its
        #: answer (a header line every few seconds) cannot hold the probe longer than this.
        self.deadline_s = deadline_s

    @property
    def longest_s(self) -> float:
        """The longest one delivery can take: every attempt to its deadline, and back-off."""
        backoff: float = sum(self.base_delay_s * 2.0**i for i in range(self.attempts - 1))
        return self.attempts * self.deadline_s + backoff

    def send(self, alert: Alert) -> DeliveryResult:
        """Deliver ``alert``; failures are logged and returned, never raised."""
        payload = render_payload(alert, self.format)
        error = ""
        status: int | None = None
        attempt = 0
        for attempt in range(1, self.attempts + 1):
            try:
                response = send_within(
                    "POST", self.url, self.timeout_s, self.deadline_s, json=payload
                )
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                status, error = None, f"{type(exc).__name__}: {redact(str(exc), (self.url,))}"
            else:
                status = response.status_code
                if response.is_success:
                    return DeliveryResult(True, attempt, status)
                error = f"HTTP {status}: {redact(response.text[:200])}"
                if status < 500 and status != 429:
                    break  # the receiver rejected the payload; resending will not help
            log.warning("alert to %s failed (attempt %d): %s", self.where, attempt, error)
            if attempt < self.attempts:
                self._sleep(self.base_delay_s * 2 ** (attempt - 1))
        log.error("giving up on alert to %s: %s", self.where, error)
        return DeliveryResult(False, attempt, status, error)


def deliver(alert: Alert, sinks: Sequence[WebhookSink]) -> set[str]:
    """Print ``alert`` and send it to every sink; the URLs of the sinks that took it."""
    print(f"ALERT {alert.kind}: {alert.summary()}", flush=True)
    for detail in alert.details():
        print(f"  {detail}", flush=True)
    took: set[str] = set()
    for sink in sinks:
        result = sink.send(alert)  # never raises; failures are logged by the sink
        if result.ok:
            took.add(sink.url)
        else:
            print(f"  alert not delivered to {sink.where} after {result.attempts} attempts: "
                  f"{result.error}", flush=True)  # fmt: skip
    return took
