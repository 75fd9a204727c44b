"""Which steps fail on accessibility violations, and from which impact on (``a11y_fail``).

axe-core rates each violation's impact ``minor`` < ``moderate`` < ``serious`` <
``critical``. An environment asks for steps to fail in ``environments.toml``::

    [staging]
    a11y_fail = "serious"                 # every step, at serious or critical
    a11y_fail = { pay = "critical" }      # only the shop's step "pay", at critical

or a run with ``--a11y-fail pay=serious`` (``all=serious``: every step), which replaces
the environment's. Without either, violations are reported (summary, report, the probe's
history and metrics) and fail nothing, the way ``vitals_fail`` works for web vitals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from checkout_probe.basics.errors import ConfigError

#: axe-core's impacts, least severe first.
IMPACTS = ("minor", "moderate", "serious", "critical")
#: ``--a11y-fail all=IMPACT``: every step.
ALL_STEPS = "all"


def impact_rank(impact: str | None) -> int:
    """The impact's place in :data:`IMPACTS` (an unknown or missing impact ranks lowest)."""
    return IMPACTS.index(impact) if impact in IMPACTS else -1


@dataclass(frozen=True)
class A11yFail:
    """The minimum impact that fails each step (none: violations are only reported)."""

    #: Every step's minimum impact (``a11y_fail = "serious"``); None: only ``per_step``.
    every_step: str | None = None
    per_step: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def minimum(self, step: str) -> str | None:
        """The least impact that fails ``step`` (None: nothing fails it)."""
        return self.per_step.get(step, self.every_step)

    def fails(self, step: str, impact: str | None) -> bool:
        """A violation of ``impact`` in ``step`` fails the step."""
        least = self.minimum(step)
        return least is not None and impact_rank(impact) >= impact_rank(least)


def _impact(value: Any, where: str) -> str:
    if not isinstance(value, str) or value not in IMPACTS:
        raise ConfigError(
            f"{where}: impact {value!r} is not one of {', '.join(IMPACTS)} (axe-core's impacts)"
        )
    return value


def parse_a11y_fail(where: str, value: Any, check_step: Callable[[str, str], None]) -> A11yFail:
    """Read an environment's ``a11y_fail`` (``where`` names it): an impact for every step,
    a table of step → impact, or false/absent."""
    if value is None or value is False:
        return A11yFail()
    if isinstance(value, str):
        return A11yFail(every_step=_impact(value, f"{where}: a11y_fail"))
    if isinstance(value, dict):
        per_step = {}
        for step, impact in value.items():
            check_step(str(step), f"{where}: a11y_fail")
            per_step[str(step)] = _impact(impact, f"{where}: a11y_fail.'{step}'")
        return A11yFail(per_step=MappingProxyType(per_step))
    raise ConfigError(
        f'{where}: a11y_fail must be an impact ("serious") or a table of step = impact '
        '({ pay = "serious" })'
    )


def parse_a11y_option(
    given: Iterable[str], check_step: Callable[[str, str], None]
) -> A11yFail | None:
    """``--a11y-fail STEP=IMPACT`` (repeatable; ``all=IMPACT``: every step); None: not given."""
    every: str | None = None
    per_step: dict[str, str] = {}
    items = list(given)
    for item in items:
        step, sep, impact = str(item).rpartition("=")
        step = step.strip()
        if not sep or not step:
            raise ConfigError(
                f"--a11y-fail {item!r} is not STEP=IMPACT: use e.g. --a11y-fail 'pay=serious'"
            )
        impact = _impact(impact.strip(), f"--a11y-fail {item!r}")
        if step == ALL_STEPS:
            every = impact
        else:
            check_step(step, "--a11y-fail")
            per_step[step] = impact
    if not items:
        return None
    return A11yFail(every_step=every, per_step=MappingProxyType(per_step))
