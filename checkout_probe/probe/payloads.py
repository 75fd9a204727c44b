"""What one alert looks like to each kind of receiver: the request to send it with.

Formats: ``generic`` (the alert as JSON), ``slack`` (incoming webhook, Block Kit),
``alertmanager`` (``POST /api/v2/alerts``), ``pagerduty`` (Events API v2) and ``opsgenie``
(Alert API). :mod:`checkout_probe.probe.webhook` sends the requests; what goes into them
besides the alert (labels, runbook, links) is the probe's :class:`Routing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from checkout_probe.probe.alert import HARNESS, RESOLVED, Alert

FORMATS = ("generic", "slack", "alertmanager", "pagerduty", "opsgenie")
ALERTNAME = "CheckoutProbeFailing"
#: The probe's own alert (every checkout of a round a harness error): the probe's team's.
HARNESS_ALERTNAME = "CheckoutProbeHarnessError"
#: ``severity`` by subject: the shop failing pages; the probe unable to judge it warns.
SEVERITY = {HARNESS: "warning"}
DEFAULT_SEVERITY = "critical"
#: Opsgenie's priorities for the same two severities.
_OPSGENIE_PRIORITY = {"critical": "P1", "warning": "P3"}
# Slack rejects header text over 150 characters and section text over 3000; Opsgenie's
# message is cut at 130.
_SLACK_HEADER_MAX = 150
_SLACK_SECTION_MAX = 3000
_OPSGENIE_MESSAGE_MAX = 130


@dataclass(frozen=True)
class Routing:
    """What every alert of a probe carries besides its own content."""

    #: ``--alert-label KEY=VALUE``: team, region, service… (Alertmanager labels, PagerDuty
    #: custom details, Opsgenie tags and details, the generic payload's ``labels``).
    labels: Mapping[str, str] = field(default_factory=dict)
    runbook_url: str | None = None
    #: Where the alert's "source" link points (Alertmanager's ``generatorURL``): the team's
    #: history page or dashboard; without one, the first evidence link that is a web link.
    generator_url: str | None = None
    #: How long a firing alert stays valid at Alertmanager without being sent again
    #: (``endsAt``): several rounds, so one late round does not resolve it.
    valid_for_s: float = 1200.0


@dataclass(frozen=True)
class Request:
    """One HTTP POST: where, the JSON body and extra headers."""

    url: str
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


def severity(alert: Alert) -> str:
    """``critical`` for the shop failing, ``warning`` for the probe's own trouble."""
    return SEVERITY.get(alert.subject, DEFAULT_SEVERITY)


def incident_key(alert: Alert) -> str:
    """One incident's key, the same for its trigger and its resolve (PagerDuty's
    ``dedup_key``, Opsgenie's ``alias``): environment, subject and when the streak began."""
    return f"checkout-probe/{alert.env}/{alert.subject}/{alert.started_at:%Y%m%dT%H%M%SZ}"


def _source_link(alert: Alert, routing: Routing) -> str:
    web = [e for e in alert.evidence if e.startswith(("http://", "https://"))]
    return routing.generator_url or (web[0] if web else "")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def generic(alert: Alert, routing: Routing) -> dict[str, Any]:
    """The alert as JSON (:meth:`Alert.to_dict`), with the probe's labels and runbook."""
    return {
        **alert.to_dict(),
        "severity": severity(alert),
        "labels": dict(routing.labels),
        "runbook_url": routing.runbook_url,
    }


def slack(alert: Alert, routing: Routing) -> dict[str, Any]:
    """Slack incoming-webhook body: ``text`` (the notification line) plus Block Kit blocks."""
    lines = alert.details()
    if routing.runbook_url:
        lines.append(f"runbook: {routing.runbook_url}")
    if routing.labels:
        lines.append(" · ".join(f"{k}={v}" for k, v in routing.labels.items()))
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(alert.summary(), _SLACK_HEADER_MAX)},
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": _cut("\n".join(lines), _SLACK_SECTION_MAX)},
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


