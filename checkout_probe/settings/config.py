"""The one settings object of a run, built once and frozen.

Precedence, highest first (the only place it is written down):

1. command-line options (the shared ones of :mod:`checkout_probe.settings.options`: ``--env``,
   ``--base-url``, ``--faker-seed``, ``--config``, ...);
2. the environment variable each of those options names (``CHECKOUT_PROBE_ENV``,
   ``PYTEST_BASE_URL``, ...), and ``CHECKOUT_PROBE_API_TOKEN`` for the shop's order API;
3. the environment's table in ``environments.toml`` (see ``checkout_probe.settings.environments``);
4. the project's :class:`~checkout_probe.shop.Shop` (step budgets, card profiles, health
   and version paths);
5. the defaults below.

Nothing else in the harness reads ``os.environ``: the pytest plugin and the CLI
pass it in here once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from checkout_probe.basics.errors import ConfigError
from checkout_probe.basics.redact import mask_url
from checkout_probe.basics.web_values import shop_url_problem, url_problem
from checkout_probe.settings.a11y_fail import A11yFail, parse_a11y_option
from checkout_probe.settings.baseline import Baseline, load_baseline
from checkout_probe.settings.devices import DEFAULT_DEVICES, Device, pick_device
from checkout_probe.settings.environments import LOCAL, Environment, load_file, resolve
from checkout_probe.settings.options import pick
from checkout_probe.settings.vital_budgets import VitalBudgets
from checkout_probe.shop import APPROVED, NO_SHOP, Shop
from checkout_probe.shop.data import NO_CARD, TestCard

LOCAL_ENV = LOCAL

#: Seconds a journey step may take when the shop declares no steps (and so no budgets).
DEFAULT_STEP_BUDGET = 10.0


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, resolved once (see the module docstring)."""

    env: str = LOCAL_ENV
    environment: Environment = field(default_factory=lambda: Environment(LOCAL_ENV))
    #: What the project declares about its shop (steps, cards, errors, orders, journeys).
    shop: Shop = NO_SHOP
    base_url: str | None = None
    faker_seed: int = 0
    #: The locales generated shoppers come from: the shop's, or the one ``--shopper-locale``
    #: names (None: the shop's ``shopper_locales``).
    shopper_locale: str | None = None
    run_id: str = ""
    reports_dir: Path = Path("reports")
    browser_path: str | None = None
    step_budgets: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
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
    #: ``ws://`` or ``wss://`` of a Playwright server (``playwright run-server``): journeys run
    #: in a browser it launches, and no local Chromium is needed (``checkout.remote``).
    browser_endpoint: str | None = None
    #: Each step's usual time (``--baseline``): a step far slower than it fails as slow.
    baseline: Baseline | None = None
    #: Baseline file the run adds its passed checkouts' step times to (``--record-baseline``).
    record_baseline: Path | None = None
    #: Web-vital budgets per step, and the steps a breach fails (``--vitals-fail`` over
    #: the environment's ``vitals_fail``).
    vital_budgets: VitalBudgets = field(default_factory=VitalBudgets)
    #: Measure web vitals in every page (``--no-web-vitals``: not).
    web_vitals: bool = True
    #: Check each distinct page of a checkout with axe-core (``--no-accessibility``: not).
    accessibility: bool = True
    #: The steps accessibility violations fail, from which impact on (``--a11y-fail`` over
    #: the environment's ``a11y_fail``).
    a11y_fail: A11yFail = field(default_factory=A11yFail)
    #: Playwright traces record a DOM snapshot at every action and the network
    #: (``--trace-snapshots``); by default actions and console (``checkout.prepare_context``).
    trace_snapshots: bool = False
    #: OTLP/HTTP collector the checkouts' traces are exported to (``--otlp-endpoint``).
    otlp_endpoint: str | None = None
    #: The devices checkouts run on (the environment's ``devices``, or ``--device``'s one).
    devices: tuple[Device, ...] = DEFAULT_DEVICES
    #: The device of this checkout's settings (:meth:`on_device`); the first by default.
    device: Device = DEFAULT_DEVICES[0]

    def on_device(self, device: Device) -> Settings:
        """These settings for a checkout on ``device``: its step and vitals budgets over the
        run's (which steps fail on a breach stays the run's)."""
        vitals = self.vital_budgets
        if device.vital_budgets is not None:
            vitals = replace(device.vital_budgets, fail_steps=vitals.fail_steps)
        budgets = MappingProxyType({**self.step_budgets, **device.step_budgets})
        return replace(self, device=device, step_budgets=budgets, vital_budgets=vitals)

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
        """True when the run starts the embedded demo shop instead of using a URL."""
        return self.base_url is None

    @property
    def shopper_locales(self) -> tuple[str, ...]:
        """The Faker locales this run's shoppers are generated in."""
        return (self.shopper_locale,) if self.shopper_locale else self.shop.shopper_locales

    def budget_for(self, step_key: str) -> float:
        """The time budget of a step, in seconds."""
        return self.step_budgets.get(step_key, DEFAULT_STEP_BUDGET)

    @property
    def cards(self) -> Mapping[str, TestCard]:
        """The environment's card profile: card name → card (``"approved"`` among them)."""
        profile = self.environment.card_profile
        return self.shop.cards.get(profile, MappingProxyType({})) if profile else {}

    def approved_card(self, seed: int) -> TestCard:
        """One of the profile's approved cards (outcome ``"approved"``), chosen by ``seed``.

        Checkouts pay with the approved cards in turn, so a charge taken from the wrong
        card (another shopper's, a cached one) shows as a different card in reconciliation.
        """
        if not self.shop.cards:
            return NO_CARD  # the shop takes no card
        approved = [self.card()] + [
            c for n, c in sorted(self.cards.items()) if n != APPROVED and c.outcome == APPROVED
        ]
        return approved[seed % len(approved)]

    def card(self, name: str = APPROVED) -> TestCard:
        """One card of the environment's profile; a one-line error when it has none by that name
        (a shop that declares no cards, and so takes none, pays with :data:`NO_CARD`)."""
        if not self.shop.cards and name == APPROVED:
            return NO_CARD
        cards = self.cards
        if name not in cards:
            known = ", ".join(cards) or "none: the shop declares no cards (Shop.cards)"
            raise ConfigError(
                f"card profile '{self.environment.card_profile}' of environment '{self.env}' "
                f"has no card '{name}' (known: {known})"
            )
        return cards[name]


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


