"""checkout-probe's pytest plugin, registered through the ``pytest11`` entry point.

It adds its options to every pytest run and does nothing else until the run's
project opts in: a ``[tool.checkout-probe]`` table in the ``pyproject.toml`` at
pytest's rootdir (see :mod:`checkout_probe.settings.project`), the way pytest-django waits
for its settings. A run that has not opted in reads no configuration, writes no
``summary.json`` and leaves ``--alluredir`` alone.

Opted in, it registers its modules, one per concern (settings, browser, target,
shoppers, cards, orders, evidence, reporting). They are registered at configure
time, after every entry-point plugin, so their fixtures override
pytest-playwright's option fixtures whatever order plugins were installed in.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.settings.options import add_to_pytest
from checkout_probe.settings.project import Project, project_at

PROJECT_KEY = pytest.StashKey[Project]()

MODULES = (
    "checkout_probe.pytest_plugin.settings",
    "checkout_probe.pytest_plugin.browser",
    "checkout_probe.pytest_plugin.target",
    "checkout_probe.pytest_plugin.shoppers",
    "checkout_probe.pytest_plugin.cards",
    "checkout_probe.pytest_plugin.orders",
    "checkout_probe.pytest_plugin.evidence",
    "checkout_probe.pytest_plugin.reporting",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("checkout-probe", "checkout-probe (active in a checkout-probe project)")
    add_to_pytest(group)
    group.addoption(
        "--trace-screenshots",
        action="store_true",
        default=False,
        help="Record the screencast in traces too (costs more than --trace-snapshots).",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    try:
        project = project_at(config.rootpath)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    if project is None:
        return  # not a checkout-probe project: stay out of this run
    config.stash[PROJECT_KEY] = project
    _stop_on_sigterm()
    for module in MODULES:
        # Registered now, each module's own pytest_configure runs at once (a historic hook).
        config.pluginmanager.import_plugin(module)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def _stop_on_sigterm() -> None:
    """SIGTERM (a cancelled CI job, verify stopping its checkouts) stops the run the way
    Ctrl-C does: the current checkout's fixtures tear down, so its orders are cleaned up,
    instead of the process dying with orders left open."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def is_active(config: pytest.Config) -> bool:
    """True when this run's project opted into checkout-probe."""
    return PROJECT_KEY in config.stash
