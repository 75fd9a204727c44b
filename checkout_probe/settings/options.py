"""The options every entry point shares: defined once, added to pytest, ``verify`` and ``probe``.

Each :class:`Option` names its flag, its environment variable and its help; the
pytest plugin, ``checkout-probe verify`` and ``checkout-probe probe`` add the
same list to their parsers, :func:`checkout_probe.settings.config.build_settings` reads
the values by ``dest`` with the same precedence everywhere (command line, then
the variable, then ``environments.toml``, then defaults), and ``verify`` hands
what it was given on to its pytest run. ``selftests/test_options.py`` checks that
the three parsers agree.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Action = Literal["store", "append", "store_true"]


@dataclass(frozen=True)
class Option:
    """One shared option."""

    flag: str
    dest: str
    help: str
    env: str | None = None
    action: Action = "store"
    metavar: str | None = None
    #: Another pytest plugin already defines it (pytest-base-url's ``--base-url``).
    pytest_owner: str | None = None
    #: The help's group it is shown in (``verify --help``, ``probe --help``).
    group: str = "target"

    @property
    def default(self) -> Any:
        """Not given: None, an empty list, or False."""
        return [] if self.action == "append" else (False if self.action == "store_true" else None)

    def full_help(self) -> str:
        """The help with the variable that can set it instead."""
        return self.help + (f" [env {self.env}]" if self.env else "")


#: The help's groups (besides "target", where an option is unless it says).
BUDGETS, BROWSER, REPORTS = "budgets, web vitals and accessibility", "browser and traces", "reports"

SHARED: tuple[Option, ...] = (
    Option("--env", "env", "environment from environments.toml (default: local)",
           env="CHECKOUT_PROBE_ENV", metavar="NAME"),
    Option("--config", "config", "environments file (default: the project's environments.toml)",
           env="CHECKOUT_PROBE_CONFIG", metavar="PATH"),
    Option("--base-url", "base_url", "test the shop running at this URL instead of the "
           "environment's", env="PYTEST_BASE_URL", metavar="URL", pytest_owner="pytest-base-url"),
    Option("--allow-production-orders", "allow_production_orders", "let checkouts order "
           "in a production environment (its allow_orders must be true as well)",
           action="store_true"),
    Option("--faker-seed", "faker_seed", "run seed for generated shoppers; replays a run's "
           "shoppers exactly", env="CHECKOUT_PROBE_FAKER_SEED", metavar="N"),
    Option("--shopper-locale", "shopper_locale", "generate shoppers of this one of the shop's "
           "locales only (Shop.shopper_locales), e.g. de_DE: their country, language and "
           "formats", env="CHECKOUT_PROBE_SHOPPER_LOCALE", metavar="LOCALE"),
    Option("--step-budget", "step_budgets", "time budget of one of the shop's journey steps, "
           "e.g. 'pay=4' (repeatable)", action="append", metavar="STEP=SECONDS", group=BUDGETS),
    Option("--baseline", "baseline", "baseline file of step times: a step several times "
           "slower than its p95 there fails as slow (record one with --record-baseline)",
           env="CHECKOUT_PROBE_BASELINE", metavar="FILE", group=BUDGETS),
    Option("--record-baseline", "record_baseline", "add the step times of this run's passed "
           "checkouts to this baseline file (created if missing)", metavar="FILE", group=BUDGETS),
    Option("--vitals-fail", "vitals_fail", "fail this step as slow when its web vitals are "
           "over budget ('all': every step; repeatable; default: the environment's vitals_fail)",
           action="append", metavar="STEP", group=BUDGETS),
    Option("--trace-snapshots", "trace_snapshots", "Playwright traces (--tracing) record a "
           "DOM snapshot at every action and the network too, not only the actions and the "
           "console (about a sixth more time per checkout)", action="store_true", group=BROWSER),
    Option("--no-web-vitals", "no_web_vitals", "do not measure web vitals (they cost one "
           "call into the page per checkout)", action="store_true", group=BUDGETS),
    Option("--no-accessibility", "no_accessibility", "do not check pages with axe-core (it "
           "costs one axe run per distinct page of a checkout)", action="store_true",
           env="CHECKOUT_PROBE_NO_ACCESSIBILITY", group=BUDGETS),
    Option("--a11y-fail", "a11y_fail", "fail this step on accessibility violations of this "
           "axe impact or worse, e.g. 'pay=serious' ('all=serious': every step; repeatable; "
           "default: the environment's a11y_fail)", action="append", metavar="STEP=IMPACT",
           group=BUDGETS),
    Option("--otlp-endpoint", "otlp_endpoint", "export each checkout's trace (a span per step) "
           "over OTLP/HTTP to this collector, e.g. http://127.0.0.1:4318 (needs "
           "checkout-probe[otlp])", env="CHECKOUT_PROBE_OTLP_ENDPOINT", metavar="URL",
           group=BROWSER),
    Option("--action-timeout", "action_timeout", "longest wait for any page element "
           "(default 20); keep it above the step budgets", env="CHECKOUT_PROBE_ACTION_TIMEOUT",
           metavar="SECONDS", group=BUDGETS),
    Option("--device", "device", "run on this device only: a Playwright device descriptor "
           "name, e.g. 'Pixel 7' (default: the environment's devices)",
           env="CHECKOUT_PROBE_DEVICE", metavar="NAME", pytest_owner="pytest-playwright",
           group=BROWSER),
    Option("--browser-path", "browser_path", "Chromium executable to launch instead of the one "
           "discovered", env="CHECKOUT_PROBE_BROWSER", metavar="PATH", group=BROWSER),
    Option("--browser-endpoint", "browser_endpoint", "run every journey in a browser of this "
           "Playwright server (ws://… of `playwright run-server`) instead of a local Chromium",
           env="CHECKOUT_PROBE_BROWSER_ENDPOINT", metavar="WS", group=BROWSER),
    Option("--shop-arg", "shop_args", "extra option for the embedded demo shop (repeatable), "
           "e.g. --shop-arg=--fault=js-error", action="append", metavar="OPTION"),
    Option("--reports", "reports_dir", "folder for summary.json (default reports/)",
           env="CHECKOUT_PROBE_REPORTS_DIR", metavar="DIR", group=REPORTS),
)  # fmt: skip

BY_DEST: Mapping[str, Option] = {o.dest: o for o in SHARED}


class _PytestGroup(Protocol):
    def addoption(self, *opts: str, **attrs: Any) -> None: ...


def add_to_pytest(group: _PytestGroup) -> None:
    """Add the shared options to pytest's "checkout-probe" group (not those another plugin owns)."""
    for option in SHARED:
        if option.pytest_owner:
            continue
        extra: dict[str, Any] = {"metavar": option.metavar} if option.metavar else {}
        group.addoption(
            option.flag, action=option.action, dest=option.dest, default=option.default,
            help=option.full_help(), **extra,
        )  # fmt: skip