def alertmanager(alert: Alert, routing: Routing, now: datetime) -> list[dict[str, Any]]:
    """Body for Alertmanager's ``POST /api/v2/alerts``: a list with one postable alert.

    Labels are the alert's identity, so they stay fixed over a streak (the category is the
    one it fired with). A firing alert ends ``routing.valid_for_s`` after ``now`` unless it
    is sent again, as Prometheus does: the probe sends it every round while failing, so
    Alertmanager never resolves an ongoing outage by its ``resolve_timeout``, and a probe
    that stopped lets it end. Resolving sets ``endsAt`` to the recovery."""
    harness = alert.subject == HARNESS
    annotations = {
        "summary": alert.summary(),
        "description": "\n".join(alert.details()),
        "shop_version": alert.shop_version or "unknown",
        "evidence": "\n".join(alert.evidence),
        "trace_id": alert.trace_id or "",
    }
    if routing.runbook_url:
        annotations["runbook_url"] = routing.runbook_url
    item: dict[str, Any] = {
        "labels": {
            **routing.labels,
            "alertname": HARNESS_ALERTNAME if harness else ALERTNAME,
            "env": alert.env,
            "category": alert.top_category or "unknown",
            # Routes key on these: the shop's outage pages its on-call; the probe's own
            # trouble goes to whoever runs the probe.
            "about": alert.subject,
            "severity": severity(alert),
        },
        "annotations": annotations,
        "startsAt": alert.started_at.isoformat(),
        "generatorURL": _source_link(alert, routing),
    }
    if alert.ended_at is not None:
        item["endsAt"] = alert.ended_at.isoformat()
    else:
        item["endsAt"] = (now + timedelta(seconds=routing.valid_for_s)).isoformat()
    return [item]


def pagerduty(alert: Alert, routing: Routing, routing_key: str) -> dict[str, Any]:
    """PagerDuty Events API v2: ``trigger`` when firing, ``resolve`` on recovery, one
    ``dedup_key`` per incident."""
    key = incident_key(alert)
    if alert.kind == RESOLVED:
        return {"routing_key": routing_key, "event_action": "resolve", "dedup_key": key}
    links = [{"href": link, "text": "evidence"} for link in alert.evidence[:3]
             if link.startswith(("http://", "https://"))]  # fmt: skip
    if routing.runbook_url:
        links.insert(0, {"href": routing.runbook_url, "text": "runbook"})
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": key,
        "payload": {
            "summary": _cut(alert.summary(), 1024),
            "source": f"checkout-probe {alert.env}",
            "severity": severity(alert),
            "timestamp": alert.at.isoformat(),
            "component": "checkout",
            "group": alert.env,
            "class": alert.top_category or "unknown",
            "custom_details": {
                "details": alert.details(),
                **routing.labels,
                "shop_version": alert.shop_version or "unknown",
            },
        },
        "links": links,
    }


def opsgenie(alert: Alert, routing: Routing, url: str, api_key: str) -> Request:
    """Opsgenie's Alert API: create (``POST …/v2/alerts``) when firing, close by alias on
    recovery; the key goes in the ``Authorization: GenieKey`` header."""
    headers = {"Authorization": f"GenieKey {api_key}"}
    key = incident_key(alert)
    if alert.kind == RESOLVED:
        close = f"{url.rstrip('/')}/{quote(key, safe='')}/close?identifierType=alias"
        return Request(close, {"source": "checkout-probe", "note": alert.summary()}, headers)
    body = {
        "message": _cut(alert.summary(), _OPSGENIE_MESSAGE_MAX),
        "alias": key,
        "description": "\n".join(alert.details()),
        "priority": _OPSGENIE_PRIORITY.get(severity(alert), "P3"),
        "source": "checkout-probe",
        "tags": [
            "checkout-probe",
            alert.env,
            alert.subject,
            *(f"{k}:{v}" for k, v in routing.labels.items()),
        ],
        "details": {
            **routing.labels,
            "category": alert.top_category or "unknown",
            "runbook_url": routing.runbook_url or "",
        },
    }
    return Request(url, body, headers)
