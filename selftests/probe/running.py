"""Run ``checkout-probe probe`` as a user would: a subprocess against a real demo shop."""

from __future__ import annotations

import json
import math
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from checkout_probe.probe.rule import DecisionRule, wilson_interval
from checkout_probe.target import LocalShop
from selftests.helpers import CLI, ROOT

TOKEN = "probe-token-Qx81"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def admin(shop: LocalShop, path: str, body: dict[str, Any]) -> None:
    """Call the demo shop's admin API (switch a fault or the reported version)."""
    httpx.post(f"{shop.url}{path}", json=body, headers=BEARER, timeout=5).raise_for_status()


@contextmanager
def demo_shop(folder: Path, *args: str) -> Iterator[LocalShop]:
    """A real demo shop whose faults and version the test switches at run time."""
    shop = LocalShop(folder, args, api_token=TOKEN)
    shop.start()
    try:
        yield shop
    finally:
        shop.stop()


@dataclass(frozen=True)
class ProbeRun:
    """One finished ``probe`` process."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        """stdout and stderr together, for assertion messages."""
        return self.stdout + self.stderr

    def rounds(self) -> list[str]:
        """The per-round lines."""
        return [line for line in self.stdout.splitlines() if line.startswith("round ")]


def workable_rule(args: Sequence[str]) -> list[str]:
    """``--recover-below`` (and ``--min-failures``) for the few checkouts per round tests run.

    The probe refuses a rule whose clean window can never recover (the upper bound
    of 0 failures in 2×K stays above 10 % for K < 18) or that can never fire (fewer
    checkouts in a window than ``--min-failures``); tests run small K for time, so
    they pass the least loosening that works for theirs, unless ``args`` set it.
    """
    k = 20
    for flag in ("--checkouts",):
        if flag in args:
            k = int(args[list(args).index(flag) + 1])
    rule, window = DecisionRule(), DecisionRule().window_rounds * k
    looser = []
    high = wilson_interval(0, window)[1]
    if "--recover-below" not in args and high >= rule.recover_below:
        looser += ["--recover-below", f"{math.ceil(high * 100) / 100:.2f}"]
    if "--min-failures" not in args and window < rule.min_failures:
        looser += ["--min-failures", str(window)]  # K=1: the window has 2 checkouts
    return looser


def probe_args(base_url: str, workdir: Path, *args: str) -> list[str]:
    """``checkout-probe probe`` against ``base_url`` with history and evidence under ``workdir``."""
    return [
        CLI, "probe", "--env", "local", "--base-url", base_url,
        "--history", f"sqlite:///{workdir / 'history.sqlite'}",
        "--evidence-dir", str(workdir / "evidence"), "--workers", "2",
        *workable_rule(args), *args,
    ]  # fmt: skip


def probe_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a probe subprocess runs with (the shop's API token as a secret)."""
    # PYTHONFAULTHANDLER: a probe that hangs can be made to print every thread's stack (SIGABRT).
    return {
        **os.environ, "CHECKOUT_PROBE_API_TOKEN": TOKEN, "PYTHONFAULTHANDLER": "1", **(extra or {})
    }  # fmt: skip


def run_probe(
    base_url: str,
    workdir: Path,
    *args: str,
    timeout_s: float = 300,
    env: dict[str, str] | None = None,
) -> ProbeRun:
    """Run the probe to completion (``--once`` or ``--rounds``)."""
    started = time.monotonic()
    result = subprocess.run(
        probe_args(base_url, workdir, *args), cwd=ROOT, capture_output=True, text=True,
        timeout=timeout_s, env=probe_env(env),
    )  # fmt: skip
    return ProbeRun(result.returncode, result.stdout, result.stderr, time.monotonic() - started)


