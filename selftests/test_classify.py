"""Self-tests: every category is reachable by its rule, and rules are ordered as documented."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checkout_probe.diagnosis import Category, Evidence, classify, format_diagnosis
from checkout_probe.diagnosis.failed_request import FailedRequest
from checkout_probe.target.health import ComponentHealth, HealthSnapshot
from flows.shop import SHOP as DEMO_SHOP

SHOP = "http://127.0.0.1:8000"
GATEWAY = "http://127.0.0.1:9000"

BASE = Evidence(
    env="local",
    target_url=SHOP,
    step="place order",
    step_title="place order for 50.35",
    error_type="AssertionError",
    error_message="expected the order confirmation",
    url=f"{SHOP}/checkout/review",
    step_duration_s=1.2,
    step_budget_s=6.0,
    shop_version="1.4.2",
)
DB_DOWN = HealthSnapshot(
    status="degraded",
    http_status=503,
    components=(
        ComponentHealth("storefront database", "ok"),
        ComponentHealth(
            "order-service database",
            "down",
            "(sqlite3.OperationalError) unable to open database file",
        ),
    ),
)
ORDERS_500 = FailedRequest(
    "POST",
    f"{SHOP}/api/orders",
    500,
    None,
    '{"detail":"could not connect to database: unable to open database file"}',
    0.05,
)


def _request(
    url: str,
    status: int | None,
    body: str = "",
    error: str | None = None,
    *,
    third_party: bool = False,
) -> FailedRequest:
    return FailedRequest("POST", url, status, error, body, 0.1, third_party=third_party)


CASES = {
    Category.HARNESS_ERROR: replace(BASE, harness_fault=True, error_type="KeyError"),
    Category.TARGET_UNREACHABLE: replace(
        BASE,
        error_type="Error",
        error_message=f"Page.goto: net::ERR_CONNECTION_REFUSED at {SHOP}/",
        url="about:blank",
    ),
    Category.DATA_MISMATCH: replace(
        BASE,
        data_mismatch=True,
        error_type="DataMismatch",
        error_message="order CP-1 is not stored",
    ),
    Category.PAYMENT_PROVIDER: replace(
        BASE,
        failed_requests=(_request(f"{GATEWAY}/v1/tokens", 503, third_party=True),),
        page_alerts=("Error",),
        payment_origins=(GATEWAY,),
    ),
    Category.PAYMENT_ERROR: replace(
        BASE,
        page_alerts=("Payment Processing Error We could not complete your order.",),
        failed_requests=(ORDERS_500,),
        health=DB_DOWN,
    ),
    Category.PAYMENT_DECLINED: replace(BASE, page_alerts=("Your card was declined.",)),
    Category.SERVER_ERROR: replace(BASE, failed_requests=(_request(f"{SHOP}/", 500),)),
    Category.CLIENT_ERROR: replace(
        BASE, error_type="TimeoutError", page_errors=("TypeError: x is not a function",)
    ),
    Category.SLOW: replace(BASE, error_type="StepOverBudget", step_duration_s=8.4),
    Category.UI_BROKEN: replace(BASE, error_type="TimeoutError"),
    Category.ACCESSIBILITY: replace(
        BASE,
        error_type="AccessibilityViolations",
        error_message="accessibility: 1 critical violation on /checkout/payment: label — …",
    ),
}


@pytest.mark.parametrize("category", list(Category), ids=str)
def test_each_category_has_a_rule_that_chooses_it(category: Category) -> None:
    assert classify(CASES[category], DEMO_SHOP.errors).category == category


def test_incident_reads_as_payment_error_pointing_at_the_order_service_database() -> None:
    diagnosis = classify(CASES[Category.PAYMENT_ERROR], DEMO_SHOP.errors)
    message = format_diagnosis(diagnosis)
    first_line = message.splitlines()[0]
    assert first_line.startswith("step 'place order' failed [payment_error]: page showed")
    assert "Payment Processing Error" in first_line
    assert "failing request: POST /api/orders → 500" in message
    assert (
        "order-service database: (sqlite3.OperationalError) unable to open database file" in message
    )
    assert "shop version 1.4.2" in message
    assert "look first at: order-service database (reported down by /health)" in message
    assert "timeout" not in message.lower()


def test_a_real_error_in_a_slow_step_is_not_hidden_behind_slow() -> None:
    evidence = replace(CASES[Category.PAYMENT_ERROR], step_duration_s=9.0)
    assert evidence.over_budget
    assert classify(evidence, DEMO_SHOP.errors).category == Category.PAYMENT_ERROR


def test_shop_502_naming_its_provider_is_a_provider_failure() -> None:
    evidence = replace(
        BASE,
        page_alerts=("Payment Processing Error",),
        failed_requests=(
            _request(f"{SHOP}/api/orders", 502, '{"detail":"payment provider unavailable"}'),
        ),
    )
    assert classify(evidence, DEMO_SHOP.errors).category == Category.PAYMENT_PROVIDER


def test_timeout_with_a_request_still_pending_is_slow_not_ui_broken() -> None:
    evidence = replace(
        BASE, error_type="TimeoutError", pending_requests=("POST /api/orders (pending 20.0 s)",)
    )
    assert classify(evidence, DEMO_SHOP.errors).category == Category.SLOW


def test_timeout_waiting_for_a_missing_button_is_ui_broken_even_though_it_ran_long() -> None:
    evidence = replace(BASE, error_type="TimeoutError", step_duration_s=12.0)
    assert evidence.over_budget
    assert classify(evidence, DEMO_SHOP.errors).category == Category.UI_BROKEN


def test_a_vitals_breach_is_slow_and_points_at_the_page_not_at_a_slow_request() -> None:
    breach = replace(
        BASE,
        step="contact and address",
        error_type="VitalsOverBudget",
        error_message="web vitals over budget: CLS 0.16 over its 0.10 budget",
    )
    diagnosis = classify(breach)
    assert diagnosis.category == Category.SLOW
    assert diagnosis.reason == "web vitals over budget: CLS 0.16 over its 0.10 budget"
    assert "moves content after it is shown (CLS)" in diagnosis.look_first
    assert "slow request" not in diagnosis.look_first


def test_a_port_the_browser_blocks_is_named_not_blamed_on_a_missing_element() -> None:
    # A base_url on port 9 (discard): Chromium never connects, and the step's wait times out.
    blocked = FailedRequest(
        "GET", f"{SHOP}/", None, "net::ERR_UNSAFE_PORT", "", None, "document",
        step="open catalog",
    )  # fmt: skip
    evidence = replace(
        BASE, error_type="TimeoutError", error_message="Locator.click: Timeout 20000ms exceeded.",
        failed_requests=(blocked,),
    )  # fmt: skip
    diagnosis = classify(evidence)
    assert diagnosis.category == Category.TARGET_UNREACHABLE
    assert "refuses to connect to the shop's port" in diagnosis.reason
    assert "serve the shop on another port" in diagnosis.reason


CDN = "https://cdn.vendor.example"
SDK_DOWN = FailedRequest(
    "GET", f"{CDN}/v3/sdk.js", None, "net::ERR_CONNECTION_REFUSED", "", None, "script",
    step="contact and address", third_party=True,
)  # fmt: skip


def test_an_undeclared_third_party_failing_is_evidence_never_the_cause() -> None:
    # The incident's own shape with a vendor's SDK down on every page: the diagnosis must
    # still name the order service's database, and list the SDK (with its host) after it.
    evidence = replace(
        CASES[Category.PAYMENT_ERROR],
        failed_requests=(SDK_DOWN, replace(SDK_DOWN, step="pay"), ORDERS_500),
        payment_origins=(GATEWAY,),
    )  # fmt: skip
    from checkout_probe.diagnosis.failed_request import ranked

    evidence = replace(evidence, failed_requests=ranked(evidence.failed_requests, (GATEWAY,)))
    diagnosis = classify(evidence, DEMO_SHOP.errors)
    text = format_diagnosis(diagnosis)
    assert diagnosis.category == Category.PAYMENT_ERROR
    assert diagnosis.look_first.startswith("order-service database")
    first, second = [ln for ln in text.splitlines() if "failing request:" in ln]
    assert "POST /api/orders → 500" in first
    assert f"GET {CDN}/v3/sdk.js → no response" in second
    assert "(2 times, first in step 'contact and address')" in second  # one line, counted


def test_a_third_party_the_project_declares_its_provider_decides_payment_provider() -> None:
    alone = replace(BASE, failed_requests=(SDK_DOWN,), error_type="TimeoutError")
    assert classify(alone, DEMO_SHOP.errors).category != Category.PAYMENT_PROVIDER
    declared = replace(alone, payment_origins=("https://*.vendor.example",))
    assert classify(declared, DEMO_SHOP.errors).category == Category.PAYMENT_PROVIDER


def _provider_from_a_shop_that_is_down(base_url: str) -> list[str]:
    raise ConnectionRefusedError(f"[Errno 111] Connection refused: {base_url}")


def test_an_origins_callable_that_fails_is_named_in_one_warning_and_gives_no_pattern(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from checkout_probe.shop.origins import Origins

    known = Origins(payment=(_provider_from_a_shop_that_is_down,)).resolve(SHOP)

    assert known.payment == ()
    (record,) = caplog.records
    assert record.getMessage().startswith(
        "Shop.origins: selftests.test_classify._provider_from_a_shop_that_is_down could not "
        "tell the origins: [Errno 111]"
    )
    assert "<function" not in record.getMessage()
