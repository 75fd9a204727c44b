"""A journey's accessibility step by step: which step a checked page's violations belong
to, what fails a step (``a11y_fail``), and what its report shows. The checks themselves are
:mod:`checkout_probe.checkout.accessibility`'s (see its docstring for when they run).
"""

from __future__ import annotations

from playwright.sync_api import Page

from checkout_probe.checkout.a11y_findings import page_key
from checkout_probe.checkout.accessibility import (
    WCAG_TAGS,
    AxeChecker,
    PageCheck,
    page_path,
    page_url,
)
from checkout_probe.evidence import report_steps
from checkout_probe.evidence.accessibility import Violation, counts_by_impact
from checkout_probe.evidence.record import StepRecord
from checkout_probe.settings.a11y_fail import A11yFail, impact_rank


def failure_message(failing: list[Violation]) -> str:
    """``accessibility: 1 critical violation on /checkout/payment: label — Form elements must
    have labels (#card-frame >>> #card-number)``."""
    counts = counts_by_impact(failing)
    said = " and ".join(f"{n} {impact}" for impact, n in counts.items())
    plural = "s" if len(failing) > 1 else ""
    pages = ", ".join(dict.fromkeys(v.page for v in failing))
    return f"accessibility: {said} violation{plural} on {pages}: " + "; ".join(
        v.describe() for v in failing
    )


def shown(record: StepRecord) -> str:
    """The step's pages and violations, for its report step."""
    counts = counts_by_impact(record.a11y_violations)
    head = ", ".join(f"{n} {impact}" for impact, n in counts.items()) or "no violations"
    lines = [f"axe-core ({', '.join(WCAG_TAGS)}): {head} on {', '.join(record.a11y_pages)}"]
    lines += [f"[{v.impact}] {v.page}: {v.describe()}" for v in record.a11y_violations]
    return "\n".join(lines)


class StepAccessibility:
    """A journey's accessibility, step by step (see the module docstring)."""

    def __init__(self, checker: AxeChecker, fail: A11yFail) -> None:
        self.checker = checker
        self.fail = fail
        #: The pages checked while the running step ran, in order.
        self._in_step: list[PageCheck] = []
        #: The page the last step ended on, for the next step: (check, its step, report step).
        self._carried: tuple[PageCheck, StepRecord, report_steps.ReportStep | None] | None = None
        self._report_step: report_steps.ReportStep | None = None
        self._spent_at_start = 0.0

    def started(self, page: Page, record: StepRecord, *, on_page: bool = True) -> None:
        """A step starts: the page the last step ended on is this step's, if still shown
        and the step acts on the page (``on_page``; not the engine's read-back steps)."""
        self._report_step = report_steps.current()
        self._spent_at_start = self.checker.seconds
        if self._carried is not None and on_page:
            check, earlier, step = self._carried
            self._carried = None
            still = page_key(page_url(page)) == page_key(check.url)
            self._give(check, record if still else earlier, None if still else step)

    def page_shown(self, page: Page) -> None:
        """The journey saw a page it waited for: check it (if not checked yet)."""
        check = self.checker.check(page)
        if check is not None:
            self._in_step.append(check)

    def ended(self, page: Page, record: StepRecord, passed: bool) -> None:
        """The step ended: check the page it ended on, and give the step its pages but the
        one it ended on (the next step acts on that one)."""
        if passed:
            self.page_shown(page)
        checks, self._in_step = self._in_step, []
        if passed and checks and page_key(page_url(page)) == page_key(checks[-1].url):
            self._carried = (checks.pop(), record, self._report_step)
        for check in checks:
            self._give(check, record, None)
        if record.a11y_pages:
            report = report_steps.current()
            if report is not None:
                report.attach_text(shown(record), "accessibility")

    def spent_in_step(self) -> float:
        """Seconds of axe run in the running step (not the shop's time)."""
        return self.checker.seconds - self._spent_at_start

    def finish(self) -> None:
        """After the last step: the page it ended on is its own."""
        if self._carried is not None:
            check, record, step = self._carried
            self._carried = None
            self._give(check, record, step)

    def failing(self, record: StepRecord) -> list[Violation]:
        """The step's violations that fail it (``a11y_fail``), worst first."""
        found = [v for v in record.a11y_violations if self.fail.fails(record.key, v.impact)]
        return sorted(found, key=lambda v: -impact_rank(v.impact))

    def _give(
        self, check: PageCheck, record: StepRecord, step: report_steps.ReportStep | None
    ) -> None:
        if page_path(check.url) not in record.a11y_pages:
            record.a11y_pages.append(page_path(check.url))
        record.a11y_violations += check.violations
        record.a11y_seconds += check.seconds
        if step is not None:  # the step's report is closed: add to it afterwards
            step.attach_text(shown(record), "accessibility")
