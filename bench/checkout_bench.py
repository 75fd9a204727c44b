"""Benchmark: the harness's guest checkout against a bare Playwright script, the same
journey as a plain pytest-playwright test, and the same journey in Node Playwright Test.

Not a CI test: it prints figures. In one run, against one demo shop, each on one worker:

- the harness through pytest, as ``./run checkout`` runs it (fixtures, network recorder,
  diagnosis-ready steps, web vitals, trace context, traces kept on failure), then with
  web vitals off and without Playwright traces;
- a bare Python script doing the same work as the harness's test, by hand (clicks, reads,
  read-back through the API, cleanup; ``bench/bare_checkout.py``), and one doing only the
  clicks (one browser, a new context per checkout);
- the same-journey script as a plain pytest-playwright test (``bench/pytest_playwright/``:
  its ``page`` fixture, ``--tracing=retain-on-failure``, Allure results written), what a
  team writing its own pytest suite would run;
- the same journey in Playwright Test (npm ``@playwright/test``, installed into a cache
  folder on first use), with the same Chromium and ``trace: "retain-on-failure"``.

Each runs as a process of its own, N checkouts, and every kind runs once per round (the
order turning by one kind each round); it prints the median per checkout (pytest's from
JUnit, Playwright Test's from its JSON report, the script's measured around each checkout;
the first checkout of a process, which also starts the browser, left out), its ratio to
the same-journey bare script in each round (median, and the range over rounds), and the
whole process's wall time. Targets:
the harness ≤ 1.05 × the bare script doing the same journey, per checkout, and faster than
Playwright Test as a whole process.

    .venv/bin/python bench/checkout_bench.py [-n 8] [-r 3]

``bench/harness_parts.py`` times the harness's parts one at a time against the same script.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bare_checkout import clicks_only, same_journey  # noqa: E402
from checkout_probe.checkout.browser import discover_chromium  # noqa: E402
from checkout_probe.target import LocalShop  # noqa: E402

TEST = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)


#: The bare scripts (bench/bare_checkout.py): the harness is held to the one doing its work.
BARE = {"same journey": same_journey, "clicks only": clicks_only}


def time_raw(url: str, token: str, runs: int, executable: str | None, kind: str) -> list[float]:
    """Seconds per checkout of a bare script (one browser, a new context each)."""
    checkout = BARE[kind]
    times = []
    with (
        sync_playwright() as pw,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        browser = pw.chromium.launch(executable_path=executable)
        for n in range(runs):
            started = time.perf_counter()
            context = browser.new_context(base_url=url)
            checkout(context.new_page(), api, n)
            context.close()
            times.append(time.perf_counter() - started)
        browser.close()
    return times


#: Harness variants timed: as the main job runs it, without web vitals, without traces.
VARIANTS = {
    "harness as ./run checkout runs it": ("--tracing=retain-on-failure",),
    "harness, web vitals off": ("--tracing=retain-on-failure", "--no-web-vitals"),
    "harness without Playwright traces": ("--tracing=off",),
}
PLAYWRIGHT_TEST = Path(__file__).resolve().parent / "playwright_test"
#: The same-journey script as a plain pytest-playwright test (its own pytest root).
PYTEST_PLAYWRIGHT = Path(__file__).resolve().parent / "pytest_playwright"
NODE_CACHE = Path.home() / ".cache" / "checkout-probe" / "playwright-test"


@dataclass(frozen=True)
class Timing:
    """N checkouts of one kind: seconds per checkout, and the whole process's wall time."""

    per_checkout: list[float]
    process_s: float

    @property
    def steady(self) -> list[float]:
        """Without the first checkout, which also pays for starting the browser."""
        return self.per_checkout[1:] or self.per_checkout

    @property
    def median(self) -> float:
        """Median seconds per checkout (steady state)."""
        return statistics.median(self.steady)


def time_harness(url: str, token: str, runs: int, extra: tuple[str, ...]) -> Timing:
    """Seconds per checkout of the harness's test through pytest (setup + call + teardown)."""
    return time_pytest(url, token, runs, ROOT, TEST, extra, {})


def time_pytest_playwright(url: str, token: str, runs: int, executable: str | None) -> Timing:
    """The same-journey script as a plain pytest-playwright test, traces kept on failure."""
    test, tracing = "test_same_journey.py", "--tracing=retain-on-failure"
    env = {"BENCH_CHROMIUM": executable or ""}
    return time_pytest(url, token, runs, PYTEST_PLAYWRIGHT, test, (tracing,), env)


