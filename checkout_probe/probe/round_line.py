"""The line the probe prints per round: counts per journey and device, window rate and
interval, verdict."""

from __future__ import annotations

from typing import Any

from checkout_probe.probe.model import Round
from checkout_probe.probe.rule import Verdict


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _counts(counts: dict[str, dict[str, Any]]) -> str:
    return ", ".join(f"{name} {c['failures']}/{c['checkouts']}" for name, c in counts.items())


def round_line(number: int, round_: Round, verdict: Verdict, wall_s: float) -> str:
    """One line per round for the probe's log: counts, window rate and interval, verdict."""
    top = round_.top_failure()
    per_journey, per_device = round_.by_journey(), round_.by_device()
    step = f" at '{top.failing_step}'" if top and top.failing_step else ""
    where = f" in '{top.journey}'" if top and len(per_journey) > 1 else ""
    if top and top.device and len(per_device) > 1:
        where += f" on {top.device}"
    failing = f" · top {top.category}{step}{where}" if top else ""
    errors = f" · {round_.errors} harness errors" if round_.errors else ""
    if round_.cut or round_.not_run:
        # The harness's capacity, not the shop's failure: shown, never counted.
        errors += f" · {round_.cut} cut and {round_.not_run} not run at the round timeout"
    # Per journey always; per device where there are several ("Pixel 7 2/2, Desktop Chrome 0/2").
    groups = [_counts(per_journey)] + ([_counts(per_device)] if len(per_device) > 1 else [])
    journeys = f" ({'; '.join(g for g in groups if g)})" if any(groups) else ""
    left = f" · {len(round_.cleanup_failures)} not cleaned up" if round_.cleanup_failures else ""
    return (
        f"round {number} · {round_.env} · version {round_.shop_version or 'unknown'} · "
        f"{round_.failures}/{round_.checkouts} failed{journeys}{failing}{errors}{left} · "
        f"window {verdict.failures}/{verdict.checkouts} = {_percent(verdict.rate)} "
        f"[{_percent(verdict.low)}, {_percent(verdict.high)}] · {verdict.state.upper()} · "
        f"{wall_s:.1f} s"
    )


def vitals_summary(breaches: dict[str, int]) -> str:
    """``web vitals over budget: 14 in 3 steps (LCP, CLS; not judged, see the history)``."""
    steps = {b.split(":")[0] for b in breaches}
    metrics = sorted({b.split(": ", 1)[1].split(" ")[0] for b in breaches if ": " in b})
    return (
        f"web vitals over budget: {sum(breaches.values())} in {len(steps)} "
        f"step{'s' if len(steps) != 1 else ''} ({', '.join(metrics)}; reported, not judged: "
        "checkout-probe history shows them)"
    )
