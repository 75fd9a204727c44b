"""Latency against a baseline: a step several times slower than it usually is, is ``slow``.

Absolute budgets (``Shop.steps``, ``step_budgets``) are set for the worst healthy
day and sit 10–30× above a step's usual time, so a real slowdown (placing an
order going from 0.3 s to 3.5 s) passes them. Each step is therefore also
compared with its own recent history: the 95th percentile of its durations in
healthy checkouts, from a baseline file (``--baseline``, written by
``--record-baseline``) or from the probe's history.

The rule (:class:`BaselineRule`): a step is slow when, in one checkout, its time
(summed over the step's repeats, "add to cart" once per item, as the probe's
history keeps it) is above ``max(factor × p95, p95 + margin_s)``, and the
baseline holds at least ``min_samples`` durations of it. Defaults: 3×, 1 s,
20 samples. The margin keeps sub-second steps from alarming on jitter a
shopper cannot feel; the sample floor keeps a new baseline from judging.

False alarms: by definition 5 % of healthy checkouts are above p95, but the
limit is three times it; a healthy step reaching 3× its p95 needs a stall of
the machine or the network the shopper would feel too (see docs/diagnosis.md
for what was measured).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from checkout_probe.basics.errors import ConfigError

#: Durations kept per step in a baseline file: the newest ones, enough for a steady p95.
KEEP_SAMPLES = 200
FORMAT_VERSION = 1


def percentile(values: Iterable[float], q: float) -> float:
    """Linear-interpolation percentile (``q`` in 0..100) of a non-empty collection."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class BaselineRule:
    """When a step counts as slow against its baseline (see the module docstring)."""

    factor: float = 3.0
    margin_s: float = 1.0
    min_samples: int = 20

    def limit(self, p95_s: float) -> float:
        """The longest a step with this baseline p95 may take."""
        return max(self.factor * p95_s, p95_s + self.margin_s)


@dataclass(frozen=True)
class StepBaseline:
    """One step's baseline: its p95 and how many durations it was computed from."""

    p95_s: float
    samples: int


@dataclass(frozen=True)
class Baseline:
    """Every step's baseline, and where it came from (named in failure messages)."""

    steps: Mapping[str, StepBaseline]
    source: str
    rule: BaselineRule = BaselineRule()

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", MappingProxyType(dict(self.steps)))

    def slower_than_usual(self, step: str, seconds: float) -> str | None:
        """Why ``seconds`` is slow for ``step``, or None (also when it has no baseline yet)."""
        base = self.steps.get(step)
        if base is None or base.samples < self.rule.min_samples:
            return None
        limit = self.rule.limit(base.p95_s)
        if seconds <= limit:
            return None
        return (
            f"step '{step}' took {seconds:.2f} s, {seconds / base.p95_s:.1f}× its baseline "
            f"p95 of {base.p95_s:.2f} s ({base.samples} checkouts, {self.source}; "
            f"slow above {limit:.2f} s)"
        )

    @classmethod
    def from_samples(
        cls, samples: Mapping[str, list[float]], source: str, rule: BaselineRule = BaselineRule()
    ) -> Baseline:
        """A baseline from raw durations per step."""
        steps = {
            step: StepBaseline(percentile(values, 95), len(values))
            for step, values in samples.items()
            if values
        }
        return cls(steps, source, rule)


#: The largest baseline file read: KEEP_SAMPLES durations per step take a few kilobytes.
MAX_BASELINE_BYTES = 16 * 1024 * 1024


def _read_samples(path: Path) -> dict[str, list[float]]:
    try:
        if path.exists() and not path.is_file():
            # A device or a pipe (/dev/zero, a FIFO) would be read without end.
            raise ConfigError(f"baseline file {path} is not a regular file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_BASELINE_BYTES + 1)
        if len(raw) > MAX_BASELINE_BYTES:
            raise ConfigError(
                f"baseline file {path} is larger than {MAX_BASELINE_BYTES // 2**20} MB: "
                "not a checkout-probe baseline"
            )
        data: Any = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"baseline file {path} does not exist: record one with --record-baseline {path}"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"baseline file {path} cannot be read: {exc}") from None
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, dict) or not all(
        isinstance(values, list)
        and all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in values)
        for values in steps.values()
    ):
        raise ConfigError(
            f"baseline file {path} is not a checkout-probe baseline "
            '(expected {"steps": {"<step>": [seconds, …]}})'
        )
    return {str(step): [float(v) for v in values] for step, values in steps.items()}


def load_baseline(path: Path, rule: BaselineRule = BaselineRule()) -> Baseline:
    """The baseline recorded in ``path``; a missing or malformed file is a ConfigError."""
    return Baseline.from_samples(_read_samples(path), f"baseline {path.name}", rule)


def record_baseline(path: Path, checkouts: Iterable[Mapping[str, float]]) -> int:
    """Add the step durations of healthy ``checkouts`` to the baseline file ``path``.

    Keeps the newest :data:`KEEP_SAMPLES` per step; written atomically, so a run cut
    off mid-write leaves the previous baseline. Returns how many checkouts were added.
    """
    samples = _read_samples(path) if path.exists() else {}
    added = 0
    for durations in checkouts:
        added += 1
        for step, seconds in durations.items():
            samples.setdefault(step, []).append(round(seconds, 4))
    kept = {step: values[-KEEP_SAMPLES:] for step, values in sorted(samples.items())}
    text = json.dumps({"version": FORMAT_VERSION, "steps": kept}, indent=1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text + "\n", encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise ConfigError(f"cannot write baseline file {path}: {exc}") from None
    return added


def step_totals(steps: Iterable[tuple[str, str, float]]) -> dict[str, float]:
    """``(key, status, seconds)`` of a checkout's steps → seconds per key, repeats summed
    ("add to cart" once per item is one step as the shopper lives it)."""
    totals: dict[str, float] = {}
    for key, status, seconds in steps:
        if status in ("passed", "failed"):
            totals[key] = totals.get(key, 0.0) + seconds
    return totals


class _CleanRound(Protocol):
    @property
    def k(self) -> int: ...
    @property
    def failures(self) -> int: ...
    @property
    def step_p95(self) -> dict[str, float]: ...


#: Clean rounds the probe's baseline is computed from (an hour at a 5-minute interval).
HISTORY_ROUNDS = 12


def from_history(
    rounds: Iterable[_CleanRound], fallback: Baseline | None, rule: BaselineRule = BaselineRule()
) -> Baseline | None:
    """The probe's baseline: per step, the median of its p95 over recent rounds without a
    failure (a slow or failing round would drag the baseline towards the fault).

    Steps the history does not know well enough yet are taken from ``fallback``
    (``--baseline``), if any.
    """
    per_step: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for round_ in rounds:
        if round_.failures or not round_.k:
            continue
        for step, p95 in round_.step_p95.items():
            per_step.setdefault(step, []).append(p95)
            counts[step] = counts.get(step, 0) + round_.k
    steps = {
        step: StepBaseline(percentile(values, 50), counts[step])
        for step, values in per_step.items()
        if counts[step] >= rule.min_samples
    }
    if fallback is not None:
        steps = {**fallback.steps, **steps}
    if not steps:
        return fallback
    source = f"the probe's last {HISTORY_ROUNDS} rounds without failures"
    if fallback is not None and set(steps) - set(per_step):
        source += f", else {fallback.source}"
    return Baseline(steps, source, rule)
