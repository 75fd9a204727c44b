"""Accessibility: ``a11y_fail`` and ``--a11y-fail`` read and judged, and axe-core run in a
real Chromium on pages served by a route (a frame of another origin among them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from checkout_probe.basics.errors import ConfigError
from checkout_probe.checkout.a11y_findings import Findings, page_key
from checkout_probe.checkout.accessibility import AxeChecker
from checkout_probe.checkout.step_accessibility import StepAccessibility, failure_message
from checkout_probe.evidence.accessibility import Violation
from checkout_probe.evidence.record import StepRecord
from checkout_probe.settings.a11y_fail import A11yFail, parse_a11y_fail, parse_a11y_option
from checkout_probe.settings.config import build_settings
from flows.shop import SHOP

CARD = "4000056655665556"


def _table(tmp_path: Path, line: str, **options: object) -> A11yFail:
    path = tmp_path / "environments.toml"
    path.write_text(f'[staging]\nbase_url = "http://127.0.0.1:8100"\n{line}\n')
    options = {"env": "staging", "config": str(path), **options}
    return build_settings(options, {}, shop=SHOP).a11y_fail


def test_a11y_fail_names_an_impact_for_every_step_or_per_step(tmp_path: Path) -> None:
    every = _table(tmp_path, 'a11y_fail = "serious"')
    assert every.minimum("pay") == every.minimum("open catalog") == "serious"
    per_step = _table(tmp_path, 'a11y_fail = { pay = "critical" }')
    assert per_step.minimum("pay") == "critical" and per_step.minimum("open catalog") is None
    assert _table(tmp_path, "").minimum("pay") is None, "nothing fails unless the project asks"


def test_a11y_fail_on_the_command_line_replaces_the_environments(tmp_path: Path) -> None:
    given = _table(tmp_path, 'a11y_fail = "minor"', a11y_fail=["pay=critical"])
    assert given.minimum("pay") == "critical" and given.minimum("open catalog") is None
    assert _table(tmp_path, "", a11y_fail=["all=moderate"]).minimum("confirmation") == "moderate"


@pytest.mark.parametrize(
    ("a11y_fail", "fragment"),
    [
        (
            'a11y_fail = "severe"',
            "impact 'severe' is not one of minor, moderate, serious, critical",
        ),
        ('a11y_fail = { pya = "serious" }', "a11y_fail: unknown step 'pya'; the shop's steps are"),
        ('a11y_fail = { pay = "high" }', "a11y_fail.'pay': impact 'high' is not one of"),
        ("a11y_fail = 3", "a11y_fail must be an impact"),
    ],
)
def test_a_bad_a11y_fail_is_one_line_saying_what_is_wrong(
    tmp_path: Path, a11y_fail: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as error:
        _table(tmp_path, a11y_fail)
    assert fragment in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ("pay", "is not STEP=IMPACT"),
        ("pay=bad", "impact 'bad' is not one of"),
        ("plac order=serious", "--a11y-fail: unknown step 'plac order'"),
    ],
)
def test_a_bad_a11y_fail_option_is_one_line(given: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_a11y_option([given], SHOP.check_step)
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_a_step_fails_on_violations_at_or_above_its_minimum_impact_only() -> None:
    fail = parse_a11y_fail("env", {"pay": "serious"}, SHOP.check_step)
    assert [fail.fails("pay", i) for i in ("minor", "moderate", "serious", "critical")] == [
        False,
        False,
        True,
        True,
    ]
    assert not fail.fails("pay", None), "a violation axe gave no impact never fails a step"
    assert not fail.fails("shipping method", "critical"), "only the steps named fail"
    assert A11yFail(every_step="critical").fails("confirmation", "critical")
    assert not A11yFail().fails("pay", "critical")


def test_the_failure_names_count_impact_page_rule_help_and_elements_worst_first() -> None:
    label = Violation("label", "critical", "Form elements must have labels", "/pay", 1, ("#a",))
    contrast = Violation(
        "color-contrast", "serious", "Elements must meet contrast", "/pay", 5, ("p", "h2", "a")
    )
    steps = StepAccessibility(AxeChecker(), A11yFail(per_step={"pay": "serious"}))
    record = StepRecord("pay", "pay")
    record.a11y_violations = [contrast, label]
    assert failure_message(steps.failing(record)) == (
        "accessibility: 1 critical and 1 serious violations on /pay: label — Form elements "
        "must have labels (#a); color-contrast — Elements must meet contrast (p, h2, a and 2 more)"
    )


#: A page whose card field has no label (its words are plain text), typed into; a frame of
#: another origin with the same fault; and a second page that links back to the first.
PAGES = {
    "http://shop.test/pay": (
        '<!doctype html><html lang="en"><head><title>Pay</title></head><body><main>'
        "<h1>Pay</h1><span>Card number</span>"
        f'<input id="card-number" name="number" value="{CARD}">'
        '<iframe id="card-frame" title="Card details" src="http://psp.test/card"></iframe>'
        '<a href="/review">review</a></main></body></html>'
    ),
    "http://psp.test/card": (
        '<!doctype html><html lang="en"><head><title>Card</title></head><body>'
        '<span>CVC</span><input id="cvc" value="737"></body></html>'
    ),
    "http://shop.test/review": (
        '<!doctype html><html lang="en"><head><title>Review</title></head><body><main>'
        '<h1>Review</h1><a href="/pay">back</a></main></body></html>'
    ),
}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()

    def serve(route: Route) -> None:
        route.fulfill(body=PAGES[route.request.url.split("?")[0]], content_type="text/html")

    context.route("http://*.test/**", serve)
    yield context.new_page()
    context.close()


def test_an_unlabelled_input_is_named_by_its_target_without_its_html_or_value(page: Page) -> None:
    page.goto("http://shop.test/pay")
    page.locator("#card-number").fill(CARD)  # what the shopper typed, never in the result

    check = AxeChecker(secrets=("737",)).check(page)

    assert check is not None
    labels = [v for v in check.violations if v.rule == "label"]
    assert [(v.impact, v.page, v.targets) for v in labels] == [
        ("critical", "/pay", ("#card-number",)),
        ("critical", "/pay", ("#card-frame >>> #cvc",)),
    ], check.violations
    kept = json.dumps([v.to_dict() for v in check.violations])
    assert CARD not in kept and "737" not in kept and "<input" not in kept


def test_a_page_is_checked_once_per_checkout_and_its_violations_go_to_the_step_acting_on_it(
    page: Page,
) -> None:
    checker = AxeChecker()
    steps = StepAccessibility(checker, A11yFail(per_step={"pay": "serious"}))
    shipping, pay, review = (StepRecord(k, k) for k in ("shipping method", "pay", "place order"))

    steps.started(page, shipping)  # opens the payment page and ends on it
    page.goto("http://shop.test/pay")
    steps.page_shown(page)
    steps.ended(page, shipping, passed=True)
    steps.started(page, pay)  # acts on it, and leaves it for the review page
    page.get_by_role("link", name="review").click()
    page.get_by_role("heading", name="Review").wait_for()
    steps.page_shown(page)
    steps.ended(page, pay, passed=True)
    steps.started(page, review)  # back to the payment page: already checked, not again
    page.get_by_role("link", name="back").click()
    page.get_by_role("heading", name="Pay").wait_for()
    assert checker.check(page) is None
    steps.ended(page, review, passed=True)
    steps.finish()

    assert shipping.a11y_pages == [] and shipping.a11y_violations == []
    assert pay.a11y_pages == ["/pay"] and {v.rule for v in pay.a11y_violations} == {"label"}
    assert review.a11y_pages == ["/review"] and review.a11y_violations == []
    assert checker.checked == {
        "http://shop.test/pay",
        "http://psp.test/card",
        "http://shop.test/review",
    }
    assert len(steps.failing(pay)) == 2 and steps.failing(review) == []


def test_a_later_checkout_of_the_same_page_and_version_gets_its_findings_without_axe(
    page: Page,
) -> None:
    findings = Findings()
    version = ["1.4.2"]
    page.goto("http://shop.test/pay")

    first = AxeChecker(version=lambda: version[0], findings=findings).check(page)
    page.reload()  # another checkout's page: no axe in it
    second = AxeChecker(version=lambda: version[0], findings=findings).check(page)
    version[0] = "1.4.3"  # a deploy: its pages are checked afresh
    third = AxeChecker(version=lambda: version[0], findings=findings).check(page)

    assert first is not None and second is not None and third is not None
    assert [v.to_dict() for v in second.violations] == [v.to_dict() for v in first.violations]
    assert any(v.rule == "label" for v in second.violations)
    assert page.evaluate("typeof window.axe") == "object"  # the third, after the deploy, ran it
    page.reload()
    AxeChecker(version=lambda: version[0], findings=findings).check(page)
    assert page.evaluate("typeof window.axe") == "undefined"  # found in the process: not run


def test_every_order_s_confirmation_page_is_one_page_and_a_slug_is_not_an_id() -> None:
    assert page_key("http://shop.test/orders/1042/confirmation#top") == (
        "http://shop.test/orders/:id/confirmation"
    )
    assert page_key("http://shop.test/orders/1043/confirmation") == (
        "http://shop.test/orders/:id/confirmation"
    )
    uuid = "5f0c1b2a-1234-4abc-8def-0123456789ab"
    assert page_key(f"http://shop.test/o/{uuid}/done") == "http://shop.test/o/:id/done"
    assert page_key("http://shop.test/products/camp-lantern?size=2") == (
        "http://shop.test/products/camp-lantern?size=2"
    )
    assert page_key("http://shop.test/p/2024-shoes") == "http://shop.test/p/2024-shoes"
    assert page_key("http://shop.test/p/iphone15") == "http://shop.test/p/iphone15"
    for reference in ("CP-B90928BF", "ord_5f3a9c1d", "INV-000123"):
        assert page_key(f"http://shop.test/orders/{reference}/done") == (
            "http://shop.test/orders/:id/done"
        ), reference


def test_findings_keep_the_most_recently_used_documents_only() -> None:
    findings = Findings()
    findings.put("http://shop.test/", "1.0", [])
    for n in range(Findings.MOST + 100):
        findings.put(f"http://shop.test/p/page-{n}", "1.0", [{"rule": "label"}])
        findings.get("http://shop.test/", "1.0")  # used all along: never dropped
    assert len(findings) == Findings.MOST
    assert findings.get("http://shop.test/", "1.0") == []
    assert findings.get("http://shop.test/p/page-0", "1.0") is None  # the oldest went first
    assert findings.get(f"http://shop.test/p/page-{Findings.MOST + 99}", "1.0") is not None


def test_a_page_known_with_its_frames_is_reported_without_waiting_for_them(page: Page) -> None:
    findings = Findings()
    page.goto("http://shop.test/pay")
    first = AxeChecker(version=lambda: "1.4.2", findings=findings).check(page)
    # Another checkout's page: its frames are not looked at (each look is a round trip, and
    # the wait for its load the shop's time): a frame gone from it still reports.
    page.evaluate("document.getElementById('card-frame').remove()")
    second = AxeChecker(version=lambda: "1.4.2", findings=findings).check(page)

    assert first is not None and second is not None
    assert [v.to_dict() for v in second.violations] == [v.to_dict() for v in first.violations]
    assert any(t.startswith("#card-frame >>> ") for v in second.violations for t in v.targets)
    after_deploy = AxeChecker(version=lambda: "1.4.3", findings=findings).check(page)
    assert after_deploy is not None
    assert not any(">>>" in t for v in after_deploy.violations for t in v.targets)
