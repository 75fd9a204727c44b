"""Each injected fault, observed over HTTP, and the admin API that switches them."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from demo_shop.faults import FAULT_NAMES

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

UNABLE = "(sqlite3.OperationalError) unable to open database file"


def _switch(driver: ShopDriver, fault: str | None, **extra: Any) -> dict[str, Any]:
    response = driver.admin("/admin/faults", {"fault": fault, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _contact(driver: ShopDriver) -> dict[str, str]:
    return {**driver.CONTACT, "email": f"fault-{uuid.uuid4().hex[:8]}@example.com"}


def test_admin_needs_the_admin_token(driver: ShopDriver) -> None:
    assert driver.http.post("/admin/faults", json={"fault": "partial"}).status_code == 401
    api_token = {"Authorization": f"Bearer {driver.API_TOKEN}"}
    assert driver.http.get("/admin/faults", headers=api_token).status_code == 401
    assert driver.server.faults.snapshot().fault is None


def test_admin_switches_faults_and_version(driver: ShopDriver) -> None:
    state = _switch(driver, "partial")
    assert (state["fault"], state["rate"]) == ("partial", 0.2)
    state = _switch(driver, "decline-all", rate=0.5)
    assert (state["fault"], state["rate"]) == ("decline-all", 0.5)
    admin_token = {"Authorization": f"Bearer {driver.ADMIN_TOKEN}"}
    read = driver.http.get("/admin/faults", headers=admin_token)
    assert read.json()["fault"] == "decline-all"
    assert _switch(driver, None)["fault"] is None

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
    contact = _contact(driver)
    driver.to_review(contact=contact)
    _switch(driver, "bad-db-connection-string")
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
    _switch(driver, None)
    assert driver.api(f"/api/orders?email={contact['email']}").json() == {"orders": []}
    assert driver.place_order().status_code == 201  # recovers once the fault is off


def test_partial_rate_one_breaks_every_session(driver: ShopDriver) -> None:
    _switch(driver, "partial", rate=1.0)
    driver.to_review()
    response = driver.place_order()
    assert response.status_code == 500
    assert "could not connect to database" in response.json()["detail"]
    health = driver.http.get("/health").json()
    assert health["status"] == "degraded"
    assert health["components"]["order-service database"] == {"status": "ok"}
    assert health["components"]["order-service database (replica b)"]["status"] == "down"


def test_partial_rate_zero_breaks_no_session(driver: ShopDriver) -> None:
    _switch(driver, "partial", rate=0.0)
    driver.to_review()
    assert driver.place_order().status_code == 201
    assert driver.http.get("/health").status_code == 200


def test_partial_assignment_is_sticky_per_session(make_driver: Any) -> None:
    first = make_driver()
    _switch(first, "partial", rate=0.5)
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
    _switch(driver, "catalog-db-down")
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
    _switch(driver, "payment-gateway-down")
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
    _switch(driver, "payment-gateway-slow", delay=0.4)
    started = time.monotonic()
    response = driver.place_order()
    assert response.status_code == 201
    assert time.monotonic() - started >= 0.4


def test_decline_all(driver: ShopDriver) -> None:
    contact = _contact(driver)
    driver.to_review(contact=contact)
    _switch(driver, "decline-all")
    response = driver.place_order()
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "card_declined"
    assert driver.api(f"/api/orders?email={contact['email']}").json() == {"orders": []}


def test_price_mismatch(driver: ShopDriver) -> None:
    _switch(driver, "price-mismatch")
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
    _switch(driver, "checkout-button-broken")
    assert "Place order" not in driver.http.get("/checkout/review").text


def test_js_error(driver: ShopDriver) -> None:
    driver.to_review()
    _switch(driver, "js-error")
    html = driver.http.get("/checkout/payment").text
    assert "CheckoutPayment.mount(" not in html
    assert "CheckoutPayment.mountForm(" in html  # no such function: throws on load


def test_confirmation_without_order(driver: ShopDriver) -> None:
    _switch(driver, "confirmation-without-order")
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
    _switch(driver, None)
    # Rendered from the database again, the missing order shows.
    assert driver.http.get(response.json()["confirmation_url"]).status_code == 404


@pytest.mark.parametrize("fault", ["checkout-button-broken", "decline-all"])
def test_rate_zero_disables_a_fault(driver: ShopDriver, fault: str) -> None:
    _switch(driver, fault, rate=0.0)
    driver.to_review()
    assert "Place order" in driver.http.get("/checkout/review").text
    assert driver.place_order().status_code == 201


# The bugs below leave every component healthy: only the data or the timing is wrong.
BUGS = (
    "tax-rounding",
    "double-charge",
    "other-shopper-on-confirmation",
    "stale-order-number",
    "wrong-stored-quantity",
    "slow-order-endpoint",
    "payment-frame-404",
    "error-with-200",
)
CARD_ELEMENT = "/elements/card?parent_origin=http://127.0.0.1:1"


def _place(driver: ShopDriver, **to_review: Any) -> tuple[str, str]:
    """Walk the checkout and place the order; its number and confirmation page."""
    driver.to_review(**to_review)
    response = driver.place_order()
    assert response.status_code == 201, response.text
    body = response.json()
    return body["order_number"], driver.http.get(body["confirmation_url"]).text


@pytest.mark.parametrize("fault", BUGS)
def test_bug_faults_keep_every_health_check_ok(driver: ShopDriver, fault: str) -> None:
    _switch(driver, fault)
    health = driver.http.get("/health")
    assert (health.status_code, health.json()["status"]) == (200, "ok")
    assert driver.gateway.get("/health").json() == {"status": "ok"}


def test_tax_rounding_truncates_tax_everywhere_alike(driver: ShopDriver) -> None:
    _switch(driver, "tax-rounding")
    driver.to_review(cart={"trail-mug": 1})
    review = driver.http.get("/checkout/review").text
    # 8 % of 12.99 is 1.0392: rounded half up that is 1.04, truncated 1.03.
    assert driver.text_of(review, "summary-tax") == "$1.03"
    assert driver.text_of(review, "summary-total") == "$19.01"
    number = driver.place_order().json()["order_number"]
    order = driver.api(f"/api/orders/{number}").json()
    assert (order["tax_cents"], order["total_cents"]) == (103, 1299 + 499 + 103)
    assert driver.server.charges.all()[-1].amount_cents == 1901
    page = driver.http.get(f"/orders/{number}/confirmation").text
    assert driver.text_of(page, "confirmation-tax") == "$1.03"
    assert driver.text_of(page, "confirmation-total") == "$19.01"


def test_double_charge_charges_twice_and_stores_one_order(driver: ShopDriver) -> None:
    contact = _contact(driver)
    _switch(driver, "double-charge")
    charges_before = driver.charge_count()
    number, page = _place(driver, cart={"trail-mug": 1}, contact=contact)
    assert driver.charge_count() == charges_before + 2
    charges = driver.api(f"/api/charges?order={number}").json()["charges"]
    assert [(c["status"], c["amount_cents"], c["order_number"]) for c in charges] == [
        ("succeeded", 1902, number),
        ("succeeded", 1902, number),
    ]
    assert charges[0]["id"] != charges[1]["id"]
    stored = driver.api(f"/api/orders?email={contact['email']}").json()["orders"]
    assert [order["number"] for order in stored] == [number]
    assert driver.text_of(page, "order-number") == number
    assert driver.text_of(page, "confirmation-total") == "$19.02"


def test_confirmation_faults_show_the_previous_order_s_shopper_or_number(
    driver: ShopDriver, make_driver: Any
) -> None:
    other = {**_contact(driver), "full_name": "Olga Other", "address": "9 Side Lane"}
    previous, _ = _place(make_driver(), contact={**other, "city": "Elsewhere"})
    contact = _contact(driver)
    number, healthy = _place(driver, cart={"camp-lantern": 1}, contact=contact)
    url = f"/orders/{number}/confirmation"
    total = driver.text_of(healthy, "confirmation-total")
    assert "Olga Other" not in healthy

    _switch(driver, "other-shopper-on-confirmation")
    page = driver.http.get(url).text
    assert "shipping to Olga Other, 9 Side Lane, Elsewhere 12345" in page
    assert f"sent to {other['email']}" in page
    assert contact["email"] not in page
    assert driver.text_of(page, "order-number") == number
    assert driver.text_of(page, "confirmation-total") == total

    _switch(driver, "stale-order-number")
    page = driver.http.get(url).text
    assert driver.text_of(page, "order-number") == previous
    assert f"sent to {contact['email']}" in page
    assert driver.text_of(page, "confirmation-total") == total
    assert driver.api(f"/api/orders/{number}").json()["email"] == contact["email"]


def test_confirmation_faults_without_a_previous_order_show_placeholders(
    empty_shop_driver: ShopDriver,
) -> None:
    shopper = empty_shop_driver
    number, _ = _place(shopper)
    url = f"/orders/{number}/confirmation"
    _switch(shopper, "other-shopper-on-confirmation")
    page = shopper.http.get(url).text
    assert "shipping to Jane Example, 1 Elsewhere Road, Othertown 99999" in page
    assert "sent to jane.example@example.com" in page
    _switch(shopper, "stale-order-number")
    assert shopper.text_of(shopper.http.get(url).text, "order-number") == "CP-00000000"


def test_wrong_stored_quantity_stores_one_more_of_the_first_line(driver: ShopDriver) -> None:
    _switch(driver, "wrong-stored-quantity")
    number, page = _place(driver, cart={"trail-mug": 2, "camp-lantern": 1})
    order = driver.api(f"/api/orders/{number}").json()
    assert [(i["slug"], i["quantity"], i["line_total_cents"]) for i in order["items"]] == [
        ("trail-mug", 3, 2598),
        ("camp-lantern", 1, 3449),
    ]
    assert order["subtotal_cents"] == 2598 + 3449
    assert driver.server.charges.all()[-1].amount_cents == order["total_cents"]
    assert driver.text_of(page, "confirmation-quantity") == "3"


def test_slow_order_endpoint_answers_after_the_delay(driver: ShopDriver) -> None:
    driver.to_review()
    _switch(driver, "slow-order-endpoint", delay=0.4)
    started = time.monotonic()
    assert driver.place_order().status_code == 201
    assert time.monotonic() - started >= 0.4


def test_payment_frame_404_breaks_only_the_card_element(driver: ShopDriver) -> None:
    _switch(driver, "payment-frame-404")
    frame = driver.gateway.get(CARD_ELEMENT)
    assert frame.status_code == 404
    assert frame.headers["content-type"].startswith("text/html")
    assert "Not Found" in frame.text
    assert driver.tokenize(driver.APPROVED)["token"].startswith("tok_")
    _switch(driver, None)
    assert driver.gateway.get(CARD_ELEMENT).status_code == 200


def test_error_with_200_reports_a_failure_as_200_and_charges_nothing(driver: ShopDriver) -> None:
    contact = _contact(driver)
    driver.to_review(contact=contact)
    _switch(driver, "error-with-200")
    charges_before = driver.charge_count()
    response = driver.place_order()
    assert response.status_code == 200
    assert response.json() == {
        "error": "Payment Processing Error",
        "detail": f"could not connect to database: {UNABLE}",
    }
    assert driver.charge_count() == charges_before
    assert driver.api(f"/api/orders?email={contact['email']}").json() == {"orders": []}
    # review.js treats only 201 (and 402) as an answer, so the shopper sees the alert.
    script = driver.http.get("/static/review.js").text
    assert "response.status === 201" in script and "response.ok" not in script


@pytest.mark.parametrize(
    "fault", ["double-charge", "error-with-200", "tax-rounding", "wrong-stored-quantity"]
)
def test_bug_faults_at_rate_zero_hit_no_session(driver: ShopDriver, fault: str) -> None:
    _switch(driver, fault, rate=0.0)
    charges_before = driver.charge_count()
    number, page = _place(driver, cart={"trail-mug": 1})
    assert driver.charge_count() == charges_before + 1
    assert driver.text_of(page, "confirmation-tax") == "$1.04"
    assert driver.api(f"/api/orders/{number}").json()["items"][0]["quantity"] == 1
