"""Environments from ``environments.toml``: where a shop is and how carefully to treat it.

One table per environment. Keys (all optional unless marked):

``base_url``              the shop's URL (required, except for ``local``, which starts the
                          embedded demo shop when it has none)
``production``            true for real customers' shops: safety rules apply (default false)
``allow_orders``          may order-placing tests place orders (default: not ``production``);
                          in production also needs ``--allow-production-orders``
``card_profile``          which payment cards to use (``test``: the provider's test cards)
``api_token_env``         NAME of the variable holding the order-API token (lookups, cleanup)
``shopper_password_env``  NAME of the variable holding the password for test accounts
``health_path``           health endpoint (default ``/health``; ``""``: the shop has none)
``version_path``          version endpoint (default ``/version``; ``""``: none)
``preflight``             ``healthy`` (default): stop before any browser if the target is
                          unreachable or its health names a failing dependency;
                          ``reachable``: stop only if unreachable; ``off``
``headers``               extra HTTP headers on every request (table of strings)
``synthetic_header``      header carrying the run id (default ``X-Synthetic-Run``)
``step_budgets``          seconds per journey step (table), over the built-in defaults
``cleanup_order``         ``METHOD /path/{number}`` that cancels an order
                          (default ``DELETE /api/orders/{number}``; ``""``: no cleanup)
``cleanup_account``       ``METHOD /path/{email}`` that deletes an account
                          (default ``DELETE /api/accounts/{email}``; ``""``: no cleanup)
``leftovers_path``        GET path listing synthetic data left behind (default ``/api/synthetic``)

Secrets are never in the file; a missing one stops the run before any browser starts.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from checkout_probe.data import CARD_PROFILES
from checkout_probe.errors import ConfigError

LOCAL = "local"
PREFLIGHT_POLICIES = ("healthy", "reachable", "off")
_STRING_KEYS = (
    "base_url", "card_profile", "api_token_env", "shopper_password_env", "health_path",
    "version_path", "preflight", "synthetic_header", "cleanup_order", "cleanup_account",
    "leftovers_path",
)  # fmt: skip
_BOOL_KEYS = ("production", "allow_orders")
_TABLE_KEYS = ("headers", "step_budgets")
KNOWN_KEYS = frozenset(_STRING_KEYS + _BOOL_KEYS + _TABLE_KEYS)


@dataclass(frozen=True)
class Environment:
    """One resolved environment, secrets read from the process environment."""

    name: str
    base_url: str | None = None
    production: bool = False
    allow_orders: bool = True
    card_profile: str = "test"
    health_path: str | None = "/health"
    version_path: str | None = "/version"
    preflight: str = "healthy"
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    synthetic_header: str = "X-Synthetic-Run"
    step_budgets: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    cleanup_order: str | None = "DELETE /api/orders/{number}"
    cleanup_account: str | None = "DELETE /api/accounts/{email}"
    leftovers_path: str | None = "/api/synthetic"
    api_token: str | None = field(default=None, repr=False)
    shopper_password: str | None = field(default=None, repr=False)

    def secrets(self) -> tuple[str, ...]:
        """The secret values, for redaction."""
        return tuple(s for s in (self.api_token, self.shopper_password) if s)


def load_file(path: Path) -> dict[str, Any]:
    """Parse the environments file; a missing file means "only the built-in ``local``"."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}: fix the file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None


def _where(name: str, path: Path) -> str:
    return f"environment '{name}' in {path.name}"


def _check_keys(name: str, table: Mapping[str, Any], path: Path) -> None:
    for key in table:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(f"{_where(name, path)}: unknown key '{key}'{hint}")
    for key in _STRING_KEYS:
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{_where(name, path)}: {key} must be a string")
    for key in _BOOL_KEYS:
        if key in table and not isinstance(table[key], bool):
            raise ConfigError(f"{_where(name, path)}: {key} must be true or false")
    for key in _TABLE_KEYS:
        if key in table and not isinstance(table[key], dict):
            raise ConfigError(f"{_where(name, path)}: {key} must be a table")


def _url(name: str, table: Mapping[str, Any], path: Path) -> str | None:
    url = table.get("base_url")
    if url is None:
        if name == LOCAL:
            return None
        raise ConfigError(
            f'{_where(name, path)} has no base_url: add base_url = "https://your-shop.example"'
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{_where(name, path)}: base_url {url!r} is not an http(s) URL "
            '(expected e.g. "https://shop.example.com")'
        )
    return str(url).rstrip("/")


def _budgets(name: str, table: Mapping[str, Any], path: Path) -> dict[str, float]:
    budgets = {}
    for step, seconds in dict(table.get("step_budgets", {})).items():
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise ConfigError(
                f"{_where(name, path)}: step_budgets.'{step}' must be a positive number of seconds"
            )
        budgets[str(step)] = float(seconds)
    return budgets


def _secret(name: str, table: Mapping[str, Any], key: str, environ: Mapping[str, str],
            path: Path) -> str | None:  # fmt: skip
    variable = table.get(key)
    if not variable:
        return None
    value = environ.get(variable)
    if not value:
        raise ConfigError(
            f"{_where(name, path)} needs the secret ${variable} ({key}): "
            f"export {variable}=… before running"
        )
    return value


def _optional_path(value: Any, default: str) -> str | None:
    if value is None:
        return default
    return str(value) or None


def resolve(name: str, document: Mapping[str, Any], environ: Mapping[str, str],
            path: Path) -> Environment:  # fmt: skip
    """Validate environment ``name`` of a parsed file and read its secrets."""
    if name not in document and name != LOCAL:
        known = ", ".join(sorted({LOCAL, *document}))
        raise ConfigError(
            f"unknown environment '{name}': {path.name} defines {known}; "
            f"pick one with --env or add a [{name}] table"
        )
    table = document.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{_where(name, path)} must be a table ([{name}])")
    _check_keys(name, table, path)
    production = bool(table.get("production", False))
    profile = str(table.get("card_profile", "test"))
    if profile not in CARD_PROFILES:
        raise ConfigError(
            f"{_where(name, path)}: card_profile '{profile}' is unknown "
            f"(known: {', '.join(CARD_PROFILES)})"
        )
    preflight = str(table.get("preflight", "healthy"))
    if preflight not in PREFLIGHT_POLICIES:
        raise ConfigError(
            f"{_where(name, path)}: preflight must be one of {', '.join(PREFLIGHT_POLICIES)}"
        )
    defaults = Environment(name)
    return Environment(
        name=name,
        base_url=_url(name, table, path),
        production=production,
        allow_orders=bool(table.get("allow_orders", not production)),
        card_profile=profile,
        health_path=_optional_path(table.get("health_path"), "/health"),
        version_path=_optional_path(table.get("version_path"), "/version"),
        preflight=preflight,
        headers=MappingProxyType({str(k): str(v) for k, v in table.get("headers", {}).items()}),
        synthetic_header=str(table.get("synthetic_header", defaults.synthetic_header)),
        step_budgets=MappingProxyType(_budgets(name, table, path)),
        cleanup_order=_optional_path(table.get("cleanup_order"), "DELETE /api/orders/{number}"),
        cleanup_account=_optional_path(
            table.get("cleanup_account"), "DELETE /api/accounts/{email}"
        ),
        leftovers_path=_optional_path(table.get("leftovers_path"), "/api/synthetic"),
        api_token=_secret(name, table, "api_token_env", environ, path),
        shopper_password=_secret(name, table, "shopper_password_env", environ, path),
    )
