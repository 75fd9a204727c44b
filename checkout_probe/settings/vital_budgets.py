"""Budgets for web vitals per step, and the judgement of a step's vitals against them.

The defaults are the Core Web Vitals "good" thresholds (web.dev): LCP 2.5 s, INP 200 ms,
CLS 0.1, and for the diagnostic metrics FCP 1.8 s and TTFB 800 ms. An environment
overrides them in ``environments.toml``::

    [staging.vital_budgets]
    LCP = 4000                       # every step: milliseconds (CLS: a score)
    "<step>" = { INP = 500 }         # one of the shop's steps

A breach is always reported (summary, report, probe history); it fails the step, as
``slow``, only for the steps the environment names in ``vitals_fail`` (or all, ``true``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from checkout_probe.basics.errors import ConfigError

#: The metrics, as the Core Web Vitals documentation names them.
METRICS = ("LCP", "CLS", "INP", "FCP", "TTFB")

#: Core Web Vitals "good" thresholds: milliseconds, CLS a score.
GOOD: Mapping[str, float] = MappingProxyType(
    {"LCP": 2500.0, "INP": 200.0, "CLS": 0.1, "FCP": 1800.0, "TTFB": 800.0}
)


def amount(metric: str, value: float) -> str:
    """``3.10 s``, ``240 ms`` or (CLS) ``0.31``."""
    if metric == "CLS":
        return f"{value:.2f}"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.0f} ms"


def describe(metric: str, value: float) -> str:
    """``LCP 3.10 s``, ``INP 240 ms``, ``CLS 0.31``."""
    return f"{metric} {amount(metric, value)}"


@dataclass(frozen=True)
class VitalBudgets:
    """Each metric's budget, for every step and per step, and which steps fail on a breach."""

    every_step: Mapping[str, float] = field(default_factory=lambda: GOOD)
    per_step: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: Steps whose breach fails them as slow; ``None``: every step.
    fail_steps: frozenset[str] | None = frozenset()

    def for_step(self, step: str) -> dict[str, float]:
        """The budgets of ``step``."""
        return {**self.every_step, **self.per_step.get(step, {})}

    def breaches(self, step: str, vitals: Mapping[str, float]) -> list[str]:
        """``LCP 3.10 s over its 2.50 s budget`` for each metric of ``vitals`` over budget."""
        budgets = self.for_step(step)
        return [
            f"{describe(metric, value)} over its {amount(metric, budgets[metric])} budget"
            for metric, value in vitals.items()
            if metric in budgets and value > budgets[metric]
        ]

    def fails(self, step: str) -> bool:
        """A breach in ``step`` fails it."""
        return self.fail_steps is None or step in self.fail_steps


def _metric_values(where: str, table: Mapping[str, Any]) -> dict[str, float]:
    values = {}
    for metric, value in table.items():
        if metric not in METRICS:
            known = ", ".join(METRICS)
            raise ConfigError(f"{where}: unknown web vital '{metric}' (known: {known})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            unit = "a score" if metric == "CLS" else "milliseconds"
            raise ConfigError(f"{where}.{metric} must be a positive number ({unit})")
        values[metric] = float(value)
    return values


def parse_budgets(
    where: str, table: Mapping[str, Any], fail: Any, check_step: Callable[[str, str], None]
) -> VitalBudgets:
    """Read ``vital_budgets`` and ``vitals_fail`` of an environment (``where`` names it)."""
    every = {k: v for k, v in table.items() if not isinstance(v, dict)}
    per_step = {}
    for step, metrics in table.items():
        if isinstance(metrics, dict):
            check_step(str(step), f"{where}: vital_budgets")
            per_step[str(step)] = MappingProxyType(
                _metric_values(f"{where}: vital_budgets.'{step}'", metrics)
            )
    fail_steps: frozenset[str] | None
    if fail is True:
        fail_steps = None
    elif fail in (None, False):
        fail_steps = frozenset()
    elif isinstance(fail, list) and all(isinstance(s, str) for s in fail):
        for step in fail:
            check_step(step, f"{where}: vitals_fail")
        fail_steps = frozenset(fail)
    else:
        raise ConfigError(f"{where}: vitals_fail must be true, false or a list of step names")
    return VitalBudgets(
        MappingProxyType({**GOOD, **_metric_values(f"{where}: vital_budgets", every)}),
        MappingProxyType(per_step),
        fail_steps,
    )
