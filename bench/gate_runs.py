"""How often the deploy gate rolls back, and what it costs: N ``verify`` runs per case (not CI).

    .venv/bin/python bench/gate_runs.py [-n 20] [CASE ...]

Cases: ``healthy``, ``partial-20``, ``partial-10``, ``partial-5`` (the demo shop's
``partial`` fault at that share of sessions: each checkout is a new session, so a checkout
fails with that probability). Each run is a whole ``checkout-probe verify`` as a deploy
job runs it (smoke checkouts, then the burst until the rule decides), one after another on
this machine with the default two browsers. Prints, per case: how many runs rolled back,
the exact probability the rule predicts for that failure rate, and the mean and largest
number of checkouts and seconds a run took.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkout_probe.verify.gate_rule import GateRule

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).with_name("checkout-probe")
CASES: dict[str, float] = {"healthy": 0.0, "partial-20": 0.2, "partial-10": 0.1, "partial-5": 0.05}


@dataclass(frozen=True)
class Run:
    """One verify: its exit code, the gate's decision and checkouts, its wall time."""

    code: int
    decision: str | None
    checkouts: int
    failures: int
    seconds: float


def verify(rate: float, reports: Path) -> Run:
    """One ``checkout-probe verify`` against the demo shop with ``rate`` of sessions broken."""
    faults = ["--shop-arg=--fault=partial", f"--shop-arg=--fault-rate={rate}"] if rate else []
    started = time.monotonic()
    result = subprocess.run(
        [str(CLI), "verify", "--reports", str(reports), *faults],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    seconds = time.monotonic() - started
    summary = json.loads((reports / "summary.json").read_text())
    gate = summary.get("gate") or {}
    smoke = sum(len(t.get("attempts") or [1]) for t in summary.get("tests", []))
    return Run(
        result.returncode, gate.get("decision"), gate.get("checkouts") or smoke,
        gate.get("failures", 0), seconds,
    )  # fmt: skip


def main() -> int:
    """Run the cases and print one row each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=20, help="verify runs per case")
    parser.add_argument("cases", nargs="*", default=list(CASES), help=", ".join(CASES))
    args = parser.parse_args()
    rule = GateRule()
    rows = []
    for name in args.cases:
        rate = CASES[name]
        runs = []
        for i in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                run = verify(rate, Path(tmp))
            runs.append(run)
            print(
                f"{name} {i + 1}/{args.runs}: exit {run.code}, {run.decision}, "
                f"{run.failures}/{run.checkouts} failed, {run.seconds:.1f} s",
                flush=True,
            )
        rolled = sum(r.code == 1 for r in runs)
        checkouts = [r.checkouts for r in runs]
        seconds = [r.seconds for r in runs]
        rows.append((
            name, f"{rolled}/{len(runs)}", f"{rule.odds(rate).roll_back:.1%}",
            f"{statistics.mean(checkouts):.1f}", str(max(checkouts)),
            f"{statistics.mean(seconds):.1f}", f"{max(seconds):.1f}",
            ", ".join(sorted({str(r.code) for r in runs})),
        ))  # fmt: skip
    header = ("case", "rolled back", "predicted", "checkouts mean", "max", "seconds mean", "max",
              "exit codes")  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for index, row in enumerate([header, *rows]):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if index == 0:
            print("-+-".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
