"""Checks of single keys of an environment's table (:mod:`.environments` resolves the whole).

Each raises :class:`~checkout_probe.basics.errors.ConfigError` with one line naming the
environment, the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from checkout_probe.basics.errors import ConfigError
from checkout_probe.basics.web_values import (
    header_name_problem,
    header_value_problem,
    host_path_problem,
)
from checkout_probe.shop.shopper_locale import locale_problem, zone_problem

#: Labels the probe sets on its alerts itself: a configured label cannot change an alert's
#: identity or routing.
OWN_ALERT_LABELS = frozenset({"alertname", "env", "category", "about", "severity"})
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def where(name: str, path: Path) -> str:
    return f"environment '{name}' in {path.name}"


def alert_label_problem(key: str, value: str) -> str | None:
    """Why ``key = value`` cannot be an alert label (None: it can)."""
    if not _LABEL_NAME.fullmatch(key):
        return f"{key!r} is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)"
    if key in OWN_ALERT_LABELS:
        return f"the probe sets {key} itself"
    if not value:
        return f"{key} has no value"
    return None


def strings(name: str, table: Mapping[str, Any], key: str, path: Path) -> dict[str, str]:
    values = dict(table.get(key, {}))
    for item, value in values.items():
        if not isinstance(value, str):
            raise ConfigError(f"{where(name, path)}: {key}.'{item}' must be a string")
    return {str(k): v for k, v in values.items()}


def alert_labels(name: str, table: Mapping[str, Any], path: Path) -> dict[str, str]:
    labels = strings(name, table, "alert_labels", path)
    for key, value in labels.items():
        if (problem := alert_label_problem(key, value)) is not None:
            raise ConfigError(f"{where(name, path)}: alert_labels: {problem}")
    return labels


def header_name(name: str, key: str, header: str, path: Path) -> str:
    if (problem := header_name_problem(header)) is not None:
        raise ConfigError(f"{where(name, path)}: {key} {header!r} {problem}")
    return header


def headers(name: str, table: Mapping[str, Any], path: Path) -> dict[str, str]:
    headers = strings(name, table, "headers", path)
    for header, value in headers.items():
        header_name(name, "headers", header, path)
        if (problem := header_value_problem(value)) is not None:
            raise ConfigError(f"{where(name, path)}: headers.'{header}' {problem}")
    return headers


def endpoint_path(name: str, table: Mapping[str, Any], key: str, default: str | None,
                   path: Path) -> str | None:  # fmt: skip
    """A health or version path: absolute on the shop's host ("/health"), or "" for none."""
    value = table.get(key)
    if value is None:
        return default
    if value and (problem := host_path_problem(value)) is not None:
        raise ConfigError(f'{where(name, path)}: {key} {value[:200]!r} {problem}, or "" for none')
    return str(value) or None


def _pinned(
    name: str, table: Mapping[str, Any], key: str, problem_of: Callable[[Any], str | None],
    path: Path,
) -> str | None:  # fmt: skip
    value = table.get(key)
    if value is None:
        return None
    if (problem := problem_of(value)) is not None:
        raise ConfigError(f"{where(name, path)}: {key} {problem}")
    return str(value)


def pinned_locale(name: str, table: Mapping[str, Any], path: Path) -> str | None:
    """``browser_locale``: a language tag the CLDR knows (``"en-US"``), or None."""
    return _pinned(name, table, "browser_locale", locale_problem, path)


def pinned_zone(name: str, table: Mapping[str, Any], path: Path) -> str | None:
    """``timezone``: an IANA time zone (``"Europe/Berlin"``), or None."""
    return _pinned(name, table, "timezone", zone_problem, path)