def _positive_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        return -1.0
    return value if 0 < value < float("inf") else -1.0


def _vitals_fail(budgets: VitalBudgets, steps: Any, shop: Shop) -> VitalBudgets:
    """The environment's budgets, failing the steps ``--vitals-fail`` names where given."""
    if not steps:
        return budgets
    if "all" in steps:
        return replace(budgets, fail_steps=None)
    for step in steps:
        shop.check_step(step, "--vitals-fail")
    return replace(budgets, fail_steps=frozenset(steps))


def _parse_budgets(raw: Any, shop: Shop) -> dict[str, float]:
    budgets: dict[str, float] = {}
    for item in raw or ():
        step, sep, seconds = str(item).rpartition("=")
        value = _positive_seconds(seconds)
        if not sep or not step.strip() or value <= 0:
            example = next(iter(shop.steps), "STEP")
            raise ConfigError(
                f"step budget {item!r} is not STEP=SECONDS: use e.g. --step-budget '{example}=4'"
            )
        shop.check_step(step.strip(), "--step-budget")
        budgets[step.strip()] = value
    return budgets


def _shopper_locale(raw: Any, shop: Shop) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in shop.shopper_locales:
        raise ConfigError(
            f"shopper locale {raw!r} is not one of the shop's: pass one of "
            f"{', '.join(shop.shopper_locales)} (Shop.shopper_locales)"
        )
    return str(raw)