def add_to_argparse(parser: argparse.ArgumentParser, *, without: Iterable[str] = ()) -> None:
    """Add the shared options (but those whose dest is in ``without``) to a command's parser,
    in the help's groups their :attr:`Option.group` names."""
    groups: dict[str, Any] = {}
    for option in SHARED:
        if option.dest in without:
            continue
        if option.group not in groups:
            groups[option.group] = parser.add_argument_group(option.group)
        group = groups[option.group]
        extra: dict[str, Any] = {"metavar": option.metavar} if option.metavar else {}
        group.add_argument(
            option.flag, action=option.action, dest=option.dest, default=option.default,
            help=option.full_help(), **extra,
        )  # fmt: skip


def values(namespace: Any, names: Iterable[str] = BY_DEST) -> dict[str, Any]:
    """The shared options' values from a parsed namespace (argparse's, or pytest's ``option``)."""
    return {name: getattr(namespace, name, BY_DEST[name].default) for name in names}


def as_arguments(given: Mapping[str, Any]) -> list[str]:
    """Command-line arguments that give another process the same options (verify → pytest)."""
    arguments: list[str] = []
    for option in SHARED:
        value = given.get(option.dest)
        if option.action == "store_true":
            arguments += [option.flag] if value else []
        elif option.action == "append":
            arguments += [f"{option.flag}={item}" for item in value or ()]
        elif value not in (None, ""):
            # "--opt=value": a value that starts with "-" is not read as another option.
            arguments.append(f"{option.flag}={value}")
    return arguments


def pick(given: Mapping[str, Any], environ: Mapping[str, str], dest: str) -> Any:
    """One option's value: the command line's, else its environment variable's, else None."""
    option = BY_DEST[dest]
    value = given.get(dest)
    if value not in (None, "", [], False):
        return value
    if option.env and environ.get(option.env):
        return environ[option.env]
    return None
