"""The run's one frozen :class:`Settings` object, from the shared options and the project."""

from __future__ import annotations

import os
from typing import Any

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.checkout import otlp
from checkout_probe.pytest_plugin import PROJECT_KEY
from checkout_probe.settings.config import Settings, build_settings
from checkout_probe.settings.options import values
from checkout_probe.shop import Shop

SETTINGS_KEY = pytest.StashKey[Settings]()
_WORKER_KEY = "checkout_probe_run"


def settings_of(config: pytest.Config) -> Settings:
    """The run's settings (built in ``pytest_configure``)."""
    return config.stash[SETTINGS_KEY]


MARKERS = {
    "smoke": "the checkouts that must pass after every deploy (what `checkout-probe verify` runs)",
}


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    shared: dict[str, Any] = getattr(config, "workerinput", {}).get(_WORKER_KEY, {})
    project = config.stash[PROJECT_KEY]
    try:
        settings = build_settings(
            values(config.option),
            os.environ,
            shop=project.load_shop(),
            environments=project.environments,
            run_id=shared.get("run_id"),
            seed=shared.get("seed"),
        )
        if settings.otlp_endpoint:
            otlp.enable(settings.otlp_endpoint)  # each process exports the spans it made
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SETTINGS_KEY] = settings
    _artifacts_under_reports(config, settings)


#: pytest-playwright's own default for ``--output`` (screenshots, traces, videos).
_PLAYWRIGHT_OUTPUT_DEFAULT = "test-results"


def _artifacts_under_reports(config: pytest.Config, settings: Settings) -> None:
    """Everything a run writes goes under the reports folder: pytest-playwright's artifacts
    too, unless ``--output`` names another place."""
    given = any(str(a).startswith("--output") for a in config.invocation_params.args)
    if not given and getattr(config.option, "output", None) == _PLAYWRIGHT_OUTPUT_DEFAULT:
        config.option.output = str(settings.reports_dir / "artifacts")


def pytest_unconfigure(config: pytest.Config) -> None:
    if SETTINGS_KEY in config.stash and not otlp.flush():
        endpoint = settings_of(config).otlp_endpoint
        print(f"checkout-probe: not every trace reached {endpoint} (OTLP export timed out)")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Give every xdist worker the controller's run id and seed."""
    settings = settings_of(node.config)
    node.workerinput[_WORKER_KEY] = {"run_id": settings.run_id, "seed": settings.faker_seed}


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings = settings_of(config)
    target = settings.base_url or "embedded demo shop (started per worker)"
    project = config.stash[PROJECT_KEY]
    # The same seed gives other shoppers among other locales: a replay names them too.
    only = f" --shopper-locale {settings.shopper_locale}" if settings.shopper_locale else ""
    return [
        f"checkout-probe: project {project.root} · shop {settings.shop.name}",
        f"checkout-probe: env {settings.env} · target {target}",
        f"checkout-probe: run {settings.run_id} · faker seed {settings.faker_seed} "
        f"(replay with --faker-seed {settings.faker_seed}{only}) · shoppers "
        f"{', '.join(settings.shopper_locales)}",
    ]


@pytest.fixture(scope="session")
def settings(pytestconfig: pytest.Config) -> Settings:
    """The run's resolved, frozen settings."""
    return settings_of(pytestconfig)


@pytest.fixture(scope="session")
def shop(settings: Settings) -> Shop:
    """The project's :class:`~checkout_probe.shop.Shop` (steps, cards, journeys, ...)."""
    return settings.shop