def _parse_timeout(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    seconds = _positive_seconds(str(raw))
    if seconds <= 0 or seconds > 3600:
        raise ConfigError(f"action timeout {raw!r} is not a number of seconds between 0 and 3600")
    return int(seconds * 1000)


def _check_url(
    url: str | None,
    source: str,
    example: str = "--base-url http://127.0.0.1:8000",
    problem_of: Callable[[str], str | None] = url_problem,
) -> str | None:
    if url is None:
        return None
    if (problem := problem_of(url)) is not None:
        raise ConfigError(f"{source} {mask_url(url)[:200]!r} {problem}: use e.g. {example}")
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
            f"browser endpoint {mask_url(url)!r} is not a ws:// or wss:// URL: use e.g. "
            "--browser-endpoint ws://127.0.0.1:3000/ (what `playwright run-server` prints)"
        )
    return url


def build_settings(
    options: Mapping[str, Any],
    environ: Mapping[str, str],
    *,
    shop: Shop = NO_SHOP,
    environments: Path | None = None,
    run_id: str | None = None,
    seed: int | None = None,
) -> Settings:
    """Resolve the settings from command-line ``options`` and ``environ``.

    ``options`` holds the parsed command-line values by ``dest`` of the shared
    options (:mod:`checkout_probe.settings.options`); missing or ``None`` means "not given",
    and each option's environment variable fills in. ``shop`` is the project's
    (budgets, cards and defaults are checked against it), ``environments`` the
    project's environments file (None: no file, unless ``--config`` names one).
    ``run_id`` and ``seed`` come from the controller on pytest-xdist workers, so
    every worker of a run shares them.
    """

    def given(dest: str) -> Any:
        return pick(options, environ, dest)

    env = str(given("env") or LOCAL_ENV)
    config_path = Path(given("config") or environments or "environments.toml")
    if given("config") and not config_path.exists():
        source = "--config" if options.get("config") else "$CHECKOUT_PROBE_CONFIG"
        raise ConfigError(f"config file {config_path} does not exist: fix {source}")
    document = load_file(config_path) if given("config") or environments else {}
    environment = resolve(env, document, environ, config_path, shop)
    base_url = _check_url(
        given("base_url") or environment.base_url, "base URL", problem_of=shop_url_problem
    )
    if base_url is None and not environment.demo_shop:
        raise ConfigError(
            f"environment '{env}' has no base_url: add base_url = \"https://your-shop.example\" "
            f"to its table in {config_path.name}, or pass --base-url URL"
        )
    budgets = {
        **shop.steps,
        **environment.step_budgets,
        **_parse_budgets(options.get("step_budgets"), shop),
    }
    timeout_ms = _parse_timeout(given("action_timeout"))
    devices = pick_device(environment.devices, given("device"))
    return Settings(
        env=env,
        environment=environment,
        shop=shop,
        base_url=base_url,
        faker_seed=_first(_parse_seed(given("faker_seed")), seed, new_seed()),
        shopper_locale=_shopper_locale(given("shopper_locale"), shop),
        run_id=run_id or new_run_id(),
        reports_dir=Path(given("reports_dir") or "reports"),
        browser_path=given("browser_path"),
        shop_args=tuple(options.get("shop_args") or ()),
        step_budgets=MappingProxyType(budgets),
        action_timeout_ms=timeout_ms or Settings.action_timeout_ms,
        playwright_browsers_path=environ.get("PLAYWRIGHT_BROWSERS_PATH") or None,
        browser_endpoint=_check_ws_url(given("browser_endpoint")),
        api_token=environ.get("CHECKOUT_PROBE_API_TOKEN") or environment.api_token,
        allow_production_orders=bool(options.get("allow_production_orders")),
        baseline=load_baseline(Path(given("baseline"))) if given("baseline") else None,
        record_baseline=Path(given("record_baseline")) if given("record_baseline") else None,
        vital_budgets=_vitals_fail(environment.vital_budgets, options.get("vitals_fail"), shop),
        web_vitals=not options.get("no_web_vitals"),
        accessibility=not given("no_accessibility"),
        a11y_fail=parse_a11y_option(options.get("a11y_fail") or (), shop.check_step)
        or environment.a11y_fail,
        trace_snapshots=bool(options.get("trace_snapshots")),
        otlp_endpoint=_check_url(
            given("otlp_endpoint"), "--otlp-endpoint", "--otlp-endpoint http://127.0.0.1:4318"
        ),
        devices=devices,
        device=devices[0],
    )
