"""Two workers' first Allure steps at once: allure-python-commons' unlocked lazy plugin
manager, and the pool's :func:`checkout_probe.checkout.allure_threads.prepare` for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, cast

import allure
import pytest
from allure_commons._core import MetaPluginManager
from pluggy import PluginManager

from checkout_probe.checkout import allure_threads
from checkout_probe.probe import runner


@contextmanager
def _no_manager_yet() -> Iterator[None]:
    """Allure's plugin manager unbuilt, as in a fresh probe, and this session's put back
    within the test: not with ``monkeypatch``, whose undo runs between allure-pytest's
    hooks of its own teardown, which would then reach two different managers."""
    session_manager = MetaPluginManager._plugin_manager
    add_hookspecs = PluginManager.add_hookspecs
    setattr(MetaPluginManager, "_plugin_manager", None)  # noqa: B010 - typed as never None
    try:
        yield
    finally:
        setattr(PluginManager, "add_hookspecs", add_hookspecs)  # noqa: B010
        MetaPluginManager._plugin_manager = session_manager


def _first_steps_at_once(*, prepared: bool) -> list[BaseException]:
    """Thread A builds a fresh plugin manager and is held while adding its hooks; thread
    B opens a step in that moment (the interleaving CI hit once)."""
    if prepared:
        allure_threads.prepare()
    registering, b_done = threading.Event(), threading.Event()
    add_hookspecs = PluginManager.add_hookspecs

    def held_add_hookspecs(self: PluginManager, spec: Any) -> None:
        if threading.current_thread().name == "A":
            registering.set()
            b_done.wait(10)
        add_hookspecs(self, spec)

    setattr(PluginManager, "add_hookspecs", held_add_hookspecs)  # noqa: B010 - put back by _no_manager_yet
    errors: list[BaseException] = []

    def step(name: str) -> None:
        try:
            if name == "B":
                registering.wait(2)  # not set when A never builds one (prepared)
            with allure.step(f"open catalog ({name})"):
                pass
        except BaseException as error:  # what the worker's checkout would see
            errors.append(error)
        finally:
            if name == "B":
                b_done.set()

    threads = [threading.Thread(target=step, args=(name,), name=name) for name in "AB"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    return errors


def test_allures_own_manager_races_without_preparation() -> None:
    """The fault itself (allure-python-commons 2.16.2, pinned): if an upgrade fixes it,
    this fails and ``allure_threads`` can go."""
    with _no_manager_yet():
        errors = _first_steps_at_once(prepared=False)
    assert [type(e) for e in errors] == [AttributeError], errors
    assert "start_step" in str(errors[0])


def test_prepared_manager_lets_workers_open_steps_at_once() -> None:
    with _no_manager_yet():
        errors = _first_steps_at_once(prepared=True)
    assert errors == []


def test_the_pool_builds_the_manager_before_its_workers_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built_at_start: list[bool] = []

    class Recorder:  # a worker that only notes what it found when started
        current = None

        def __init__(self, name: str, *args: object) -> None:
            self.name = name

        def start(self) -> None:
            built_at_start.append(MetaPluginManager._plugin_manager is not None)

        def join(self, timeout: float) -> None:
            pass

    monkeypatch.setattr(runner, "Worker", Recorder)
    settings = cast(Any, SimpleNamespace(action_timeout_ms=5_000))  # expect()'s default
    with _no_manager_yet():
        pool = runner.CheckoutPool(settings, cast(Any, None), 2, orders=cast(Any, object()))
        pool.close()
    assert built_at_start == [True, True]
