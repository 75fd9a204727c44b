"""Count false failures: N checkouts against a healthy demo shop (not a CI test).

    .venv/bin/python bench/false_failures.py [-n 200] [--workers 2]
        [--record-baseline FILE] [--baseline FILE]

Runs the guest checkout of a generated cart N times through the harness (two
xdist workers, one demo shop each; each repetition draws its own cart from the
seed) and prints how many failed, their categories, the rate, and how many
different amounts were bought. On a healthy shop every failure is a false alarm.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_of_a_generated_cart_is_priced_shown_stored_and_charged_as_expected"
)


def main() -> int:
    """Run the checkouts and print the false-failure count and rate."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=200, help="checkouts to run")
    parser.add_argument("--workers", type=int, default=2, help="xdist workers")
    parser.add_argument("--record-baseline", metavar="FILE", help="record step times to FILE")
    parser.add_argument("--baseline", metavar="FILE", help="judge step times by FILE")
    args = parser.parse_args()
    extra = [f"--{name.replace('_', '-')}={getattr(args, name)}"
             for name in ("record_baseline", "baseline") if getattr(args, name)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "bench.repeat", f"--bench-repeat={args.runs}", "-n", str(args.workers),
            "--tracing=retain-on-failure", f"--output={tmp}/artifacts", *extra, TEST,
        ]  # fmt: skip
        env = {**os.environ, "CHECKOUT_PROBE_REPORTS_DIR": tmp}
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        summary = json.loads((Path(tmp) / "summary.json").read_text())
    tests = summary["tests"]
    failed = [t for t in tests if t.get("outcome") != "passed"]
    rate = len(failed) / len(tests) if tests else float("nan")
    judged = f", judged by baseline {args.baseline}" if args.baseline else ""
    print(f"{len(tests)} healthy guest checkouts in {elapsed:.0f} s ({args.workers} workers)"
          f"{judged}")  # fmt: skip
    print(f"false failures: {len(failed)} ({rate:.2%})")
    amounts = {s["title"] for t in tests for s in t.get("steps", []) if s["step"] == "place order"}
    print(f"different order totals bought: {len(amounts)}")
    for category, count in Counter(t.get("category") for t in failed).most_common():
        print(f"  {category}: {count}")
    for test in failed[:5]:
        diagnosis = test.get("diagnosis") or {}
        print(f"  e.g. {test['nodeid']}: {diagnosis.get('reason', test.get('outcome'))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
