"""Environments from ``environments.toml``: where a shop is and how carefully to treat it.

One table per environment. Keys (all optional unless marked):

``base_url``              the shop's URL (required, except for ``local``, which starts the
                          embedded demo shop when it has none)
``production``            true for real customers' shops: safety rules apply (default false)
``allow_orders``          may checkouts create orders (default: not ``production``);
                          in production also needs ``--allow-production-orders``
``demo_shop``             true: the harness starts the embedded demo shop (one per pytest
                          worker, one per probe) instead of using ``base_url``
``card_profile``          which of the shop's card profiles to pay with (default: its first)
``api_token_env``         NAME of the variable holding the order-API token (lookups, cleanup)
``shopper_password_env``  NAME of the variable holding the password for test accounts
``health_path``           health endpoint (default: the shop's; ``""``: the shop has none)
``version_path``          version endpoint (default: the shop's; ``""``: none)
``preflight``             ``healthy`` (default): stop before any browser if the target is
                          unreachable or its health names a failing dependency;
                          ``reachable``: stop only if unreachable; ``off``
``headers``               extra HTTP headers on every request (table of strings)
``synthetic_header``      header carrying the run id (default ``X-Synthetic-Run``)
``step_budgets``          seconds per journey step (table), over the shop's defaults; only
                          the shop's step names (``Shop.steps``)
``vital_budgets``         web-vital budgets (table): ``LCP = 4000`` for every step, or
                          ``"<step>" = { INP = 500 }`` for one; milliseconds, CLS a score
                          (default: the Core Web Vitals "good" thresholds)
``vitals_fail``           steps whose vitals over budget fail them as slow (list), or true
                          for all (default: a breach is reported, nothing fails)
``devices``               the devices checkouts run on (list): Playwright descriptor names, or
                          tables with a network, CPU slowdown and budgets of their own
                          (``checkout_probe.settings.devices``; default: desktop Chromium)
``a11y_fail``             steps whose accessibility violations fail them, from an axe impact on:
                          ``{ pay = "serious" }``, or ``"serious"`` for every step (default:
                          violations are reported, nothing fails; :mod:`.a11y_fail`)
``secrets``               more secrets for the project's code: name → NAME of the variable
                          holding it (table), e.g. a dashboard password for order cleanup
``options``               settings for the project's code (table of strings), e.g. a user name
``alert_labels``          labels on every alert the probe sends (table of strings: team,
                          service…); ``--alert-label`` adds to them and wins on a clash
``probe``                 the probe's settings for this environment (table): checkouts,
                          interval, rule, webhooks… (checked by the probe's own parser:
                          ``checkout_probe.probe.environment_options``)
``evidence_store``        where failed checkouts' evidence is published (``s3://bucket/prefix``,
                          ``gs://…``, ``az://…``, ``file://…``); ``--evidence-store`` wins
``browser_locale``        pins every checkout's browser language (``"en-US"``): its locale,
                          ``Accept-Language`` and the locale amounts are read in (default: each
                          generated shopper's own, :mod:`checkout_probe.shop.shopper_locale`)
``timezone``              pins every checkout's browser time zone (IANA, ``"Europe/Berlin"``;
                          default: a zone of the shopper's country)

Secrets are never in the file; a missing one stops the run before any browser starts.
Defaults that depend on the shop (card profile, health and version paths, budgets)
come from the project's :class:`~checkout_probe.shop.Shop`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from checkout_probe.basics.errors import ConfigError
from checkout_probe.basics.redact import mask_url
from checkout_probe.basics.web_values import (
    shop_url_problem,
)
from checkout_probe.settings.a11y_fail import A11yFail, parse_a11y_fail
from checkout_probe.settings.devices import DEFAULT_DEVICES, Device, parse_devices
from checkout_probe.settings.environment_keys import (
    alert_labels,
    endpoint_path,
    header_name,
    headers,
    pinned_locale,
    pinned_zone,
    strings,
    where,
)
from checkout_probe.settings.toml_text import parse_toml
from checkout_probe.settings.vital_budgets import VitalBudgets, parse_budgets
from checkout_probe.shop import NO_SHOP, Shop

LOCAL = "local"
PREFLIGHT_POLICIES = ("healthy", "reachable", "off")
#: The keys of an environment, by the type of their value.
STRING_KEYS = (
    "base_url", "card_profile", "api_token_env", "shopper_password_env", "health_path",
    "version_path", "preflight", "synthetic_header", "evidence_store",
    "browser_locale", "timezone",
)  # fmt: skip
BOOL_KEYS = ("production", "allow_orders", "demo_shop")
TABLE_KEYS = (
    "headers", "step_budgets", "vital_budgets", "secrets", "options", "alert_labels", "probe",
)  # fmt: skip
#: Keys checked by their own parser (a value of more than one type).
OTHER_KEYS = ("vitals_fail", "devices", "a11y_fail")
KNOWN_KEYS = frozenset(STRING_KEYS + BOOL_KEYS + TABLE_KEYS + OTHER_KEYS)


@dataclass(frozen=True)
class Environment:
    """One resolved environment, secrets read from the process environment."""

    name: str
    base_url: str | None = None
    production: bool = False
    allow_orders: bool = True
    demo_shop: bool = False
    card_profile: str | None = None
    health_path: str | None = None
    version_path: str | None = None
    preflight: str = "healthy"
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    synthetic_header: str = "X-Synthetic-Run"
    step_budgets: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    vital_budgets: VitalBudgets = field(default_factory=VitalBudgets)
    #: The devices checkouts run on (``devices``), desktop Chromium by default.
    devices: tuple[Device, ...] = DEFAULT_DEVICES
    #: The steps accessibility violations fail, from which impact on (``a11y_fail``).
    a11y_fail: A11yFail = field(default_factory=A11yFail)
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    alert_labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    evidence_store: str | None = None
    #: Pins of the browser's locale and time zone (None: the shopper's own).
    browser_locale: str | None = None
    timezone: str | None = None
    #: The ``probe`` table as written (the probe's parser checks it).
    probe: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    api_token: str | None = field(default=None, repr=False)
    shopper_password: str | None = field(default=None, repr=False)
    #: The ``secrets`` table's values, by name (for the project's code).
    named_secrets: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def secrets(self) -> tuple[str, ...]:
        """The secret values, for redaction."""
        values = (self.api_token, self.shopper_password, *self.named_secrets.values())
        return tuple(s for s in values if s)

    def secret(self, name: str) -> str | None:
        """A secret of the ``secrets`` table by name (None when the table does not name it)."""
        return self.named_secrets.get(name)


def load_file(path: Path) -> dict[str, Any]:
    """Parse the environments file; a missing file means "no environments but ``local``"."""
    if not path.exists():
        return {}
    if not path.is_file():
        raise ConfigError(f"{path} is not a file: fix --config")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text: save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    return parse_toml(text, path)


def _check_keys(name: str, table: Mapping[str, Any], path: Path) -> None:
    for key in table:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(f"{where(name, path)}: unknown key '{key}'{hint}")
    for key in STRING_KEYS:
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{where(name, path)}: {key} must be a string")
    for key in BOOL_KEYS:
        if key in table and not isinstance(table[key], bool):
            raise ConfigError(f"{where(name, path)}: {key} must be true or false")
    for key in TABLE_KEYS:
        if key in table and not isinstance(table[key], dict):
            raise ConfigError(f"{where(name, path)}: {key} must be a table")


def _url(name: str, table: Mapping[str, Any], path: Path) -> str | None:
    url = table.get("base_url")
    if url is None:
        return None
    if table.get("demo_shop"):
        raise ConfigError(
            f"{where(name, path)}: base_url and demo_shop = true exclude each other: keep one"
        )
    if (problem := shop_url_problem(url)) is not None:
        raise ConfigError(
            f"{where(name, path)}: base_url {mask_url(url)[:200]!r} {problem} "
            '(expected e.g. "https://shop.example.com")'
        )
    return str(url).rstrip("/")


def _budgets(where_text: str, table: Mapping[str, Any], shop: Shop) -> dict[str, float]:
    """A ``step_budgets`` table (``where_text`` names its place): the shop's steps only."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where_text}: step_budgets must be a table")
    budgets = {}
    for step, seconds in table.items():
        shop.check_step(str(step), f"{where_text}: step_budgets")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not 0 < seconds < float("inf")
        ):
            raise ConfigError(
                f"{where_text}: step_budgets.'{step}' must be a positive number of seconds"
            )
        budgets[str(step)] = float(seconds)
    return budgets


