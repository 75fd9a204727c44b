"""Round time of the scheduled probe: K checkouts against a healthy demo shop (not a CI test).

    .venv/bin/python bench/probe_round.py [-k 20] [--rounds 3] [--workers 2] [--remote]

Starts a demo shop, runs ``checkout-probe probe --rounds N --interval 0`` (one
process: browsers stay up between rounds, as in long-running mode) and prints
each round's time and the process's start-up. ``--remote`` runs the same
through ``--browser-endpoint`` against a ``playwright run-server`` on
127.0.0.1 (the browsers then live in the server's processes).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkout_probe.target import LocalShop  # noqa: E402
from selftests.helpers import CLI  # noqa: E402
from selftests.remote_browser import run_server  # noqa: E402

_ROUND = re.compile(r"^round (\d+) .* (\d+)/(\d+) failed.* · ([\d.]+) s$")


def _probe(url: str, workdir: Path, args: argparse.Namespace, endpoint: str | None) -> None:
    command = [
        CLI, "probe", "--base-url", url, "--checkouts", str(args.k),
        "--workers", str(args.workers), "--rounds", str(args.rounds), "--interval", "0",
        "--history", f"sqlite:///{workdir / 'history.sqlite'}",
        "--evidence-dir", str(workdir / "evidence"),
    ]  # fmt: skip
    if endpoint:
        command += ["--browser-endpoint", endpoint]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "CHECKOUT_PROBE_API_TOKEN": "bench"})  # fmt: skip
    total = time.monotonic() - started
    rounds = [m for line in result.stdout.splitlines() if (m := _ROUND.match(line))]
    if result.returncode != 0 or not rounds:
        print(result.stdout + result.stderr)
        raise SystemExit(f"probe failed with exit {result.returncode}")
    where = f"remote browsers at {endpoint}" if endpoint else "local browsers"
    print(f"K={args.k}, {args.workers} workers, {where}:")
    for m in rounds:
        print(f"  round {m[1]}: {float(m[4]):5.1f} s  ({m[2]}/{m[3]} failed)")
    times = [float(m[4]) for m in rounds]
    median = statistics.median(times)
    print(f"  median round {median:.1f} s = {median / args.k:.2f} s per checkout")
    print(f"  process total {total:.1f} s (start-up and shutdown {total - sum(times):.1f} s)")


def main() -> int:
    """Run the probe against a fresh demo shop and print round times."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", type=int, default=20, help="checkouts per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--remote", action="store_true", help="also via --browser-endpoint")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalShop(Path(tmp) / "shop", api_token="bench") as shop,
    ):
        assert shop.url is not None
        _probe(shop.url, Path(tmp) / "local", args, None)
        if args.remote:
            with run_server() as endpoint:
                _probe(shop.url, Path(tmp) / "remote", args, endpoint)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
