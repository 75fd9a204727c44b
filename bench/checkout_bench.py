"""Benchmark: the harness's guest checkout against a minimal hand-written Playwright script.

Not a CI test: it prints figures. In one run, against one demo shop, it times
N guest checkouts through pytest (fixtures, network recorder, diagnosis-ready
steps, a screenshot at the failing step, traces kept on failure — as the main job
runs) and N checkouts by a bare script doing the same clicks, then prints
the medians and their ratio. Target: harness ≤ 1.10 × raw.

    .venv/bin/python bench/checkout_bench.py [-n 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkout_probe.browser import discover_chromium  # noqa: E402
from checkout_probe.target import LocalShop  # noqa: E402

TEST = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)


def raw_checkout(page: Page, api: httpx.Client, n: int) -> None:
    """The same clicks as ``checkout_as_guest``, with no harness around them."""
    for name, qty in (("Trail Mug", 2), ("Merino Socks", 1)):
        page.goto("/")
        page.get_by_role("link", name=name, exact=True).click()
        page.get_by_label("Quantity", exact=True).fill(str(qty))
        page.get_by_role("button", name="Add to cart").click()
        page.get_by_role("status").filter(has_text=f"Added {qty} × {name}").wait_for()
    page.get_by_role("link", name="Cart").click()
    page.get_by_role("link", name="Proceed to checkout").click()
    page.get_by_label("Email", exact=True).fill(f"raw{n}@synthetic.example")
    page.get_by_label("Full name", exact=True).fill("Raw Script")
    page.get_by_label("Address", exact=True).fill("1 Main St")
    page.get_by_label("City", exact=True).fill("Springfield")
    page.get_by_label("Postal code", exact=True).fill("12345")
    page.get_by_label("Phone", exact=True).fill("555-123-4567")
    page.get_by_role("button", name="Continue to shipping").click()
    page.get_by_role("radio", name="Standard — $4.99").check()
    page.get_by_role("button", name="Continue to payment").click()
    frame = page.get_by_title("Card details").content_frame
    frame.get_by_label("Card number").fill("4242 4242 4242 4242")
    frame.get_by_label("Expiry date").fill("12 / 34")
    frame.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_role("button", name="Place order").click()
    number = page.get_by_test_id("order-number").inner_text()
    assert api.get(f"/api/orders/{number}").status_code == 200


def time_raw(url: str, token: str, runs: int, executable: str | None) -> list[float]:
    """Seconds per checkout of the bare script (one browser, a new context each)."""
    times = []
    with (
        sync_playwright() as pw,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        browser = pw.chromium.launch(executable_path=executable)
        for n in range(runs):
            started = time.perf_counter()
            context = browser.new_context(base_url=url)
            raw_checkout(context.new_page(), api, n)
            context.close()
            times.append(time.perf_counter() - started)
        browser.close()
    return times


#: Harness variants timed: as the main job runs it, and without Playwright traces.
VARIANTS = {
    "harness as ./run checkout runs it (trace kept on failure)": ("--tracing=retain-on-failure",),
    "harness without Playwright traces": ("--tracing=off",),
}


def time_harness(url: str, token: str, runs: int, extra: tuple[str, ...]) -> list[float]:
    """Seconds per checkout through pytest, read from JUnit XML (setup + call + teardown)."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "bench.repeat", f"--bench-repeat={runs}",
            f"--base-url={url}", f"--junitxml={junit}", f"--output={tmp}/artifacts",
            *extra,
            TEST,
        ]  # fmt: skip
        env = {"CHECKOUT_PROBE_API_TOKEN": token, "CHECKOUT_PROBE_REPORTS_DIR": tmp}
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}
        )
        if result.returncode != 0:
            raise SystemExit(f"harness run failed:\n{result.stdout[-3000:]}")
        cases = ET.parse(junit).getroot().iter("testcase")
        return [float(case.get("time", "nan")) for case in cases]


def main() -> int:
    """Run both, print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=15, help="checkouts of each kind")
    args = parser.parse_args()
    with sync_playwright() as pw:
        choice = discover_chromium(None, pw.chromium.executable_path)
    with tempfile.TemporaryDirectory() as tmp, LocalShop(Path(tmp)) as shop:
        assert shop.url is not None
        # Warm both paths once (imports, first page compile) before measuring.
        time_raw(shop.url, shop.api_token, 1, choice.executable_path)
        raw = time_raw(shop.url, shop.api_token, args.runs, choice.executable_path)
        harness = {
            name: time_harness(shop.url, shop.api_token, args.runs, extra)
            for name, extra in VARIANTS.items()
        }
    raw_median = statistics.median(raw)
    print(f"guest checkout, {args.runs} runs each, demo shop on loopback, {choice.describe()}")
    print(f"  raw Playwright script: median {raw_median:.3f} s (min {min(raw):.3f} s)")
    for name, times in harness.items():
        # The first test of a session also pays for starting the driver and browser.
        steady = times[1:]
        median = statistics.median(steady)
        ratio = median / raw_median
        verdict = "within" if ratio <= 1.10 else "over"
        print(
            f"  {name}: median {median:.3f} s (min {min(steady):.3f} s; first test "
            f"{times[0]:.3f} s) → {ratio:.2f}× raw, {verdict} the 1.10× target"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
