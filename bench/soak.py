"""Soak: the long-running probe for hundreds of rounds, its footprint after each (not a CI test).

    .venv/bin/python bench/soak.py [--rounds 300] [-k 2] [--workers 2] [--interval 1]
                                   [--crash-at 100] [--wedge-at 150] [--journey full|catalog]

Starts a demo shop and one ``checkout-probe probe`` process (browsers stay up between
rounds, as in production) and samples it after every round line (``selftests/soak.py``):
the probe's RSS, its proportional memory with every process below it, open file
descriptors, processes, threads, and the size of the evidence folder, its temporary files
and the history. After round ``--crash-at`` its browsers are killed; after ``--wedge-at``
the next round's pages are stopped (SIGSTOP) as they appear. Prints the samples at rounds
10, 100 and the last, and each figure's slope per 100 rounds after the warm-up (round 20)
and over the last third (memory that settles late shows there as no slope).
The short version (30 rounds, bounds asserted) is ``selftests/probe/test_probe_soak.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selftests.probe.running import catalog_only_project, demo_shop, live_probe  # noqa: E402
from selftests.soak import Sample, Soak, run_soak, table  # noqa: E402

#: Rounds before this are warm-up (browsers start, caches fill): slopes are taken after it.
WARM_UP = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("-k", type=int, default=2, help="checkouts per round (default 2)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--interval", default="1", help="seconds between rounds (default 1)")
    parser.add_argument("--crash-at", type=int, default=100, help="0: no browser crash")
    parser.add_argument("--wedge-at", type=int, default=150, help="0: no wedged page")
    parser.add_argument("--journey", choices=["full", "catalog"], default="full",
                        help="the demo shop's checkout, or one catalog step (faster)")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True)
        soak = _soak(args.keep, args)
    else:
        with tempfile.TemporaryDirectory(prefix="soak-") as folder:
            soak = _soak(Path(folder), args)
    shown = sorted({r for r in (10, 100, args.rounds) if r <= args.rounds})
    took = soak.samples[-1].seconds
    print(f"\nK={args.k}, {args.workers} workers, interval {args.interval} s, "
          f"{args.journey} journey, {args.rounds} rounds in {took:.0f} s")  # fmt: skip
    for n, what in sorted(soak.injected.items()):
        print(f"  after round {n}: {what}")
    last_third = args.rounds - args.rounds // 3
    print(table(soak, shown, WARM_UP, *([last_third] if last_third > WARM_UP else [])))


def _soak(workdir: Path, args: argparse.Namespace) -> Soak:
    (workdir / "tmp").mkdir()
    extra = ["--interval", args.interval, "--checkouts", str(args.k),
             "--workers", str(args.workers),
             "--action-timeout", "5", "--round-timeout", "60"]  # fmt: skip
    if args.journey == "catalog":
        extra.append(f"--project={catalog_only_project(workdir / 'project')}")
    inject: dict[int, Callable[[Soak, int], object]] = {}
    if args.crash_at:
        inject[args.crash_at] = Soak.crash_browsers
    if args.wedge_at:
        inject[args.wedge_at] = Soak.wedge_pages
    with demo_shop(workdir / "shop") as shop:
        assert shop.url is not None
        with live_probe(shop.url, workdir, *extra, env={"TMPDIR": str(workdir / "tmp")}) as probe:
            soak = run_soak(
                probe, workdir, workdir / "tmp", args.rounds, inject, on_sample=_progress
            )
            code = probe.stop()
    (workdir / "probe.log").write_text(probe.text())  # kept with --keep
    if code != 0:
        print(probe.text()[-3000:])
        raise SystemExit(f"the probe exited {code}")
    return soak


def _progress(sample: Sample, line: str) -> None:
    if sample.round % 10 == 0 or "HEALTHY" not in line or " 0/" not in line:
        verdict = line.split(" · ")[3:4] or [""]
        print(f"round {sample.round:4d} {sample.seconds:7.0f} s  RSS {sample.rss_mb:6.1f} MB  "
              f"PSS {sample.tree_pss_mb:7.1f} MB  fds {sample.fds:4d}/{sample.tree_fds:5d}  "
              f"procs {sample.processes:3d}  threads {sample.threads:3d}  "
              f"evidence {sample.evidence_mb:5.1f} MB  tmp {sample.tmp_entries:3d}  "
              f"{verdict[0]}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
