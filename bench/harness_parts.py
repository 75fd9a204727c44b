"""Benchmark: what each part of the harness adds to a checkout, one part at a time.

Not a CI test: it prints figures. ``checkout_bench.py`` compares whole runs (the harness
through pytest against bare scripts, process by process); this one finds where the
difference goes. In one process, against one demo shop, with one browser, it times the
same-journey bare script (``bench/bare_checkout.py``) alone and with one part of the
harness added, the harness's own code for each:

- the network recorder (``NetworkRecorder``: every request, response, failure, page
  error and console message of the context reaches Python);
- the field mask (``MASK_SCRIPT``, an init script in every frame);
- web vitals (``VitalsRecorder``: its init script, and the one read after the journey);
- a Playwright trace of actions and console, discarded (as the probe does on a pass);
- the same trace written to a file then deleted (pytest-playwright's retain-on-failure);
- the calls the journey's steps add: a trace-context header set per step and a check per
  page that the shop did not show an error (made after the journey, as many as a guest
  checkout makes: 10 and 6);
- everything above together.

The kinds take turns (shuffled every repetition), so a machine whose speed drifts moves
them alike, and the bare script is timed twice, under two names: the gap between the two
is the noise floor of the figures.

    .venv/bin/python bench/harness_parts.py [-n 12]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bare_checkout import same_journey  # noqa: E402
from checkout_probe.checkout.browser import discover_chromium  # noqa: E402
from checkout_probe.checkout.context import MASK_SCRIPT  # noqa: E402
from checkout_probe.checkout.network import NetworkRecorder  # noqa: E402
from checkout_probe.checkout.tracecontext import CheckoutTrace  # noqa: E402
from checkout_probe.checkout.vitals import VitalsRecorder  # noqa: E402
from checkout_probe.target import LocalShop  # noqa: E402

#: A guest checkout's steps, and the pages whose error check the journey makes.
STEPS, PAGE_CHECKS = 10, 6


class Part:
    """One part of the harness: what it does before the journey, and after it."""

    def before(self, context: BrowserContext) -> None:
        """Prepare ``context`` (before its page exists)."""

    def after(self, context: BrowserContext, page: Page, scratch: Path) -> None:
        """After the journey, before the context closes."""


class Recorder(Part):
    def before(self, context: BrowserContext) -> None:
        NetworkRecorder().attach(context)


class Mask(Part):
    def before(self, context: BrowserContext) -> None:
        context.add_init_script(MASK_SCRIPT)


class Vitals(Part):
    def __init__(self) -> None:
        self.recorder = VitalsRecorder()

    def before(self, context: BrowserContext) -> None:
        self.recorder.attach(context)

    def after(self, context: BrowserContext, page: Page, scratch: Path) -> None:
        self.recorder.sample(page)


class Trace(Part):
    def __init__(self, written: bool) -> None:
        self.written = written

    def before(self, context: BrowserContext) -> None:
        context.tracing.start(snapshots=False, screenshots=False, sources=False)

    def after(self, context: BrowserContext, page: Page, scratch: Path) -> None:
        if self.written:
            path = scratch / "trace.zip"
            context.tracing.stop(path=str(path))
            path.unlink()
        else:
            context.tracing.stop()


class StepCalls(Part):
    def after(self, context: BrowserContext, page: Page, scratch: Path) -> None:
        trace = CheckoutTrace("bench", "bench-run", "local")
        for n in range(STEPS):
            with trace.step(f"step {n}"):
                page.set_extra_http_headers(trace.headers())
        for _ in range(PAGE_CHECKS):
            page.get_by_role("heading", level=1).first.is_visible()
        trace.end(failed=False)


#: Each kind: a name and a new set of parts for one checkout.
KINDS: dict[str, Callable[[], list[Part]]] = {
    "bare script, same journey": list,
    "bare script again (noise floor)": list,
    "+ network recorder": lambda: [Recorder()],
    "+ field mask": lambda: [Mask()],
    "+ web vitals": lambda: [Vitals()],
    "+ trace of actions, discarded": lambda: [Trace(written=False)],
    "+ trace of actions, written, deleted": lambda: [Trace(written=True)],
    f"+ steps' calls ({STEPS} headers, {PAGE_CHECKS} checks)": lambda: [StepCalls()],
    "+ all of these (trace written)": lambda: [
        Recorder(), Mask(), Vitals(), Trace(written=True), StepCalls()
    ],
}  # fmt: skip
BARE = next(iter(KINDS))


def checkout(browser: Browser, url: str, api: httpx.Client, n: int, parts: list[Part]) -> float:
    """Seconds for one checkout with ``parts``: a new context, the journey, the context closed."""
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        context = browser.new_context(base_url=url)
        for part in parts:
            part.before(context)
        page = context.new_page()
        same_journey(page, api, n)
        for part in parts:
            part.after(context, page, Path(scratch))
        context.close()
        return time.perf_counter() - started


def main() -> int:
    """Time every kind ``-n`` times, in turns; print medians and what each part adds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--repeats", type=int, default=12, help="checkouts of each kind")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in KINDS}
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalShop(Path(tmp)) as shop,
        sync_playwright() as pw,
    ):
        assert shop.url is not None
        choice = discover_chromium(None, pw.chromium.executable_path)
        browser = pw.chromium.launch(executable_path=choice.executable_path)
        headers = {"Authorization": f"Bearer {shop.api_token}"}
        with httpx.Client(base_url=shop.url, headers=headers) as api:
            count = 0
            for kind in KINDS:  # warm-up: the shop's first pages, the browser's caches
                count += 1
                checkout(browser, shop.url, api, count, KINDS[kind]())
            for _ in range(args.repeats):
                order = list(KINDS)
                random.shuffle(order)
                for kind in order:
                    count += 1
                    times[kind].append(checkout(browser, shop.url, api, count, KINDS[kind]()))
        browser.close()
    base = statistics.median(times[BARE])
    print(f"guest checkout, {args.repeats} of each kind in shuffled turns, one browser, demo "
          f"shop on loopback, {choice.describe()}")  # fmt: skip
    print(f"  {'':44} per checkout   × bare    added")
    for kind, values in times.items():
        median = statistics.median(values)
        added = (median - base) * 1000
        print(f"  {kind:44} {median:6.3f} s  {median / base:5.3f}×  {added:+5.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
