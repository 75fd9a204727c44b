"""Colours of the history page: one per step, the same on every chart, told apart without hue.

A step's style comes from its place among the sorted names of every step on the page, so
"pay" is drawn alike on the step-time chart and on each web-vitals chart, whatever steps the
other journeys have. Twelve colours, then the dash tells steps apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checkout_probe.probe.history_schema import RoundRecord

#: Okabe–Ito's and Paul Tol's colours, chosen so every pair stays at least 15 CIE76 ΔE apart
#: for normal vision and for simulated protanopia, deuteranopia and tritanopia (Machado et
#: al. 2009), and dark enough to read as text on white. Ordered so that a few steps get the
#: most distinct ones.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC3311", "#33BBEE", "#AA3377",
    "#000000", "#CC79A7", "#663333", "#EE7733", "#004488", "#222255",
)  # fmt: skip
#: A second cue beside hue: neighbours in the palette differ in dash as well, and a step past
#: the twelfth repeats a colour with another dash (unique for 36 steps).
DASHES = ("", "7 3", "2 3")
#: The failure-rate line and band; the rule's thresholds (a pair that stays apart when
#: red and green do not).
RATE, FIRE, RECOVER = "#0072B2", "#D55E00", "#009E73"


@dataclass(frozen=True)
class StepStyle:
    """How one step's line (and its legend) is drawn."""

    colour: str
    dash: str  # a stroke-dasharray, "" for solid

    def stroke(self, width: float) -> str:
        """The stroke attributes of a line in this style."""
        dash = f' stroke-dasharray="{self.dash}"' if self.dash else ""
        return f'stroke="{self.colour}" stroke-width="{width:g}"{dash}'


def step_styles(names: Iterable[str]) -> dict[str, StepStyle]:
    """A style per step name, by the name's place in sorted order."""
    n = len(PALETTE)
    return {
        name: StepStyle(PALETTE[i % n], DASHES[(i + i // n) % len(DASHES)])
        for i, name in enumerate(sorted(set(names)))
    }


def page_steps(rounds: Sequence[RoundRecord]) -> set[str]:
    """Every step named on the page: timed, or with web vitals."""
    return {step for r in rounds for step in (*r.step_p95, *r.step_p50, *r.vitals_p75)}


def percent(value: float) -> str:
    """``0.02`` as ``2%``, ``0.025`` as ``2.5%``."""
    return f"{round(value * 100, 2):g}%"
