"""The one settings object of a run, built once and frozen.

Precedence, highest first (the only place it is written down):

1. command-line options (``--env``, ``--base-url``, ``--faker-seed``, ``--config``, ...);
2. environment variables (``CHECKOUT_PROBE_ENV``, ``CHECKOUT_PROBE_CONFIG``,
   ``CHECKOUT_PROBE_FAKER_SEED``,
   ``CHECKOUT_PROBE_BROWSER``, ``CHECKOUT_PROBE_REPORTS_DIR``, ``PYTEST_BASE_URL``,
   ``CHECKOUT_PROBE_API_TOKEN`` for a running shop's order API,
   ``CHECKOUT_PROBE_ACTION_TIMEOUT``, ``CHECKOUT_PROBE_BROWSER_ENDPOINT``);
3. the environment's table in ``environments.toml`` (see ``checkout_probe.environments``);
4. the defaults below.

Nothing else in the harness reads ``os.environ``: the pytest plugin and the CLI
pass it in here once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from checkout_probe.environments import LOCAL, Environment, load_file, resolve
from checkout_probe.errors import ConfigError

LOCAL_ENV = LOCAL

#: Seconds a journey step may take before it fails as ``slow``. Generous for a
#: shop on loopback; staging and production override them per environment.
DEFAULT_STEP_BUDGETS: Mapping[str, float] = MappingProxyType(
    {
        "open catalog": 5.0,
        "add to cart": 5.0,
        "review cart": 5.0,
        "contact and address": 5.0,
        "shipping method": 5.0,
        "pay": 6.0,
        "place order": 6.0,
        "confirmation": 5.0,
        "verify stored order": 5.0,
        "register": 5.0,
        "sign in": 5.0,
        "sign out": 5.0,
    }
)
DEFAULT_STEP_BUDGET = 10.0


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, resolved once (see the module docstring)."""

    env: str = LOCAL_ENV
    environment: Environment = field(default_factory=lambda: Environment(LOCAL_ENV))
    base_url: str | None = None
    faker_seed: int = 0
    run_id: str = ""
    reports_dir: Path = Path("reports")
    browser_path: str | None = None
    step_budgets: Mapping[str, float] = field(default_factory=lambda: DEFAULT_STEP_BUDGETS)
    #: Upper bound for any single wait on the page. Larger than every step
    #: budget so a slow step is measured and reported as slow, not as a timeout.
    action_timeout_ms: int = 20_000
    shop_args: tuple[str, ...] = ()
    email_domain: str = "synthetic.example"
    #: Token for the target's order API (a secret: never printed or stored in reports).
    api_token: str | None = field(default=None, repr=False)
    #: The run was started with --allow-production-orders.
    allow_production_orders: bool = False
    #: Where Playwright keeps its downloads (``PLAYWRIGHT_BROWSERS_PATH``).
    playwright_browsers_path: str | None = None
    #: ``ws://`` or ``wss://`` of a Playwright server (``playwright run-server``): journeys
    #: run in a browser it launches, and no local Chromium is needed (``checkout_probe.remote``).
    browser_endpoint: str | None = None

    @property
    def may_place_orders(self) -> bool:
        """Orders may be placed: allowed by the environment, and opted into for production."""
        env = self.environment
        return env.allow_orders and (not env.production or self.allow_production_orders)

    @property
    def order_block_reason(self) -> str:
        """Why orders may not be placed (empty when they may)."""
        env = self.environment
        if not env.allow_orders:
            return f"environment '{self.env}' does not allow orders (allow_orders = false)"
        if env.production and not self.allow_production_orders:
            return (
                f"environment '{self.env}' is production: orders need "
                "allow_orders = true and --allow-production-orders"
            )
        return ""

    def secrets(self) -> tuple[str, ...]:
        """Secret values of this run, masked wherever text reaches a report."""
        return tuple(s for s in (self.api_token, *self.environment.secrets()) if s)

    @property
    def is_local(self) -> bool:
        """True when the run starts its own demo shop instead of using a URL."""
        return self.base_url is None

    def budget_for(self, step_key: str) -> float:
        """The time budget of a step, in seconds."""
        return self.step_budgets.get(step_key, DEFAULT_STEP_BUDGET)


def new_run_id() -> str:
    """A short id that names one run in reports, headers and history."""
    return time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def new_seed() -> int:
    """A fresh run seed, small enough to type back in with ``--faker-seed``."""
    return secrets.randbelow(1_000_000)


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "")), None)


def _parse_seed(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            f"faker seed {raw!r} is not a whole number: pass e.g. --faker-seed 1234"
        ) from None


