"""A year-like probe history, generated fast and deterministically (a benchmark's data, not CI).

    .venv/bin/python bench/history_fill.py URL --rounds 1m [--seed 27]

Ten regions probe one round a minute each (K=20). Nine of them probe ``prod`` and one
``staging``, so ``prod`` holds 90 % of the rows: the worst case for the queries of one
environment, which every probe turn and ``checkout-probe history`` run. ``--rounds`` is the
total over both (5m ≈ a year of ten regions); rounds are spread over ``rounds / 10`` minutes.

What a round holds is what ``history_rows.add_round`` writes: the window verdict (the real
:class:`~checkout_probe.probe.rule.DecisionRule` over the environment's previous round), step
p50/p95, web vitals p75, accessibility counts and ``by_journey`` with devices. Mostly
healthy (a flaky checkout now and then), with partial outages (a share of checkouts failing
at payment for 10–60 minutes) and broken deploys (most checkouts failing until a fixed
version ships), and a new shop version every day or two. Failure rows carry category,
journey, device, failing step, message, evidence paths (the last day's: retention has emptied
older lists, as ``--keep-evidence`` does) and trace id.

The schema is made by :class:`~checkout_probe.probe.history.HistoryStore` (the real one, at
the current revision); rows then go in through the driver in big batches (``executemany`` on
SQLite, ``COPY`` on PostgreSQL) with explicit ids, ten to a hundred times faster than the ORM.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from bench.history_insert import FailureTuple, RoundTuple, insert
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.rule import DecisionRule, Verdict

K = 20
REGIONS = 10
#: Region → environment: nine regions probe prod, one probes staging (prod: 90 % of rows).
REGION_ENV = ("prod",) * 9 + ("staging",)
START = datetime(2026, 1, 1, tzinfo=UTC)
JOURNEYS = ("guest checkout", "account checkout")
DEVICES = ("Desktop Chrome", "Pixel 7")
STEPS = ("open catalog", "add to cart", "cart", "shipping", "payment", "review", "confirmation")
#: Failures of the last day still list their evidence; older ones' lists were emptied.
EVIDENCE_MINUTES = 1440


def parse_size(value: str) -> int:
    """``10k``, ``1m``, ``5M`` or ``12345`` → a number of rounds."""
    value = value.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(value[-1:], 1)
    return int(float(value.rstrip("km")) * scale)


@dataclass
class Trouble:
    """A stretch of minutes in which checkouts of one environment fail more often."""

    start: int
    end: int
    p: float  # probability that one checkout fails
    category: str
    step: str
    message: str


@dataclass
class EnvPlan:
    """One environment's year: its deploys (minute → version) and its troubles."""

    deploys: list[tuple[int, str]]
    troubles: list[Trouble]


