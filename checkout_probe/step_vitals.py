"""A journey's web vitals step by step: measured by the recorder, judged by the budgets,
shown in the step's report (the journey's part of :mod:`checkout_probe.vitals`)."""

from __future__ import annotations

from collections.abc import Sequence

import allure
from playwright.sync_api import Page

from checkout_probe.record import StepRecord
from checkout_probe.vital_budgets import VitalBudgets
from checkout_probe.vitals import VitalsRecorder, describe


class StepVitals:
    """The vitals of one journey's steps (see the module docstring)."""

    def __init__(self, recorder: VitalsRecorder, budgets: VitalBudgets) -> None:
        self.recorder = recorder
        self.budgets = budgets

    def started(self, index: int) -> None:
        """Step ``index`` (its place in the journey's steps) runs from now."""
        self.recorder.step_started(index)

    def ended(self, page: Page, index: int, record: StepRecord) -> None:
        """The step's vitals so far, judged by their budgets, and shown in its report step."""
        self.recorder.step_ended(page)
        self._judge(index, record)
        if record.vitals:
            shown = " · ".join(describe(m, v) for m, v in record.vitals.items())
            breaches = "".join(f"\nover budget: {b}" for b in record.vital_breaches)
            allure.attach(shown + breaches, "web vitals", allure.attachment_type.TEXT)

    def fails(self, record: StepRecord) -> bool:
        """The step breached a budget, and the environment fails it for that."""
        return bool(record.vital_breaches) and self.budgets.fails(record.key)

    def finish(self, page: Page, steps: Sequence[StepRecord]) -> None:
        """After the last step: the final values of every step (a page's CLS and LCP can
        still grow after the step that opened it ended)."""
        self.recorder.sample(page)
        for index, record in enumerate(steps):
            if record.status != "skipped":
                self._judge(index, record)

    def _judge(self, index: int, record: StepRecord) -> None:
        record.vitals = self.recorder.for_step(index)
        record.vital_breaches = self.budgets.breaches(record.key, record.vitals)
