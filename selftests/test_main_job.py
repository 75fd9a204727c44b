"""Self-tests: the checkout suites as the main job runs them, healthy and broken.

These run pytest in a subprocess against a real demo shop in a real Chromium,
so what they check is what a user sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selftests.helpers import run_suites

GUEST_SMOKE = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)


def test_broken_order_service_database_fails_with_a_diagnosis_naming_step_request_and_dependency(
    tmp_path: Path,
) -> None:
    run = run_suites(
        tmp_path,
        GUEST_SMOKE,
        "--shop-arg=--order-database-url=sqlite:////nonexistent/order-service/orders.db",
        "--tracing=retain-on-failure",
        "--screenshot=only-on-failure",
    )

    assert run.returncode == 1, run.output
    assert "step 'place order' failed [payment_error]" in run.output
    assert "Payment Processing Error" in run.output
    assert "failing request: POST /api/orders → 500" in run.output
    assert "could not connect to database" in run.output
    assert "order-service database: (sqlite3.OperationalError) unable to open database file" in (
        run.output
    )
    test = run.summary()["tests"][0]
    assert test["outcome"] == "failed"
    assert test["category"] == "payment_error"
    assert test["failing_step"] == "place order"
    assert test["diagnosis"]["failed_requests"][0]["path"] == "/api/orders"
    assert any(a.endswith("trace.zip") for a in test["artifacts"])


def test_failed_checkout_reaches_allure_with_steps_diagnosis_trace_and_screenshot(
    tmp_path: Path,
) -> None:
    run = run_suites(
        tmp_path,
        GUEST_SMOKE,
        "--shop-arg=--fault=catalog-db-down",
        "--tracing=retain-on-failure",
        "--screenshot=only-on-failure",
    )

    assert run.returncode == 1, run.output
    (result,) = run.allure_results()
    assert result["status"] == "failed"
    assert "[server_error]" in result["statusDetails"]["message"]
    assert result["steps"][0]["name"] == "open catalog"
    assert result["steps"][0]["status"] == "failed"
    names = {a["name"] for a in _attachments(result)}
    assert "diagnosis" in names
    assert any(n.startswith("trace: ") for n in names), names
    assert any(n.startswith("screenshot: ") for n in names), names
    categories = (run.reports / "allure-results" / "categories.json").read_text()
    assert '"payment_error"' in categories
    environment = (run.reports / "allure-results" / "environment.properties").read_text()
    assert "env=local" in environment


def _attachments(node: dict[str, Any]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = list(node.get("attachments", []))
    for step in node.get("steps", []):
        found.extend(_attachments(step))
    return found
