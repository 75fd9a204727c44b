"""Each injected fault, observed over HTTP, and the admin API that switches them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from demo_shop.faults import FAULT_NAMES
from selftests.shop.conftest import UNABLE

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver


def test_admin_needs_the_admin_token(driver: ShopDriver) -> None:
    assert driver.http.post("/admin/faults", json={"fault": "partial"}).status_code == 401
    api_token = {"Authorization": f"Bearer {driver.API_TOKEN}"}
    assert driver.http.get("/admin/faults", headers=api_token).status_code == 401
    assert driver.server.faults.snapshot().fault is None


def test_admin_switches_faults_and_version(driver: ShopDriver) -> None:
    state = driver.switch_fault("partial")
    assert (state["fault"], state["rate"]) == ("partial", 0.2)
    state = driver.switch_fault("decline-all", rate=0.5)
    assert (state["fault"], state["rate"]) == ("decline-all", 0.5)
    admin_token = {"Authorization": f"Bearer {driver.ADMIN_TOKEN}"}
    read = driver.http.get("/admin/faults", headers=admin_token)
    assert read.json()["fault"] == "decline-all"
    assert driver.switch_fault(None)["fault"] is None

    unknown = driver.admin("/admin/faults", {"fault": "meteor-strike"})
    assert unknown.status_code == 400
    assert unknown.json()["valid_faults"] == list(FAULT_NAMES)
    assert "bad-db-connection-string" in unknown.json()["error"]
    assert driver.admin("/admin/faults", {"fault": "partial", "rate": 2}).status_code == 400

    assert driver.admin("/admin/version", {"version": "1.4.3"}).json() == {"version": "1.4.3"}
    response = driver.http.get("/")
    assert response.headers["X-Shop-Version"] == "1.4.3"
    assert "Demo shop v1.4.3" in response.text
    assert driver.http.get("/version").json() == {"version": "1.4.3"}
    assert driver.admin("/admin/version", {"version": "bad\nversion"}).status_code == 400


def test_bad_db_connection_string(driver: ShopDriver) -> None:
    contact = driver.new_contact()
    driver.to_review(contact=contact)
    driver.switch_fault("bad-db-connection-string")
    charges_before = driver.charge_count()
    response = driver.place_order()
    assert response.status_code == 500
    assert response.json() == {
        "error": "Payment Processing Error",
        "detail": f"could not connect to database: {UNABLE}",
    }
    assert driver.charge_count() == charges_before  # failed before charging
    assert driver.http.get("/").status_code == 200
    assert driver.add("camp-lantern").status_code == 302
    assert driver.http.get("/cart").status_code == 200
    health = driver.http.get("/health")
    assert health.status_code == 503
    assert health.json()["status"] == "degraded"
    assert health.json()["components"]["order-service database"] == {
        "status": "down",
        "error": UNABLE,
    }
    driver.switch_fault(None)
    assert driver.api(f"/api/orders?email={contact['email']}").json() == {"orders": []}
    assert driver.place_order().status_code == 201  # recovers once the fault is off


def test_partial_rate_one_breaks_every_session(driver: ShopDriver) -> None:
    driver.switch_fault("partial", rate=1.0)
    driver.to_review()
    response = driver.place_order()
    assert response.status_code == 500
    assert "could not connect to database" in response.json()["detail"]
    health = driver.http.get("/health").json()
    assert health["status"] == "degraded"
    assert health["components"]["order-service database"] == {"status": "ok"}
    assert health["components"]["order-service database (replica b)"]["status"] == "down"


def test_partial_rate_zero_breaks_no_session(driver: ShopDriver) -> None:
    driver.switch_fault("partial", rate=0.0)
    driver.to_review()
    assert driver.place_order().status_code == 201
    assert driver.http.get("/health").status_code == 200


def test_partial_assignment_is_sticky_per_session(make_driver: Any) -> None:
    first = make_driver()
    first.switch_fault("partial", rate=0.5)
    outcomes = []
    for _ in range(12):
        shopper = make_driver()
        shopper.to_review()
        once = shopper.place_order().status_code
        if once == 201:
            shopper.to_review()
        again = shopper.place_order().status_code
        assert once == again  # the same replica both times
        outcomes.append(once)
    assert set(outcomes) <= {201, 500}


def test_catalog_db_down(driver: ShopDriver) -> None:
    driver.switch_fault("catalog-db-down")
    for path in ("/", "/products/trail-mug"):
        response = driver.http.get(path)
        assert response.status_code == 500
        assert "<h1>Something went wrong</h1>" in response.text
    health = driver.http.get("/health")
    assert health.status_code == 503
    assert health.json()["components"]["storefront database"] == {"status": "down", "error": UNABLE}
    assert health.json()["components"]["order-service database"] == {"status": "ok"}


def test_payment_gateway_down(driver: ShopDriver) -> None:
    driver.to_review()
    driver.switch_fault("payment-gateway-down")
    tokens = driver.gateway.post("/v1/tokens", json={"number": "4242", "exp": "1", "cvc": "1"})
    assert tokens.status_code == 503
    assert tokens.json() == {"error": "service unavailable"}
    response = driver.place_order()
    assert response.status_code == 502
    assert response.json()["error"] == "Payment Processing Error"
    assert response.json()["detail"].startswith("payment provider unavailable: HTTP 503")
    health = driver.http.get("/health")
    assert health.status_code == 503
    assert health.json()["components"]["payment gateway"]["status"] == "down"


def test_payment_gateway_slow(driver: ShopDriver) -> None:
    driver.to_review()
    driver.switch_fault("payment-gateway-slow", delay=0.4)
    started = time.monotonic()
    response = driver.place_order()
    assert response.status_code == 201
    assert time.monotonic() - started >= 0.4


def test_decline_all(driver: ShopDriver) -> None:
    contact = driver.new_contact()
    driver.to_review(contact=contact)
    driver.switch_fault("decline-all")
    response = driver.place_order()
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "card_declined"
    assert driver.api(f"/api/orders?email={contact['email']}").json() == {"orders": []}


def test_price_mismatch(driver: ShopDriver) -> None:
    driver.switch_fault("price-mismatch")
    driver.to_review(cart={"trail-mug": 1})
    review_total = driver.text_of(driver.http.get("/checkout/review").text, "summary-total")
    assert review_total == "$19.02"  # 12.99 + 4.99 + 1.04
    number = driver.place_order().json()["order_number"]
    order = driver.api(f"/api/orders/{number}").json()
    assert order["total_cents"] == 1902 + 499
    page = driver.http.get(f"/orders/{number}/confirmation").text
    assert driver.text_of(page, "confirmation-total") == "$24.01"


def test_checkout_button_broken(driver: ShopDriver) -> None:
    driver.to_review()
    assert "Place order" in driver.http.get("/checkout/review").text
    driver.switch_fault("checkout-button-broken")
    assert "Place order" not in driver.http.get("/checkout/review").text


def test_js_error(driver: ShopDriver) -> None:
    driver.to_review()
    driver.switch_fault("js-error")
    html = driver.http.get("/checkout/payment").text
    assert "CheckoutPayment.mount(" not in html
    assert "CheckoutPayment.mountForm(" in html  # no such function: throws on load


def test_confirmation_without_order(driver: ShopDriver) -> None:
    driver.switch_fault("confirmation-without-order")
    driver.to_review()
    charges_before = driver.charge_count()
    response = driver.place_order()
    assert response.status_code == 201
    number = response.json()["order_number"]
    assert driver.charge_count() == charges_before + 1
    assert driver.api(f"/api/orders/{number}").status_code == 404
    page = driver.http.get(response.json()["confirmation_url"])
    assert page.status_code == 200
    assert driver.text_of(page.text, "order-number") == number
    driver.switch_fault(None)
    # Rendered from the database again, the missing order shows.
    assert driver.http.get(response.json()["confirmation_url"]).status_code == 404


@pytest.mark.parametrize("fault", ["checkout-button-broken", "decline-all"])
def test_rate_zero_disables_a_fault(driver: ShopDriver, fault: str) -> None:
    driver.switch_fault(fault, rate=0.0)
    driver.to_review()
    assert "Place order" in driver.http.get("/checkout/review").text
    assert driver.place_order().status_code == 201
