"""The demo shop's settings: one frozen :class:`ShopConfig`, built once at start-up."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///demo-shop.db"
DEFAULT_VERSION = "1.0.0"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# API logins (POST /api/session) a shop process allows per 15 minutes.
DEFAULT_LOGIN_LIMIT = 8

# The version goes into a response header, so it is kept to header-safe characters.
VERSION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+_\-]{0,63}")

# Environment variable → ShopConfig field. CLI options use the field names.
ENV_VARS: Mapping[str, str] = {
    "DATABASE_URL": "database_url",
    "ORDER_DATABASE_URL": "order_database_url",
    "SHOP_API_TOKEN": "api_token",
    "SHOP_ADMIN_TOKEN": "admin_token",
    "SHOP_VERSION": "shop_version",
    "SHOP_SECRET_KEY": "secret_key",
}


def _random_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class ShopConfig:
    """Settings for the storefront, the order service and the payment gateway.

    Build it once with :meth:`from_sources`. Each value is taken from the first
    source that has it, in this order of precedence:

    1. command-line options (``--database-url``, ``--api-token``, ...);
    2. environment variables (``DATABASE_URL``, ``ORDER_DATABASE_URL``,
       ``SHOP_API_TOKEN``, ``SHOP_ADMIN_TOKEN``, ``SHOP_VERSION``, ``SHOP_SECRET_KEY``);
    3. defaults: ``sqlite:///demo-shop.db``; the order database defaults to the
       storefront's URL (but always gets its own engine); a random API token
       (``api_token_generated`` is then true); the admin token defaults to the API
       token; version ``1.0.0``; a random session secret; each fault's own delay
       (:func:`demo_shop.faults.default_delay`); the CDN up; 8 API logins per 15 minutes.

    ``cdn_down`` makes every page reference the stand-in CDN's script at an address that
    refuses connections. ``login_limit`` caps API logins per 15 minutes (0 = no cap).

    ``gateway_secret`` is the shared secret between the storefront and the payment
    gateway; it is always random, because both run in this process.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    gateway_port: int = 0
    database_url: str = DEFAULT_DATABASE_URL
    order_database_url: str = DEFAULT_DATABASE_URL
    api_token: str = field(default_factory=_random_token, repr=False)
    admin_token: str = field(default="", repr=False)
    api_token_generated: bool = False
    shop_version: str = DEFAULT_VERSION
    secret_key: str = field(default_factory=_random_token, repr=False)
    gateway_secret: str = field(default_factory=_random_token, repr=False)
    fault: str | None = None
    fault_rate: float | None = None
    fault_delay: float | None = None
    cdn_down: bool = False
    login_limit: int = DEFAULT_LOGIN_LIMIT

    def __post_init__(self) -> None:
        if not VERSION_PATTERN.fullmatch(self.shop_version):
            raise ValueError(f"invalid shop version {self.shop_version!r}")
        if self.login_limit < 0:
            raise ValueError("the login limit must not be negative")
        # The admin token falls back to the API token, as documented.
        if not self.admin_token:
            object.__setattr__(self, "admin_token", self.api_token)

    @classmethod
    def from_sources(
        cls,
        cli: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ShopConfig:
        """Build the config from CLI values (``None`` = not given) over ``environ``.

        See the class docstring for the precedence.
        """
        cli = cli or {}
        environ = environ or {}
        values: dict[str, Any] = {}
        for env_name, field_name in ENV_VARS.items():
            env_value = environ.get(env_name)
            if env_value:
                values[field_name] = env_value
        for key, value in cli.items():
            if value is not None:
                values[key] = value
        if "order_database_url" not in values:
            values["order_database_url"] = values.get("database_url", DEFAULT_DATABASE_URL)
        if "api_token" not in values:
            values["api_token"] = _random_token()
            values["api_token_generated"] = True
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in values.items() if key in known})
