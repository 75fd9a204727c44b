"""Where a probe round's time goes, against the bare same-journey checkout, in one run.

    .venv/bin/python bench/round_time.py [-k 20] [--workers 2] [-r 3] [-n 6]

Against one demo shop, taking turns ``-r`` times:

* the bare script's same journey (``bench/bare_checkout.py``: the guest checkout with its
  checks written by hand, no harness), ``-n`` checkouts in one browser: its median per
  checkout is the yardstick; and W such scripts at once, each in a browser of its own: what
  the machine gives W checkouts at a time (a checkout's Chromium alone keeps more than one
  core busy, so two at once on two cores are each slower than one alone);
* ``checkout-probe probe --rounds 2 --interval 0 --json`` with K checkouts on W workers,
  buying the bare script's cart (2 × Trail Mug, 1 × Merino Socks) as an en-US shopper:
  round 1 starts the browsers (a ``--once`` run's round), round 2 has them (a long-running
  probe's), each with its phases from the round's JSON record.

Prints each round's time against ``K × bare / W`` and ``K × bare at once / W`` (the target:
at most 1.2×), where the
time went (the round's own phases, and its checkouts' phases per checkout), and what a
``--once`` process spends before its first checkout and after its round.
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.checkout_bench import time_raw_process  # noqa: E402
from bench.cpu_sampler import cpu_by_kind  # noqa: E402
from checkout_probe.checkout.browser import discover_chromium  # noqa: E402
from checkout_probe.target import LocalShop  # noqa: E402
from selftests.helpers import CLI  # noqa: E402
from selftests.probe.running import module_project, workable_rule  # noqa: E402

#: The demo project's shop, buying the bare script's cart as one en-US shopper.
_SAME_CART_SHOP = """from dataclasses import replace

from flows.shop import SHOP as DEMO

SHOP = replace(DEMO, pricing=None, shopper_locales=("en_US",))
"""
TARGET = 1.2


@dataclass
class ProbeRun:
    """One probe process: its rounds' JSON records and its own times."""

    rounds: list[dict[str, Any]] = field(default_factory=list)
    process_s: float = 0.0
    first_line_s: float = 0.0  # process start → "probing env …" (imports, options, checks)


