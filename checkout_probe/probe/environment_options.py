"""The probe's settings from an environment's ``probe`` table in environments.toml.

```toml
[production.probe]
checkouts = 20
round_timeout = 200
webhooks = [{ format = "slack", url_env = "SLACK_WEBHOOK_URL" }]
```

Each key is an option of ``checkout-probe probe`` (``round_timeout`` is
``--round-timeout``), checked by the probe's own parser, so a value the command line would
refuse is refused here too, in one line naming the file. Precedence: the command line, then
the option's environment variable, then this table, then the default. Webhook URLs are
secrets: the table names the variable that holds each (``url_env``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from checkout_probe.basics.errors import ConfigError
from checkout_probe.probe.options import build_parser, probe_settings
from checkout_probe.probe.payloads import FORMATS
from checkout_probe.settings.config import Settings

#: Table keys → their option; the variable that wins over the table, if the option has one.
KEYS: Mapping[str, tuple[str, str | None]] = {
    "checkouts": ("--checkouts", None), "workers": ("--workers", None),
    "interval": ("--interval", None), "round_timeout": ("--round-timeout", None),
    "window_rounds": ("--window-rounds", None), "min_failures": ("--min-failures", None),
    "threshold": ("--threshold", None), "recover_below": ("--recover-below", None),
    "remind_every": ("--remind-every", None), "alert_ttl": ("--alert-ttl", None),
    "webhook_format": ("--webhook-format", None), "runbook_url": ("--runbook-url", None),
    "generator_url": ("--generator-url", None), "keep_rounds": ("--keep-rounds", None),
    "keep_evidence": ("--keep-evidence", None), "evidence_dir": ("--evidence-dir", None),
    "evidence_public_base": ("--evidence-public-base", None),
    "pushgateway": ("--pushgateway", "CHECKOUT_PROBE_PUSHGATEWAY"),
    "push_job": ("--push-job", None), "metrics_port": ("--metrics-port", None),
    "metrics_addr": ("--metrics-addr", None),
}  # fmt: skip
WEBHOOK_VARIABLE = "CHECKOUT_PROBE_WEBHOOK_URL"


def _given(argv: Sequence[str], flag: str) -> bool:
    return any(a == flag or a.startswith(f"{flag}=") for a in argv)


def _value(where: str, key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ConfigError(f"{where}: {key} must be a number or a string")
    return str(value)


def _webhooks(where: str, value: Any, environ: Mapping[str, str]) -> list[str]:
    if not isinstance(value, list):
        raise ConfigError(f'{where}: webhooks must be a list of {{ format = "…", url_env = "…" }}')
    tokens = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"format", "url_env"} or "url_env" not in item:
            raise ConfigError(f'{where}: each webhook is {{ format = "…", url_env = "NAME" }}')
        format, variable = str(item.get("format", "generic")), str(item["url_env"])
        if format not in FORMATS:
            raise ConfigError(f"{where}: webhook format {format!r}: one of {', '.join(FORMATS)}")
        url = environ.get(variable)
        if not url:
            raise ConfigError(f"{where} needs the webhook URL in ${variable}: export it")
        tokens += ["--webhook", f"{format}={url}"]
    return tokens


def file_arguments(
    table: Mapping[str, Any], argv: Sequence[str], where: str,
    environ: Mapping[str, str] = os.environ,
) -> list[str]:  # fmt: skip
    """The table as command-line arguments, without what the command line or a variable
    already gives (they win)."""
    tokens: list[str] = []
    for key, value in table.items():
        if key == "webhooks":
            if not _given(argv, "--webhook") and not environ.get(WEBHOOK_VARIABLE):
                tokens += _webhooks(where, value, environ)
            continue
        if key not in KEYS:
            known = ", ".join(sorted([*KEYS, "webhooks"]))
            raise ConfigError(f"{where}: unknown key '{key}' (known: {known})")
        flag, variable = KEYS[key]
        if _given(argv, flag) or (variable and environ.get(variable)):
            continue
        if key == "interval" and "--once" in argv:
            continue  # a --once run has no interval (it is the schedule's)
        tokens += [flag, _value(where, key, value)]
    return tokens


def with_environment(
    build: Callable[[str | None], argparse.ArgumentParser], argv: Sequence[str],
    table: Mapping[str, Any], where: str,
) -> argparse.Namespace:  # fmt: skip
    """The options with the table's values under the command line's: the table checked by
    a parser that names the file, then both parsed as one command line."""
    tokens = file_arguments(table, argv, where)
    if not tokens:
        return build(None).parse_args(argv)
    # Checked alone first: a refused value is the file's, and the line says so.
    build(f"{where}, probe table").parse_args(tokens)
    return build(None).parse_args([*tokens, *argv])


def probe_arguments(argv: Sequence[str]) -> tuple[argparse.Namespace, Settings]:
    """The probe's options and settings: the command line over the environment's ``probe``
    table (its variables in between)."""
    args = build_parser().parse_args(argv)
    settings = probe_settings(args)
    if settings.environment.probe:
        config = args.config or os.environ.get("CHECKOUT_PROBE_CONFIG") or "environments.toml"
        where = f"environment '{settings.env}' in {Path(config).name}"
        args = with_environment(build_parser, argv, settings.environment.probe, where)
    return args, settings
