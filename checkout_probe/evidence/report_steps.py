"""A handle on the Allure report step running now, to add an attachment to it after it closed.

``allure.attach`` only attaches to the step open at the moment. A step's web vitals are
read once the checkout is over (:mod:`checkout_probe.checkout.step_vitals`), so the journey keeps a
handle on each step's report result while it runs and attaches to it later; the test's
result, which holds the steps, is written only when the test ends.

This reaches into allure-pytest's reporter (``allure_commons``), which has no public call
for it; where it is not there (no ``--alluredir``, the probe), :func:`current` is None and
nothing is attached.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

import allure_commons
from allure_commons.model2 import ATTACHMENT_PATTERN, Attachment, TestStepResult
from allure_commons.reporter import AllureReporter
from allure_commons.types import AttachmentType


@dataclass(frozen=True)
class ReportStep:
    """One step of the Allure report, open or closed."""

    result: TestStepResult

    def attach_text(self, body: str, name: str) -> None:
        """Add a text attachment to the step (written into the results folder now)."""
        kind = AttachmentType.TEXT
        file_name = ATTACHMENT_PATTERN.format(prefix=uuid4(), ext=kind.extension)
        self.result.attachments.append(Attachment(name=name, source=file_name, type=kind.mime_type))
        allure_commons.plugin_manager.hook.report_attached_data(body=body, file_name=file_name)


def _reporter() -> AllureReporter | None:
    for plugin in allure_commons.plugin_manager.get_plugins():
        reporter = getattr(plugin, "allure_logger", None)
        if isinstance(reporter, AllureReporter):
            return reporter
    return None


def current() -> ReportStep | None:
    """The report step open now, or None when no Allure report is being written."""
    reporter = _reporter()
    step = reporter.get_last_item(TestStepResult) if reporter is not None else None
    return ReportStep(step) if isinstance(step, TestStepResult) else None
