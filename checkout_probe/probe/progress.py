"""What the probe says while a round runs, and each round's record for machines (``--json``).

A line per finished checkout (``checkout 3/20 failed [payment_error] in '<step>' 2.1 s``),
then the round line; with ``--json`` the same as JSON objects on stdout (``"type":
"checkout"`` and ``"type": "round"``; docs/options.md lists the fields), the lines for
people on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from checkout_probe.basics.output import MachineOutput, paint
from checkout_probe.basics.phases import summed
from checkout_probe.probe.model import CheckoutResult, Round
from checkout_probe.probe.rule import Verdict

_COLOUR = {"passed": "green", "failed": "red", "error": "yellow"}


class RoundProgress:
    """One probe's progress lines and JSON records."""

    def __init__(self, out: MachineOutput, env: str, *, name_devices: bool = False) -> None:
        self.out = out
        self.env = env
        #: Say each checkout's device (the probe runs on more than desktop Chromium).
        self.name_devices = name_devices

    def checkout(self, round_number: int, index: int, result: CheckoutResult, *,
                 total: int) -> None:  # fmt: skip
        """One finished checkout (called from its worker thread)."""
        seconds = sum(result.step_durations.values())
        where = f" in '{result.failing_step}'" if result.failing_step else ""
        if self.name_devices and result.device:
            where += f" on {result.device}"
        category = f" [{result.category}]" if result.category and not result.passed else ""
        outcome = paint(result.outcome, _COLOUR.get(result.outcome, "bold"), sys.stdout)
        print(f"  checkout {index + 1}/{total} {outcome}{category}{where} {seconds:.1f} s",
              flush=True)  # fmt: skip
        self.out.emit({
            "type": "checkout", "env": self.env, "round": round_number, "index": index + 1,
            "of": total, "journey": result.journey, "device": result.device,
            "outcome": result.outcome,
            "category": result.category, "failing_step": result.failing_step,
            "message": result.message.splitlines()[0] if result.message else "",
            "seconds": round(seconds, 3), "trace_id": result.trace_id,
        })  # fmt: skip

    def round(
        self, number: int, round_: Round, verdict: Verdict | None, wall_s: float,
        phases: Mapping[str, float] | None = None,
    ) -> None:  # fmt: skip
        """The round's record (the round line itself is the command's); ``phases``: where
        the round's time went, ``checkout_phases`` adds up its checkouts' own."""
        record: dict[str, Any] = {
            "type": "round", "env": self.env, "round": number,
            "started_at": round_.started_at.isoformat(), "shop_version": round_.shop_version,
            "checkouts": round_.checkouts, "failures": round_.failures,
            "harness_errors": round_.errors, "cut": round_.cut, "not_run": round_.not_run,
            "categories": round_.failures_by_category(), "seconds": round(wall_s, 3),
            "verdict": verdict.state if verdict is not None else None,
            "phases": _rounded(phases or {}),
            "checkout_phases": _rounded(summed(r.phases for r in round_.results)),
        }  # fmt: skip
        if verdict is not None:
            record["window"] = {
                "failures": verdict.failures, "checkouts": verdict.checkouts,
                "rate": verdict.rate, "low": verdict.low, "high": verdict.high,
            }  # fmt: skip
        self.out.emit(record)


def _rounded(phases: Mapping[str, float]) -> dict[str, float]:
    return {phase: round(seconds, 3) for phase, seconds in phases.items()}