@dataclass
class LiveProbe:
    """A long-running probe whose output lines the test reads as they come."""

    process: subprocess.Popen[str]
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)

    def wait_for(self, prefix: str, timeout_s: float, *, anywhere: bool = False) -> str:
        """The first (new) output line starting with (or, ``anywhere``, containing) ``prefix``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"probe exited waiting for {prefix!r}:\n" + self.text())
            self.seen.append(line)
            if line.startswith(prefix) or (anywhere and prefix in line):
                return line
        raise AssertionError(f"no {prefix!r} line within {timeout_s} s:\n" + self.text())

    def text(self) -> str:
        """Everything read so far."""
        return "\n".join(self.seen)

    def stop(self, timeout_s: float = 60) -> int:
        """SIGTERM, as Kubernetes or systemd would send; returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)  # the faulthandler prints where it hangs
            self.process.wait(timeout=30)
            self._drain()
            raise AssertionError(
                f"the probe did not stop within {timeout_s:.0f} s of SIGTERM:\n" + self.text()
            ) from None
        self._drain()
        return code

    def _drain(self) -> None:
        # Until EOF, or a quiet pipe: a browser left behind may hold its write end open.
        with suppress(queue.Empty):
            while (line := self.lines.get(timeout=5)) is not None:
                self.seen.append(line)


@contextmanager
def live_probe(
    base_url: str, workdir: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[LiveProbe]:
    """Start a long-running probe; it is killed at the end if the test did not stop it."""
    process = subprocess.Popen(
        probe_args(base_url, workdir, *args), cwd=ROOT, text=True, env=probe_env(env),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    live = LiveProbe(process)

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            live.lines.put(line.rstrip("\n"))
        live.lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        yield live
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def alerts(requests: list[Any]) -> list[dict[str, Any]]:
    """The generic JSON alerts a receiver got, in order."""
    return [json.loads(r.body) for r in requests]


#: A project of one step (open the demo shop's catalog): for tests of the probe's loop
#: (rounds, alert state, metrics, signals) that need many rounds, not whole checkouts.
_CATALOG_ONLY_SHOP = '''
from checkout_probe.shop.data import TestCard
from checkout_probe.shop import Shop, ShopErrors


def open_catalog(journey, shopper, card, *, orders=None):
    """Open the demo shop's catalog and see its heading."""
    with journey.step("open catalog"):
        journey.page.goto("/")
        journey.wait_for_page(journey.page.get_by_role("heading", name="Products"), "the catalog")


SHOP = Shop(
    name="demo shop, catalog only",
    steps={"open catalog": 5.0},
    cards={"test": {"approved": TestCard("4242 4242 4242 4242", "12 / 34", "123", "approved")}},
    journeys={"open catalog": open_catalog},
    # The demo shop's error page, so a failing catalog fails at once, not at the timeout.
    errors=ShopErrors(
        shown=lambda page: page.get_by_role("heading", name="Something went wrong", level=1)
    ),
    health_path="/health", version_path="/version", version_header="X-Shop-Version",
)
'''


def module_project(folder: Path, module: str, source: str) -> Path:
    """Write a project whose shop is ``SHOP`` in one module (``source``) into ``folder`` and
    return it (for ``--project``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(f'[tool.checkout-probe]\nshop = "{module}:SHOP"\n')
    (folder / f"{module}.py").write_text(source)
    return folder


def catalog_only_project(folder: Path) -> Path:
    """Write the one-step project into ``folder`` and return it (for ``--project``)."""
    return module_project(folder, "catalog_only", _CATALOG_ONLY_SHOP)


def wedge_round_is_explained(line: str, checkouts: int) -> bool:
    """Whether every checkout of a round caught by a wedged browser is one of the two things
    it may be: failed in its step (the page stopped answering mid-step; from outside that is a
    page frozen by the shop's own script: ``slow`` if the step hung, else what its wait saw,
    such as ``ui_broken``) or a harness error (hung outside any step: the browser's)."""
    failed = re.search(r"(\d+)/\d+ failed", line)
    errors = re.search(r"(\d+) harness errors", line)
    n_failed = int(failed[1]) if failed else 0
    n_errors = int(errors[1]) if errors else 0
    return n_failed + n_errors == checkouts