def plan_env(rng: random.Random, minutes: int, every: int) -> EnvPlan:
    """Deploys about every ``every`` minutes, one in ten broken until the next (fixed) one;
    a partial outage every three days or so."""
    deploys: list[tuple[int, str]] = [(0, "3.0.0")]
    troubles: list[Trouble] = []
    n, minute = 0, 0
    while (minute := minute + rng.randint(every // 2, every * 3 // 2)) < minutes:
        n += 1
        deploys.append((minute, f"3.{n // 20}.{n % 20}"))
        if rng.random() < 0.1:
            fixed = minute + rng.randint(15, 120)
            broken = "TypeError: cart.total is undefined (review page script)"
            troubles.append(Trouble(minute, fixed, 0.6, "page_error", "review", broken))
            n += 1
            deploys.append((fixed, f"3.{n // 20}.{n % 20}"))
            minute = fixed
    minute = 0
    while (minute := minute + rng.randint(1440, 6000)) < minutes:
        outage = "POST /api/payments → 502: upstream payment provider timed out"
        end, p = minute + rng.randint(10, 60), rng.choice((0.1, 0.2, 0.3))
        troubles.append(Trouble(minute, end, p, "payment_error", "payment", outage))
    troubles.sort(key=lambda t: t.start)
    return EnvPlan(deploys, troubles)


def _pool(rng: random.Random, size: int) -> list[tuple[str, str, str, str]]:
    """Pre-serialised step timings, vitals and a11y counts: varied rows, one json.dumps each."""
    pool = []
    for _ in range(size):
        p50 = {s: round(rng.uniform(0.2, 1.5), 3) for s in STEPS}
        p95 = {s: round(v * rng.uniform(1.1, 2.0), 3) for s, v in p50.items()}
        vitals = {s: {"LCP": round(rng.uniform(600, 3000)), "CLS": round(rng.uniform(0, 0.15), 3),
                      "INP": round(rng.uniform(40, 300))} for s in STEPS[:4]}  # fmt: skip
        a11y = {"payment": {"serious": rng.choice((0, 1, 2))}, "cart": {"moderate": 1}}
        pool.append((json.dumps(p50), json.dumps(p95), json.dumps(vitals), json.dumps(a11y)))
    return pool


def _slot(i: int) -> tuple[str, str]:
    """The journey and device of a round's ``i``-th checkout (half each, across both)."""
    return JOURNEYS[i % 2], DEVICES[(i // 2) % 2]


def by_journey(failed: dict[int, str]) -> dict[str, Any]:
    """``Round.by_journey()`` of K checkouts of which ``failed`` (index → category) failed."""
    out: dict[str, Any] = {}
    for i in range(K):
        journey, device = _slot(i)
        entry = out.setdefault(journey, {"checkouts": 0, "failures": 0, "categories": {},
                                         "devices": {}})  # fmt: skip
        sub = entry["devices"].setdefault(device, {"checkouts": 0, "failures": 0,
                                                   "categories": {}})  # fmt: skip
        for counts in (entry, sub):
            counts["checkouts"] += 1
            if i in failed:
                counts["failures"] += 1
                counts["categories"][failed[i]] = counts["categories"].get(failed[i], 0) + 1
    return out


@functools.lru_cache(maxsize=4096)
def _verdict(previous_failures: int, failures: int, state: str) -> Verdict:
    return DecisionRule().decide([(previous_failures, K), (failures, K)], state)


def generate(total: int, seed: int = 27) -> Iterator[tuple[RoundTuple, list[FailureTuple]]]:
    """``total`` rounds in start order, each with its failure rows (explicit ids from 1)."""
    rng = random.Random(seed)
    minutes = max(1, total // REGIONS)
    plans = {"prod": plan_env(rng, minutes, 2880), "staging": plan_env(rng, minutes, 720)}
    pool = _pool(rng, 512)
    healthy = json.dumps(by_journey({}))
    last = {env: (0, "healthy") for env in plans}  # previous round's failures, verdict
    cursor = {env: [0, 0] for env in plans}  # next deploy, next trouble
    round_id = failure_id = 0
    for minute in range(minutes):
        for region in range(REGIONS):
            if round_id == total:
                return
            env = REGION_ENV[region]
            plan, at = plans[env], cursor[env]
            while at[0] + 1 < len(plan.deploys) and plan.deploys[at[0] + 1][0] <= minute:
                at[0] += 1
            while at[1] < len(plan.troubles) and plan.troubles[at[1]].end <= minute:
                at[1] += 1
            trouble = plan.troubles[at[1]] if at[1] < len(plan.troubles) else None
            if trouble is not None and trouble.start > minute:
                trouble = None
            failed: dict[int, str] = {}
            if trouble is not None:
                failed = {i: trouble.category for i in range(K) if rng.random() < trouble.p}
            elif rng.random() < 0.04:  # a flaky checkout: about one round in 25
                failed = {rng.randrange(K): "timeout"}
            round_id += 1
            started = START + timedelta(minutes=minute, seconds=region * 6)
            finished = started + timedelta(seconds=rng.uniform(35, 70))
            previous, state = last[env]
            verdict = _verdict(previous, len(failed), state)
            last[env] = (len(failed), verdict.state)
            p50, p95, vitals, a11y = pool[rng.randrange(len(pool))]
            categories: dict[str, int] = {}
            for category in failed.values():
                categories[category] = categories.get(category, 0) + 1
            row = (
                round_id, started, finished, env, plan.deploys[at[0]][1], K, len(failed),
                json.dumps(categories), verdict.rate, verdict.low, verdict.high, p50, p95,
                verdict.state, json.dumps(by_journey(failed)) if failed else healthy, "[]",
                vitals, a11y,
            )  # fmt: skip
            failures: list[FailureTuple] = []
            for i, category in sorted(failed.items()):
                failure_id += 1
                journey, device = _slot(i)
                step = trouble.step if trouble else "confirmation"
                message = trouble.message if trouble else "waited 30 s for the confirmation page"
                folder = f"evidence/{env}/{started:%Y%m%dT%H%M%S}-r{region}/c{i:02d}"
                # Retention (--keep-evidence) forgot older rounds' files: "[]", as it stores it.
                kept = minute >= minutes - EVIDENCE_MINUTES
                evidence = json.dumps(
                    [f"{folder}/trace.zip", f"{folder}/failure.png"] if kept else []
                )
                failures.append((failure_id, round_id, category, journey, device, step, message,
                                 evidence, f"{rng.getrandbits(128):032x}"))  # fmt: skip
            yield row, failures


def fill(url: str, total: int, seed: int = 27, batch: int = 20_000) -> float:
    """Create the schema (``HistoryStore``) at ``url``, insert ``total`` rounds; seconds taken."""
    HistoryStore(url).close()
    started = time.monotonic()
    engine = create_engine(url)
    rounds: list[RoundTuple] = []
    failures: list[FailureTuple] = []
    with engine.begin() as connection:
        for row, failed in generate(total, seed):
            rounds.append(row)
            failures.extend(failed)
            if len(rounds) >= batch:
                insert(connection, rounds, failures)
                rounds, failures = [], []
        insert(connection, rounds, failures)
        if engine.dialect.name == "postgresql":
            # Ids were explicit: the next round the probe stores must not reuse one.
            for table in ("probe_rounds", "probe_failures"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                top = f"(SELECT coalesce(max(id), 1) FROM {table})"
                connection.execute(text(f"SELECT setval({sequence}, {top})"))
    if engine.dialect.name == "postgresql":
        # What autovacuum does to a live table this size by itself (inserts count since
        # PostgreSQL 13): statistics, and the visibility map index-only scans need. SQLite
        # never analyses (a probe's history has no sqlite_stat1): its planner guesses, as live.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE probe_rounds"))
            connection.execute(text("VACUUM ANALYZE probe_failures"))
    engine.dispose()
    return time.monotonic() - started


def restore(url: str, ids: set[int], total: int, seed: int = 27) -> None:
    """Insert again the generated rounds ``ids`` (and their failures) that a benchmark's
    retention deleted, so a cached history stays the one generated."""
    if not ids:
        return
    engine = create_engine(url)
    rounds: list[RoundTuple] = []
    failures: list[FailureTuple] = []
    for row, failed in generate(total, seed):
        if row[0] > max(ids):
            break
        if row[0] in ids:
            rounds.append(row)
            failures.extend(failed)
    with engine.begin() as connection:
        insert(connection, rounds, failures)
    engine.dispose()


def main() -> None:
    """Fill the history at URL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="SQLAlchemy URL of an empty (or new) history database")
    parser.add_argument("--rounds", type=parse_size, default=parse_size("100k"))
    parser.add_argument("--seed", type=int, default=27)
    args = parser.parse_args()
    seconds = fill(args.url, args.rounds, args.seed)
    print(f"{args.rounds:,} rounds in {seconds:.1f} s")


if __name__ == "__main__":
    main()
