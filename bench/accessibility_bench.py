"""Benchmark: what checking every page with axe-core costs a checkout.

Not a CI test: it prints figures. In one run, against one demo shop, on one worker, the
harness's guest checkout through pytest N times with accessibility on (the default) and N
times with ``--no-accessibility``, the two kinds taking turns for R rounds (which goes
first turns too), each a process of its own. It prints the median seconds per checkout of
each kind (from JUnit: setup + call + teardown; the first checkout of a process, which
also starts the browser, left out), the difference as seconds and as a share, and the
pages and violations the checked run's summary holds.

    .venv/bin/python bench/accessibility_bench.py [-n 6] [-r 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkout_probe.target import LocalShop  # noqa: E402

TEST = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)
KINDS = {"accessibility on": (), "accessibility off": ("--no-accessibility",)}


def run_pytest(
    url: str, token: str, runs: int, extra: tuple[str, ...]
) -> tuple[list[float], dict[str, Any]]:
    """Seconds per checkout (JUnit) of ``runs`` checkouts in one pytest process, and its
    summary.json."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "bench.repeat", f"--bench-repeat={runs}", f"--base-url={url}",
            f"--junitxml={junit}", f"--output={tmp}/artifacts", f"--alluredir={tmp}/allure",
            "--tracing=retain-on-failure", *extra, TEST,
        ]  # fmt: skip
        env = {
            **os.environ, "CHECKOUT_PROBE_API_TOKEN": token, "CHECKOUT_PROBE_REPORTS_DIR": tmp,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }  # fmt: skip
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise SystemExit(f"pytest failed:\n{result.stdout[-3000:]}")
        times = [float(c.get("time", "nan")) for c in ET.parse(junit).getroot().iter("testcase")]
        return times, json.loads((Path(tmp) / "summary.json").read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=6, help="checkouts per process")
    parser.add_argument("-r", "--rounds", type=int, default=2, help="processes of each kind")
    args = parser.parse_args()
    steady: dict[str, list[float]] = {kind: [] for kind in KINDS}
    summary: dict[str, Any] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, LocalShop(Path(tmp)) as shop:
        assert shop.url is not None
        for turn in range(args.rounds):
            kinds = list(KINDS)[turn % 2 :] + list(KINDS)[: turn % 2]
            for kind in kinds:
                times, found = run_pytest(shop.url, shop.api_token, args.runs, KINDS[kind])
                steady[kind] += times[1:] or times
                summary = found if kind == "accessibility on" else summary
    on, off = (statistics.median(steady[k]) for k in KINDS)
    took = time.perf_counter() - started
    print(f"{args.rounds} rounds × {args.runs} checkouts of each kind ({took:.0f} s in all); "
          "median seconds per checkout:")  # fmt: skip
    for kind in KINDS:
        values = steady[kind]
        spread = f"min {min(values):.2f}, max {max(values):.2f}, {len(values)} checkouts"
        print(f"  {kind:<18} {statistics.median(values):6.2f} s  ({spread})")
    print(f"  cost of accessibility: {on - off:+.2f} s per checkout ({(on - off) / off:+.1%})")
    steps = summary["tests"][-1]["steps"] if summary.get("tests") else []
    pages = sum(len(s["accessibility"]["pages"]) for s in steps)
    violations = sum(len(s["accessibility"]["violations"]) for s in steps)
    print(f"  pages checked per checkout: {pages}; violations found: {violations}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
