"""A journey's web vitals step by step: measured by the recorder, judged by the budgets,
shown in the step's report (the journey's part of :mod:`checkout_probe.checkout.vitals`).

A step costs nothing but two clock readings: the page is read once, after the last step
(:meth:`StepVitals.finish`), when every step's values are judged and added to its report
step. Only a step the environment fails on its vitals (``vitals_fail``) is read and judged
at its own end, since its verdict cannot wait.
"""

from __future__ import annotations

from collections.abc import Sequence

import allure
from playwright.sync_api import Page

from checkout_probe.checkout.vitals import VitalsRecorder
from checkout_probe.evidence import report_steps
from checkout_probe.evidence.record import StepRecord
from checkout_probe.settings.vital_budgets import VitalBudgets, describe


class StepVitals:
    """The vitals of one journey's steps (see the module docstring)."""

    def __init__(self, recorder: VitalsRecorder, budgets: VitalBudgets) -> None:
        self.recorder = recorder
        self.budgets = budgets
        #: Each step's report step, by its index, to show its vitals in once they are read.
        self._report_steps: dict[int, report_steps.ReportStep] = {}
        #: Steps whose vitals are already shown (judged at their end).
        self._shown: set[int] = set()

    def started(self, index: int) -> None:
        """Step ``index`` (its place in the journey's steps) runs from now."""
        self.recorder.step_started(index)
        step = report_steps.current()
        if step is not None:
            self._report_steps[index] = step

    def ended(self, page: Page, index: int, record: StepRecord, read_now: bool = False) -> None:
        """The step ended; it is read and judged now if ``read_now`` (it failed) or if the
        environment fails it on its vitals, else once the checkout is over."""
        self.recorder.step_ended()
        if read_now or self.budgets.fails(record.key):
            self._judge_now(page, index, record)

    def _judge_now(self, page: Page, index: int, record: StepRecord) -> None:
        """Read the page and judge step ``index`` at once (it fails on its vitals, or the
        checkout failed in it), showing its vitals in its report step, still open."""
        self.recorder.sample(page)
        self._judge(index, record)
        if record.vitals:
            allure.attach(_shown(record), "web vitals", allure.attachment_type.TEXT)
            self._shown.add(index)

    def fails(self, record: StepRecord) -> bool:
        """The step breached a budget, and the environment fails it for that."""
        return bool(record.vital_breaches) and self.budgets.fails(record.key)

    def finish(self, page: Page, steps: Sequence[StepRecord]) -> None:
        """After the last step: every step's values (a page's CLS and LCP can still grow
        after the step that opened it ended), judged, and added to its report step."""
        self.recorder.sample(page)
        for index, record in enumerate(steps):
            if record.status == "skipped":
                continue
            self._judge(index, record)
            step = self._report_steps.get(index)
            if record.vitals and step is not None and index not in self._shown:
                step.attach_text(_shown(record), "web vitals")

    def _judge(self, index: int, record: StepRecord) -> None:
        record.vitals = self.recorder.for_step(index)
        record.vital_breaches = self.budgets.breaches(record.key, record.vitals)


def _shown(record: StepRecord) -> str:
    """``LCP 72 ms · CLS 0.16 · …`` and a line per breach."""
    shown = " · ".join(describe(m, v) for m, v in record.vitals.items())
    return shown + "".join(f"\nover budget: {b}" for b in record.vital_breaches)