def run_probe(
    url: str, token: str, project: Path, workdir: Path, args: argparse.Namespace
) -> ProbeRun:
    """``checkout-probe probe --rounds 2`` with ``--json``; its records and times."""
    command = [
        CLI, "probe", "--base-url", url, f"--project={project}", "--rounds", "2",
        "--interval", "0", "--checkouts", str(args.k), "--workers", str(args.workers),
        "--history", f"sqlite:///{workdir / 'history.sqlite'}",
        "--evidence-dir", str(workdir / "evidence"), "--json",
        *workable_rule(["--checkouts", str(args.k)]),
    ]  # fmt: skip
    env = {**os.environ, "CHECKOUT_PROBE_API_TOKEN": token, "PYTHONPATH": str(ROOT)}
    run = ProbeRun()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stderr is not None and process.stdout is not None
    for line in process.stderr:  # the lines for people: the first one says it started
        if not run.first_line_s and line.startswith("probing env"):
            run.first_line_s = time.perf_counter() - started
    out = process.stdout.read()
    code = process.wait()
    run.process_s = time.perf_counter() - started
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    run.rounds = [r for r in records if r.get("type") == "round"]
    if code != 0 or len(run.rounds) != 2 or any(r["failures"] for r in run.rounds):
        raise SystemExit(f"probe run failed (exit {code}):\n{out[-3000:]}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", type=int, default=20, help="checkouts per round (default 20)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("-r", "--rounds", type=int, default=3, help="turns of each kind")
    parser.add_argument("-n", type=int, default=6, help="bare checkouts per turn")
    args = parser.parse_args()
    with sync_playwright() as pw:
        executable = discover_chromium(None, pw.chromium.executable_path).executable_path
    bare: list[float] = []
    bare_cpu: list[dict[str, float]] = []  # CPU seconds per checkout, by process kind
    parallel: list[float] = []  # per checkout, W bare scripts at once: the machine's limit
    runs: list[ProbeRun] = []
    with tempfile.TemporaryDirectory() as tmp, LocalShop(Path(tmp) / "shop") as shop:
        assert shop.url is not None
        project = module_project(Path(tmp) / "project", "same_cart", _SAME_CART_SHOP)
        time_raw_process(shop.url, shop.api_token, 1, executable, "clicks only")  # warm up
        for turn in range(args.rounds):
            with cpu_by_kind() as cpu:
                bare_turn = time_raw_process(shop.url, shop.api_token, args.n, executable,
                                             "same journey")  # fmt: skip
            bare_cpu.append({kind: s / (args.n + 1) for kind, s in cpu.items()})
            bare.append(statistics.median(bare_turn.steady))
            with ThreadPoolExecutor(args.workers) as pool:
                at_once = list(pool.map(
                    lambda _: time_raw_process(shop.url or "", shop.api_token, args.n,
                                               executable, "same journey"),
                    range(args.workers),
                ))  # fmt: skip
            parallel.append(statistics.median(t for run in at_once for t in run.steady))
            workdir = Path(tmp) / f"probe-{turn}"
            workdir.mkdir()
            runs.append(run_probe(shop.url, shop.api_token, project, workdir, args))
            print(
                f"turn {turn + 1}: bare {bare[-1]:.2f} s per checkout, {parallel[-1]:.2f} s "
                f"with {args.workers} at once; rounds "
                + ", ".join(f"{r['seconds']:.1f} s" for r in runs[-1].rounds),
                flush=True,
            )
    _report(args, bare, parallel, runs)
    _cpu(bare_cpu, statistics.median(bare))
    return 0


def _report(
    args: argparse.Namespace, bare: list[float], parallel: list[float], runs: list[ProbeRun]
) -> None:
    k, w = args.k, args.workers
    print(f"\nK={k}, {w} workers, {args.rounds} turns; bare same-journey checkout "
          f"{statistics.median(bare):.2f} s alone, {statistics.median(parallel):.2f} s each "
          f"with {w} at once (medians of turns)")  # fmt: skip
    for index, label in ((0, "round 1 (starts its browsers: --once)"),
                         (1, "round 2 (browsers up: long-running)")):  # fmt: skip
        seconds = statistics.median(float(run.rounds[index]["seconds"]) for run in runs)
        for yardstick, per in (("K × bare / W", bare), ("K × bare at once / W", parallel)):
            ratios = [float(run.rounds[index]["seconds"]) / (k * b / w)
                      for run, b in zip(runs, per, strict=True)]  # fmt: skip
            ratio = statistics.median(ratios)
            verdict = "met" if ratio <= TARGET else "missed"
            print(f"  {label:40} {seconds:5.1f} s = {ratio:.2f}× {yardstick:22} "
                  f"({min(ratios):.2f}–{max(ratios):.2f}; ≤ {TARGET}: {verdict})")  # fmt: skip
    print("where round 2's time went (median of turns):")
    _phases(runs, "phases", 1, 1, "  round")
    _phases(runs, "checkout_phases", 1, k, "  per checkout")
    print("a --once process (round 1's probe run):")
    first = statistics.median(run.first_line_s for run in runs)
    rounds = statistics.median(sum(float(r["seconds"]) for r in run.rounds) for run in runs)
    total = statistics.median(run.process_s for run in runs)
    print(f"  start → first line {first:.2f} s (imports, options, browser and device checks); "
          f"process {total:.1f} s, of which rounds {rounds:.1f} s")  # fmt: skip


def _cpu(per_turn: list[dict[str, float]], bare_s: float) -> None:
    kinds = sorted({k for turn in per_turn for k in turn}, key=lambda k: -per_turn[0].get(k, 0))
    each = {k: statistics.median(turn.get(k, 0.0) for turn in per_turn) for k in kinds}
    total = sum(each.values())
    print(f"CPU of one bare checkout alone: {total:.2f} s in {bare_s:.2f} s "
          f"({total / bare_s:.2f} cores busy): "
          + ", ".join(f"{k} {v:.2f} s" for k, v in each.items()))  # fmt: skip


def _phases(runs: list[ProbeRun], key: str, index: int, per: int, label: str) -> None:
    names = list(dict.fromkeys(p for run in runs for p in run.rounds[index][key]))
    shown = []
    for name in names:
        values = [float(run.rounds[index][key].get(name, 0.0)) / per for run in runs]
        shown.append(f"{name} {statistics.median(values):.3f} s")
    print(f"{label}: " + ", ".join(shown))


if __name__ == "__main__":
    raise SystemExit(main())
