"""A checkout worker's own Playwright driver: known by process id, killed with all it
started (a stopped browser too), and its temporary folder gone with it."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from checkout_probe.basics.processes import alive, children
from checkout_probe.checkout.remote import open_browser
from checkout_probe.probe.worker_driver import WorkerDriver
from checkout_probe.settings.config import Settings, build_settings
from flows.shop import SHOP


def _below(pid: int) -> set[int]:
    return {p for pids in children(pid).values() for p in pids if alive(p)}


def _gone(pids: set[int], within_s: float = 10.0) -> bool:
    # Killed is not gone yet: a zombie waits for whoever reaps it (init, for the orphans).
    deadline = time.monotonic() + within_s
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(p) for p in pids)


@pytest.fixture
def settings() -> Settings:
    return build_settings({"base_url": "http://127.0.0.1:9"}, {}, shop=SHOP)


def _in_worker_thread(test: Callable[[WorkerDriver], None]) -> None:
    """Run ``test`` with a driver in a thread of its own, as the probe's workers do (this
    process's main thread may run pytest-playwright's event loop already)."""

    def run() -> None:
        driver = WorkerDriver.start("test")
        try:
            test(driver)
        finally:
            driver.stop()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(run).result()


def test_a_killed_driver_takes_its_stopped_browser_and_temporary_files_with_it(
    settings: Settings,
) -> None:
    def test(driver: WorkerDriver) -> None:
        assert driver.pid is not None and driver.pid in _below(os.getpid())
        assert driver.tmp.parent == Path(tempfile.gettempdir())
        open_browser(driver.playwright, settings).new_context().new_page().goto("about:blank")
        started = _below(driver.pid) | {driver.pid}
        assert len(started) > 2, "the driver, its browser and the browser's helpers"
        assert any(driver.tmp.iterdir()), "the browser writes its temporary files under it"
        for pid in children(driver.pid)[driver.pid]:
            os.kill(pid, signal.SIGSTOP)  # wedged: no SIGTERM would reach it
        driver.kill()
        assert _gone(started), "a process of the driver outlived the kill"
        assert not driver.tmp.exists()
        driver.kill()  # again: nothing left to kill, and nothing else is

    _in_worker_thread(test)


def test_a_browser_that_died_under_an_idle_driver_is_seen_gone(settings: Settings) -> None:
    def test(driver: WorkerDriver) -> None:
        browser = open_browser(driver.playwright, settings)
        assert driver.pid is not None and not driver.browser_gone()
        for pid in children(driver.pid)[driver.pid]:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while not driver.browser_gone() and time.monotonic() < deadline:
            time.sleep(0.05)  # the driver reaps it in its own time
        assert driver.browser_gone()
        assert browser.is_connected(), "the idle connection has not heard: why the check exists"

    _in_worker_thread(test)
