"""Deliver alerts to a webhook: the request for its format (:mod:`.payloads`) and retries."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from checkout_probe.basics.redact import redact
from checkout_probe.probe import payloads
from checkout_probe.probe.alert import Alert
from checkout_probe.probe.deadline import send_within
from checkout_probe.probe.payloads import FORMATS, Request, Routing

log = logging.getLogger(__name__)


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}/…"


def render_request(
    alert: Alert, format: str, url: str, routing: Routing | None = None, key: str = "",
    now: datetime | None = None,
) -> Request:  # fmt: skip
    """The request that delivers ``alert`` to a ``format`` webhook at ``url`` (``key``: the
    PagerDuty routing key or the Opsgenie API key)."""
    routing = routing or Routing()
    if format == "slack":
        return Request(url, payloads.slack(alert, routing))
    if format == "alertmanager":
        return Request(url, payloads.alertmanager(alert, routing, now or datetime.now(UTC)))
    if format == "pagerduty":
        return Request(url, payloads.pagerduty(alert, routing, key))
    if format == "opsgenie":
        return payloads.opsgenie(alert, routing, url, key)
    if format == "generic":
        return Request(url, payloads.generic(alert, routing))
    raise ValueError(f"unknown webhook format {format!r}")


@dataclass(frozen=True)
class DeliveryResult:
    """How sending one alert went."""

    ok: bool
    attempts: int
    status_code: int | None = None
    error: str | None = None


class WebhookSink:
    """POST alerts to a webhook in one of :data:`~.payloads.FORMATS`.

    Retries transport errors, 429 and 5xx with exponential backoff (``base_delay_s``,
    then 2×, 4×, ...) up to ``attempts`` tries; other 4xx are not retried. ``key`` is the
    PagerDuty routing key or the Opsgenie API key; ``headers`` go with every request
    (e.g. a proxy's token). An ``alertmanager`` sink also gets the firing alert again
    every round while it lasts (:attr:`refreshes`).
    """

    def __init__(
        self,
        url: str,
        format: str = "generic",
        *,
        routing: Routing | None = None,
        key: str = "",
        headers: dict[str, str] | None = None,
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
        self.routing = routing or Routing()
        self.key = key
        self.headers = dict(headers or {})
        self.timeout_s = timeout_s
        self.attempts = max(1, attempts)
        self.base_delay_s = base_delay_s
        self._sleep = sleep
        #: Each attempt's whole request, not only each read: a receiver that trickles its
        #: answer (a header line every few seconds) cannot hold the probe longer than this.
        self.deadline_s = deadline_s

    @property
    def refreshes(self) -> bool:
        """Sent the firing alert every round (Alertmanager ends an alert nobody repeats)."""
        return self.format == "alertmanager"

    @property
    def longest_s(self) -> float:
        """The longest one delivery can take: every attempt to its deadline, and back-off."""
        backoff: float = sum(self.base_delay_s * 2.0**i for i in range(self.attempts - 1))
        return self.attempts * self.deadline_s + backoff

    def send(self, alert: Alert) -> DeliveryResult:
        """Deliver ``alert``; failures are logged and returned, never raised."""
        request = render_request(alert, self.format, self.url, self.routing, self.key)
        secrets = (self.url, self.key, *self.headers.values())
        error = ""
        status: int | None = None
        attempt = 0
        for attempt in range(1, self.attempts + 1):
            try:
                response = send_within(
                    "POST", request.url, self.timeout_s, self.deadline_s, json=request.body,
                    headers={**self.headers, **request.headers},
                )  # fmt: skip
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                status, error = None, f"{type(exc).__name__}: {redact(str(exc), secrets)}"
            else:
                status = response.status_code
                if response.is_success:
                    return DeliveryResult(True, attempt, status)
                error = f"HTTP {status}: {redact(response.text[:200], secrets)}"
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
