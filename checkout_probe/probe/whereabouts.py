"""Where a running checkout is, so the pool can say what became of one that hung.

A checkout still running after the round timeout and its grace is given up on (its
worker retired: :mod:`~checkout_probe.probe.runner`). What it is then depends on where it
hung, because that decides whose fault the hang is:

- **inside a step** (a shopper's action past its budget): the shop's, ``slow``, at that step;
- **anywhere else** (opening its browser context, the journey's own code between steps,
  keeping its evidence, closing, cleaning up): the browser's or the harness's — a harness
  error, no verdict on the shop, never a page to the shop's team. That holds after a failed
  step too: the calls that hang there (stopping a trace, closing a context) wait only on
  the browser, so it had stopped answering, and a step failing in a browser that stops
  answering says nothing sure about the shop. The step's failure is quoted in the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkout_probe.checkout.journey import Journey
from checkout_probe.diagnosis import Category
from checkout_probe.probe.model import ERROR, FAILED, CheckoutResult

HARNESS_ERROR = str(Category.HARNESS_ERROR)

#: What each of a checkout's phases (``run_checkout``'s) is doing, as the hang message says it.
_DOING = {
    "start": "waiting for its browser",
    "context": "opening its browser context and page",
    "journey": "the journey's own code between steps",
    "evidence": "keeping its evidence (trace, screenshot)",
    "close": "closing its browser context",
    "cleanup": "cleaning up its orders (the order adapter)",
}


@dataclass(frozen=True)
class StepFailure:
    """A step failure the checkout had already reached when it hung (quoted, not counted)."""

    step: str | None
    message: str


class Whereabouts:
    """Written by the checkout's worker as it goes, read by the pool once it has hung."""

    def __init__(self) -> None:
        #: Which phase of ``run_checkout`` it is in (``Phases``' names).
        self.phase = "start"
        #: Its journey, once made: its last step says whether a step is running.
        self.journey: Journey | None = None
        #: The step failure it had already reached (its diagnosis's first line), if any.
        self.failed: StepFailure | None = None

    def hung(self, timeout_s: float, *, journey: str, device: str) -> CheckoutResult:
        """The result of a checkout that was still here after the round timeout's grace."""
        at = f"at the round timeout ({timeout_s:.0f} s)"
        steps = self.journey.steps if self.journey is not None else []
        if self.phase == "journey" and steps and steps[-1].status == "running":
            step = steps[-1].key
            return CheckoutResult(
                FAILED, "slow", step, f"step '{step}' still running {at}, over its budget",
                journey=journey, device=device,
            )  # fmt: skip
        doing = _DOING.get(self.phase, self.phase)
        if self.phase == "journey" and steps and steps[-1].status == "failed":
            doing = f"reading the evidence of the failed step '{steps[-1].key}'"
        after = f" after {self.failed.message}" if self.failed is not None else ""
        return CheckoutResult(
            ERROR, HARNESS_ERROR, self.failed.step if self.failed is not None else None,
            f"hung outside any step, {doing}, {at}{after}: a browser or harness hang, "
            "no verdict on the shop",
            journey=journey, device=device,
        )  # fmt: skip