def _parse_budgets(raw: Any) -> dict[str, float]:
    budgets: dict[str, float] = {}
    for item in raw or ():
        step, sep, seconds = str(item).rpartition("=")
        try:
            value = float(seconds)
        except ValueError:
            value = -1.0
        if not sep or not step.strip() or value <= 0:
            raise ConfigError(
                f"step budget {item!r} is not STEP=SECONDS: use e.g. --step-budget 'place order=4'"
            )
        budgets[step.strip()] = value
    return budgets


def _parse_timeout(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        seconds = -1.0
    if seconds <= 0:
        raise ConfigError(f"action timeout {raw!r} is not a positive number of seconds")
    return int(seconds * 1000)


def _check_url(url: str | None, source: str) -> str | None:
    if url is None:
        return None
    if not url.startswith(("http://", "https://")) or url[-3:] == "://":
        raise ConfigError(
            f"{source} {url!r} is not an http(s) URL: use e.g. --base-url http://127.0.0.1:8000"
        )
    return url.rstrip("/")


def _check_ws_url(url: str | None) -> str | None:
    if url is None:
        return None
    # Only scheme and host are checked: the path and query (run-server serves "/", hosted
    # fleets add tokens) are the server's business, and reachability is checked before use.
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts = urlsplit("")
    if parts.scheme.lower() not in ("ws", "wss") or not parts.hostname:
        raise ConfigError(
            f"browser endpoint {url!r} is not a ws:// or wss:// URL: use e.g. "
            "--browser-endpoint ws://127.0.0.1:3000/ (what `playwright run-server` prints)"
        )
    return url


def build_settings(
    options: Mapping[str, Any],
    environ: Mapping[str, str],
    *,
    run_id: str | None = None,
    seed: int | None = None,
) -> Settings:
    """Resolve the settings from command-line ``options`` and ``environ``.

    ``options`` holds the parsed command-line values by name (``env``,
    ``base_url``, ``faker_seed``, ``browser_path``, ``browser_endpoint``,
    ``reports_dir``, ``shop_args``, ``step_budgets``, ``action_timeout``);
    missing or ``None`` means "not given". ``run_id`` and ``seed`` come from
    the controller on pytest-xdist workers, so every worker of a run shares them.
    """
    env = str(_first(options.get("env"), environ.get("CHECKOUT_PROBE_ENV"), LOCAL_ENV))
    config_path = Path(
        _first(options.get("config"), environ.get("CHECKOUT_PROBE_CONFIG"), "environments.toml")
    )
    if options.get("config") and not config_path.exists():
        raise ConfigError(f"config file {config_path} does not exist: fix --config")
    environment = resolve(env, load_file(config_path), environ, config_path)
    base_url = _check_url(
        _first(options.get("base_url"), environ.get("PYTEST_BASE_URL"), environment.base_url),
        "base URL",
    )
    parsed_seed = _parse_seed(
        _first(options.get("faker_seed"), environ.get("CHECKOUT_PROBE_FAKER_SEED"))
    )
    budgets = {
        **DEFAULT_STEP_BUDGETS,
        **environment.step_budgets,
        **_parse_budgets(options.get("step_budgets")),
    }
    timeout_ms = _parse_timeout(
        _first(options.get("action_timeout"), environ.get("CHECKOUT_PROBE_ACTION_TIMEOUT"))
    )
    reports_dir = Path(
        _first(options.get("reports_dir"), environ.get("CHECKOUT_PROBE_REPORTS_DIR"), "reports")
    )
    return Settings(
        env=env,
        environment=environment,
        base_url=base_url,
        faker_seed=_first(parsed_seed, seed, new_seed()),
        run_id=run_id or new_run_id(),
        reports_dir=reports_dir,
        browser_path=_first(options.get("browser_path"), environ.get("CHECKOUT_PROBE_BROWSER")),
        shop_args=tuple(options.get("shop_args") or ()),
        step_budgets=MappingProxyType(budgets),
        action_timeout_ms=timeout_ms or Settings.action_timeout_ms,
        playwright_browsers_path=environ.get("PLAYWRIGHT_BROWSERS_PATH") or None,
        browser_endpoint=_check_ws_url(
            _first(options.get("browser_endpoint"), environ.get("CHECKOUT_PROBE_BROWSER_ENDPOINT"))
        ),
        api_token=environ.get("CHECKOUT_PROBE_API_TOKEN") or environment.api_token,
        allow_production_orders=bool(options.get("allow_production_orders")),
    )
