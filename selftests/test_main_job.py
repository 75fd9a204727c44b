"""Self-tests: the checkout suites as the main job runs them, against a broken shop.

These run pytest in a subprocess against a real demo shop in a real Chromium,
so what they check is what a user sees: the failure message, summary.json,
the Allure results and the rendered report.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from checkout_probe.evidence.report import ensure_allure, render
from selftests.helpers import SuiteRun, run_suites

GUEST_SMOKE = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """The guest smoke test against a shop whose order service cannot open its database."""
    return run_suites(
        tmp_path_factory.mktemp("broken-run"),
        GUEST_SMOKE,
        "--shop-arg=--order-database-url=sqlite:////nonexistent/order-service/orders.db",
        "--tracing=retain-on-failure",
        "--screenshot=only-on-failure",
        # An American shopper: the step titles below show amounts as en_US writes them.
        "--shopper-locale=en_US",
        # The shop's log (demo-shop-*/demo-shop.log) lands under the run's own folder.
        f"--basetemp={tmp_path_factory.getbasetemp() / 'broken-run-tmp'}",
    )


def test_broken_order_service_database_fails_with_a_diagnosis_naming_step_request_and_dependency(
    broken_run: SuiteRun,
) -> None:
    output = broken_run.output
    assert broken_run.returncode == 1, output
    assert "step 'place order' failed [payment_error]" in output
    assert "Payment Processing Error" in output
    assert "failing request: POST /api/orders → 500" in output
    assert "could not connect to database" in output
    assert "order-service database: (sqlite3.OperationalError) unable to open database file" in (
        output
    )
    assert "1 tests: 0 passed, 1 failed" in output


def test_the_diagnosis_quotes_the_trace_id_the_shop_logged_its_error_with(
    broken_run: SuiteRun, tmp_path_factory: pytest.TempPathFactory
) -> None:
    found = re.search(r"trace id: ([0-9a-f]{32}), span ([0-9a-f]{16})", broken_run.output)
    assert found is not None, broken_run.output
    trace_id, span_id = found.groups()
    (test,) = broken_run.summary()["tests"]
    assert test["trace_id"] == test["diagnosis"]["trace_id"] == trace_id
    place_order = [s for s in test["steps"] if s["step"] == "place order"]
    assert (
        place_order[0]["span_id"] == span_id == test["diagnosis"]["failed_requests"][0]["span_id"]
    )
    logs = list(
        (tmp_path_factory.getbasetemp() / "broken-run-tmp").glob("demo-shop-*/demo-shop.log")
    )
    lines = [ln for log in logs for ln in log.read_text().splitlines() if f"trace={trace_id}" in ln]
    assert any(
        "order failed (500)" in ln and "could not connect to database" in ln for ln in lines
    ), lines


def test_summary_json_records_category_step_request_and_evidence(broken_run: SuiteRun) -> None:
    (test,) = broken_run.summary()["tests"]
    assert test["outcome"] == "failed"
    assert test["category"] == "payment_error"
    assert test["failing_step"] == "place order"
    assert test["diagnosis"]["failed_requests"][0]["path"] == "/api/orders"
    assert test["diagnosis"]["health"]["status"] == "degraded"
    assert [s["status"] for s in test["steps"]][-1] == "failed"
    assert any(a.endswith("trace.zip") for a in test["artifacts"])


def test_failed_checkout_reaches_allure_with_steps_diagnosis_trace_and_screenshot(
    broken_run: SuiteRun,
) -> None:
    (result,) = broken_run.allure_results()
    assert result["status"] == "failed"
    # A title people read, a message that starts with what happened (no class path).
    assert (
        result["name"] == "Guest checkout with valid card shows order number matching stored order"
    )
    assert result["statusDetails"]["message"].startswith("step 'place order"), result
    assert "[payment_error]" in result["statusDetails"]["message"]
    containers = list((broken_run.reports / "allure-results").glob("*-container.json"))
    rows = [r for c in containers for key in ("befores", "afters")
            for r in json.loads(c.read_text()).get(key, [])]  # fmt: skip
    assert all(r.get("status") != "passed" or r.get("steps") or r.get("attachments")
               for r in rows), "fixture rows that say nothing are left"  # fmt: skip
    steps = [(s["name"], s["status"]) for s in result["steps"]]
    assert steps[0] == ("open catalog", "passed")
    assert steps[-1] == ("place order for $52.43", "failed")
    assert all(s["stop"] >= s["start"] for s in result["steps"])
    # Every step before the failure opened a page and shows its web vitals, read after the
    # checkout ended. (The failed step stays on the payment page: whether its click is slow
    # enough to be an INP entry depends on the machine, so it may have none to show.)
    with_vitals = [
        step["name"]
        for step in result["steps"]
        if any(a["name"] == "web vitals" for a in step.get("attachments", []))
    ]
    passed = [name for name, status in steps if status == "passed"]
    assert len(passed) >= 6 and set(passed) <= set(with_vitals), with_vitals
    names = {a["name"] for a in _attachments(result)}
    assert {"diagnosis", "failed requests", "console log"} <= names
    assert any(n.startswith("trace: ") for n in names), names
    assert any(n.startswith("screenshot: ") for n in names), names
    results_dir = broken_run.reports / "allure-results"
    assert '"payment_error"' in (results_dir / "categories.json").read_text()
    assert "env=local" in (results_dir / "environment.properties").read_text()


def test_rendered_allure_report_opens_from_disk_with_category_and_steps(
    broken_run: SuiteRun, page: Page
) -> None:
    # With an Allure CLI the user has (--allure): here the one `report` installs from npm.
    index = render(broken_run.reports / "allure-results", broken_run.reports / "allure-report",
                   allure=ensure_allure())  # fmt: skip
    outside: list[str] = []
    problems: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url)
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )

    page.goto(index.as_uri())
    row = page.get_by_text("Guest checkout with valid card shows order number", exact=False).first
    # The report is a 4 MB single page that renders its tree in the browser: on a loaded
    # CI machine that has taken longer than the action timeout, so it gets a wait of its own,
    # and a miss says what the page did show, and what went wrong in it.
    try:
        expect(row).to_be_visible(timeout=120_000)
    except AssertionError as missing:
        shown = page.inner_text("body")[:800]
        raise AssertionError(
            f"{missing}\nthe report showed: {shown!r}\nin the page: {problems or 'no error'}"
        ) from None
    row.click()
    expect(page.get_by_text("Category: payment_error")).to_be_visible()
    expect(page.get_by_text("add 2 × 'Trail Mug' to cart")).to_be_visible()
    assert outside == [], "the report opens offline: it must request nothing from elsewhere"


def _attachments(node: dict[str, Any]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = list(node.get("attachments", []))
    for step in node.get("steps", []):
        found.extend(_attachments(step))
    return found