def _secret(name: str, variable: Any, key: str, environ: Mapping[str, str],
            path: Path) -> str | None:  # fmt: skip
    if not variable:
        return None
    if not isinstance(variable, str):
        raise ConfigError(f"{where(name, path)}: {key} must name an environment variable")
    value = environ.get(variable)
    if not value:
        raise ConfigError(
            f"{where(name, path)} needs the secret ${variable} ({key}): "
            f"export {variable}=… before running"
        )
    return value


def _named_secrets(name: str, table: Mapping[str, Any], environ: Mapping[str, str],
                   path: Path) -> dict[str, str]:  # fmt: skip
    found = {}
    for secret, variable in dict(table.get("secrets", {})).items():
        value = _secret(name, variable, f"secrets.{secret}", environ, path)
        if value:
            found[str(secret)] = value
    return found


def _card_profile(name: str, table: Mapping[str, Any], path: Path, shop: Shop) -> str | None:
    profile = table.get("card_profile")
    if profile is None:
        return shop.default_card_profile
    if profile not in shop.cards:
        known = ", ".join(shop.cards) or "none: the shop declares no cards"
        raise ConfigError(
            f"{where(name, path)}: card_profile '{profile}' is unknown (known: {known})"
        )
    return str(profile)


def resolve(name: str, document: Mapping[str, Any], environ: Mapping[str, str],
            path: Path, shop: Shop = NO_SHOP) -> Environment:  # fmt: skip
    """Validate environment ``name`` of a parsed file against ``shop`` and read its secrets.

    ``local`` may be missing from the file: it then has no URL, and the run needs one
    (``--base-url``).
    """
    if name not in document and name != LOCAL:
        known = ", ".join(sorted({LOCAL, *document}))
        raise ConfigError(
            f"unknown environment '{name}': {path.name} defines {known}; "
            f"pick one with --env or add a [{name}] table"
        )
    table = document.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where(name, path)} must be a table ([{name}])")
    _check_keys(name, table, path)
    production = bool(table.get("production", False))
    preflight = str(table.get("preflight", "healthy"))
    if preflight not in PREFLIGHT_POLICIES:
        raise ConfigError(
            f"{where(name, path)}: preflight must be one of {', '.join(PREFLIGHT_POLICIES)}"
        )
    defaults = Environment(name)
    vitals = parse_budgets(
        where(name, path), table.get("vital_budgets", {}), table.get("vitals_fail"), shop.check_step
    )
    return Environment(
        name=name,
        base_url=_url(name, table, path),
        production=production,
        allow_orders=bool(table.get("allow_orders", not production)),
        demo_shop=bool(table.get("demo_shop", False)),
        card_profile=_card_profile(name, table, path, shop),
        health_path=endpoint_path(name, table, "health_path", shop.health_path, path),
        version_path=endpoint_path(name, table, "version_path", shop.version_path, path),
        preflight=preflight,
        headers=MappingProxyType(headers(name, table, path)),
        synthetic_header=header_name(
            name, "synthetic_header", table.get("synthetic_header", defaults.synthetic_header), path
        ),
        step_budgets=MappingProxyType(
            _budgets(where(name, path), table.get("step_budgets", {}), shop)
        ),
        vital_budgets=vitals,
        devices=parse_devices(
            where(name, path),
            table.get("devices"),
            vitals,
            shop.check_step,
            lambda here, budgets: _budgets(here, budgets, shop),
        ),
        a11y_fail=parse_a11y_fail(where(name, path), table.get("a11y_fail"), shop.check_step),
        options=MappingProxyType(strings(name, table, "options", path)),
        alert_labels=MappingProxyType(alert_labels(name, table, path)),
        evidence_store=table.get("evidence_store") or None,
        browser_locale=pinned_locale(name, table, path),
        timezone=pinned_zone(name, table, path),
        probe=MappingProxyType(dict(table.get("probe", {}))),
        api_token=_secret(name, table.get("api_token_env"), "api_token_env", environ, path),
        shopper_password=_secret(
            name, table.get("shopper_password_env"), "shopper_password_env", environ, path
        ),
        named_secrets=MappingProxyType(_named_secrets(name, table, environ, path)),
    )