def time_pytest(
    url: str,
    token: str,
    runs: int,
    cwd: Path,
    test: str,
    extra: tuple[str, ...],
    more_env: dict[str, str],
) -> Timing:
    """Seconds per checkout through pytest in ``cwd``, read from JUnit XML (setup + call +
    teardown), and the process's wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "bench.repeat", f"--bench-repeat={runs}",
            f"--base-url={url}", f"--junitxml={junit}", f"--output={tmp}/artifacts",
            f"--alluredir={tmp}/allure-results",
            *extra,
            test,
        ]  # fmt: skip
        env = {
            "CHECKOUT_PROBE_API_TOKEN": token, "BENCH_API_TOKEN": token,
            "CHECKOUT_PROBE_REPORTS_DIR": tmp,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            **more_env,
        }  # fmt: skip
        started = time.perf_counter()
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **env}
        )
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"pytest run in {cwd} failed:\n{result.stdout[-3000:]}")
        cases = ET.parse(junit).getroot().iter("testcase")
        return Timing([float(case.get("time", "nan")) for case in cases], wall)


def time_raw_process(url: str, token: str, runs: int, executable: str | None, kind: str) -> Timing:
    """A bare script as a process of its own (``--raw``), like the others."""
    command = [sys.executable, __file__, "--raw", url, "--kind", kind, "-n", str(runs)]
    if executable:
        command += ["--executable", executable]
    started = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "BENCH_API_TOKEN": token}
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"bare script failed:\n{result.stderr[-3000:]}")
    return Timing(json.loads(result.stdout), wall)


def install_playwright_test() -> Path:
    """npm-install ``@playwright/test`` (the version in package.json) into the cache, once."""
    NODE_CACHE.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "playwright.config.js", "checkout.spec.js"):
        shutil.copy(PLAYWRIGHT_TEST / name, NODE_CACHE / name)
    cli = NODE_CACHE / "node_modules" / ".bin" / "playwright"
    if not cli.exists():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"], cwd=NODE_CACHE, check=True,
            env={**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}, capture_output=True,
        )  # fmt: skip
    return cli


def time_playwright_test(url: str, token: str, runs: int, executable: str | None) -> Timing:
    """The journey in Playwright Test: per test from its JSON report, and the process."""
    cli = install_playwright_test()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        env = {
            **os.environ, "BASE_URL": url, "API_TOKEN": token, "CHROMIUM": executable or "",
            "BENCH_REPORT": str(report), "BENCH_OUTPUT": f"{tmp}/results",
        }  # fmt: skip
        command = [str(cli), "test", "--config", str(NODE_CACHE / "playwright.config.js"),
                   f"--repeat-each={runs}"]  # fmt: skip
        started = time.perf_counter()
        result = subprocess.run(command, cwd=NODE_CACHE, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"Playwright Test failed:\n{result.stdout[-3000:]}")
        data = json.loads(report.read_text())
    durations = [
        r["duration"] / 1000
        for suite in data["suites"]
        for spec in suite["specs"]
        for t in spec["tests"]
        for r in t["results"]
    ]
    return Timing(durations, wall)


def _raw_main(url: str, runs: int, executable: str | None, kind: str) -> int:
    times = time_raw(url, os.environ["BENCH_API_TOKEN"], runs, executable, kind)
    print(json.dumps(times))
    return 0


SAME = "bare script, same journey"
HARNESS = "harness as ./run checkout runs it"
PWT = "Playwright Test (npm @playwright/test)"
PLAIN_PYTEST = "same journey in pytest-playwright"


def one_round(
    url: str, token: str, runs: int, executable: str | None, turn: int = 0
) -> dict[str, Timing]:
    """Every kind once, ``runs`` checkouts each; the order turns by one kind per round, so
    no kind always runs first, or always right after another (a drifting machine's speed
    would otherwise favour one)."""
    kinds: list[tuple[str, Callable[[], Timing]]] = [
        (SAME, lambda: time_raw_process(url, token, runs, executable, "same journey")),
        ("bare script, clicks only",
         lambda: time_raw_process(url, token, runs, executable, "clicks only")),
        (PLAIN_PYTEST, partial(time_pytest_playwright, url, token, runs, executable)),
        *((name, partial(time_harness, url, token, runs, extra))
          for name, extra in VARIANTS.items()),
        (PWT, lambda: time_playwright_test(url, token, runs, executable)),
    ]  # fmt: skip
    shift = turn % len(kinds)
    timings = {name: run() for name, run in kinds[shift:] + kinds[:shift]}
    return {name: timings[name] for name, _ in kinds}  # printed in the same order every time


def main() -> int:
    """Run every kind in rounds, print medians, process times and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=8, help="checkouts per process")
    parser.add_argument("-r", "--rounds", type=int, default=3, help="rounds of every kind")
    parser.add_argument("--raw", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--executable", help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=BARE, default="same journey", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:
        return _raw_main(args.raw, args.runs, args.executable, args.kind)
    with sync_playwright() as pw:
        choice = discover_chromium(None, pw.chromium.executable_path)
    executable = choice.executable_path
    with tempfile.TemporaryDirectory() as tmp, LocalShop(Path(tmp)) as shop:
        assert shop.url is not None
        url, token = shop.url, shop.api_token
        # Warm the shop once (first page compile) before measuring.
        time_raw(url, token, 1, executable, "clicks only")
        # Rounds, each kind once per round: a machine whose speed drifts (a shared host)
        # moves every kind of a round alike, so each round's ratios are compared.
        rounds = [one_round(url, token, args.runs, executable, turn) for turn in range(args.rounds)]
    print(f"guest checkout, {args.rounds} rounds × {args.runs} checkouts of each kind, one "
          f"worker, demo shop on loopback, {choice.describe()}")  # fmt: skip
    print(f"  {'':40} per checkout   × same journey (rounds)    whole process  × Playwright Test")
    ratios: dict[str, float] = {}
    for name in rounds[0]:
        per = statistics.median(t for r in rounds for t in r[name].steady)
        paired = [r[name].median / r[SAME].median for r in rounds]
        whole = [r[name].process_s / r[PWT].process_s for r in rounds]
        process = statistics.median(r[name].process_s for r in rounds)
        ratios[name] = statistics.median(paired)
        spread = f"{min(paired):.2f}–{max(paired):.2f}"
        print(f"  {name:40} {per:6.3f} s  {ratios[name]:5.2f}× ({spread:9})"
              f"      {process:6.1f} s  {statistics.median(whole):5.2f}×")  # fmt: skip
    harness = ratios[HARNESS]
    versus = statistics.median(r[HARNESS].process_s / r[PWT].process_s for r in rounds)
    print(f"targets: per checkout ≤ 1.05× the same journey bare: {harness:.2f}× "
          f"({'met' if harness <= 1.05 else 'missed'}); whole process faster than Playwright "
          f"Test: {versus:.2f}× ({'met' if versus < 1 else 'missed'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
