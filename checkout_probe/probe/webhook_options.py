"""The probe's webhooks as its options name them: formats, keys, headers, labels and links.

``--webhook [FORMAT=]URL`` (or ``$CHECKOUT_PROBE_WEBHOOK_URL``), ``--webhook-header``,
``--alert-label`` over the environment's ``alert_labels``, ``--runbook-url``,
``--generator-url`` and ``--alert-ttl``; each refused in one line when it cannot work.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from checkout_probe.basics.errors import ConfigError
from checkout_probe.basics.redact import mask_url, redact
from checkout_probe.probe.payloads import FORMATS, Routing
from checkout_probe.probe.webhook import WebhookSink
from checkout_probe.settings.config import Settings
from checkout_probe.settings.environment_keys import alert_label_problem

#: Where the PagerDuty routing key and the Opsgenie API key come from (never the command line).
KEY_VARIABLES = {
    "pagerduty": "CHECKOUT_PROBE_PAGERDUTY_ROUTING_KEY",
    "opsgenie": "CHECKOUT_PROBE_OPSGENIE_API_KEY",
}


def webhook_targets(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(format, URL) of each webhook: ``--webhook [FORMAT=]URL`` (repeatable), else
    ``$CHECKOUT_PROBE_WEBHOOK_URL``; a bare URL has ``--webhook-format``."""
    given: list[str] = args.webhook or []
    if not given and os.environ.get("CHECKOUT_PROBE_WEBHOOK_URL"):
        given = [os.environ["CHECKOUT_PROBE_WEBHOOK_URL"]]
    targets = []
    for value in given:
        format, sep, url = value.partition("=")
        if not sep or format not in FORMATS or "://" in format:
            format, url = args.webhook_format, value
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"webhook {redact(mask_url(url))!r} is not an http(s) URL: fix "
                              "--webhook ([FORMAT=]URL)")  # fmt: skip
        targets.append((format, url))
    return targets


def alert_labels(args: argparse.Namespace, configured: Mapping[str, str]) -> dict[str, str]:
    """The environment's ``alert_labels`` with ``--alert-label KEY=VALUE`` over them."""
    labels = dict(configured)
    for item in args.alert_label:
        key, sep, value = item.partition("=")
        problem = alert_label_problem(key, value) if sep else "use KEY=VALUE"
        if problem is not None:
            raise ConfigError(f"--alert-label {item!r}: {problem}")
        labels[key] = value
    return labels


def _headers(args: argparse.Namespace) -> dict[str, dict[str, str]]:
    """``--webhook-header FORMAT:NAME=VAR`` → {format: {NAME: value of $VAR}}."""
    headers: dict[str, dict[str, str]] = {}
    for item in args.webhook_header:
        format, _, rest = item.partition(":")
        name, sep, variable = rest.partition("=")
        if format not in FORMATS or not sep or not name or not variable:
            raise ConfigError(f"--webhook-header {item!r}: use FORMAT:NAME=VAR, FORMAT one of "
                              f"{', '.join(FORMATS)}")  # fmt: skip
        if not os.environ.get(variable):
            raise ConfigError(f"--webhook-header {format}:{name} needs ${variable}: export it")
        headers.setdefault(format, {})[name] = os.environ[variable]
    return headers


def webhook_sinks(args: argparse.Namespace, settings: Settings) -> list[WebhookSink]:
    """Every webhook the options name, with the probe's labels, runbook and keys."""
    interval = 300.0 if args.once else args.interval
    routing = Routing(
        labels=alert_labels(args, settings.environment.alert_labels), runbook_url=args.runbook_url,
        generator_url=args.generator_url, valid_for_s=args.alert_ttl or max(4 * interval, 60),
    )  # fmt: skip
    headers = _headers(args)
    sinks = []
    for format, url in webhook_targets(args):
        key = ""
        if format in KEY_VARIABLES:
            key = os.environ.get(KEY_VARIABLES[format], "")
            if not key:
                raise ConfigError(f"a {format} webhook needs ${KEY_VARIABLES[format]}: export it")
        sinks.append(WebhookSink(url, format, routing=routing, key=key,
                                 headers=headers.get(format)))  # fmt: skip
    return sinks
