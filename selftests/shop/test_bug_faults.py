"""The faults that leave every component healthy, observed over HTTP: only the data or
the timing is wrong (the classes of bug no health check sees)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from selftests.shop.conftest import UNABLE

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

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
    "layout-shift",
    "intermittent-orders",
    "noop-cancel",
    "order-left-pending",
    "charge-first-card",
    "misformatted-amount",
    "locale-format",
    "stale-session-totals",
    "cart-kept-after-order",
    "generic-decline-message",
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
    driver.switch_fault(fault)
    health = driver.http.get("/health")
    assert (health.status_code, health.json()["status"]) == (200, "ok")
    assert driver.gateway.get("/health").json() == {"status": "ok"}


def test_tax_rounding_truncates_tax_everywhere_alike(driver: ShopDriver) -> None:
    driver.switch_fault("tax-rounding")
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
    contact = driver.new_contact()
    driver.switch_fault("double-charge")
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
    other = {**driver.new_contact(), "full_name": "Olga Other", "address": "9 Side Lane"}
    previous, _ = _place(make_driver(), contact={**other, "city": "Elsewhere"})
    contact = driver.new_contact()
    number, healthy = _place(driver, cart={"camp-lantern": 1}, contact=contact)
    url = f"/orders/{number}/confirmation"
    total = driver.text_of(healthy, "confirmation-total")
    assert "Olga Other" not in healthy

    driver.switch_fault("other-shopper-on-confirmation")
    page = driver.http.get(url).text
    assert "shipping to Olga Other, 9 Side Lane, Elsewhere 12345" in page
    assert f"sent to {other['email']}" in page
    assert contact["email"] not in page
    assert driver.text_of(page, "order-number") == number
    assert driver.text_of(page, "confirmation-total") == total

    driver.switch_fault("stale-order-number")
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
    shopper.switch_fault("other-shopper-on-confirmation")
    page = shopper.http.get(url).text
    assert "shipping to Jane Example, 1 Elsewhere Road, Othertown 99999" in page
    assert "sent to jane.example@example.com" in page
    shopper.switch_fault("stale-order-number")
    assert shopper.text_of(shopper.http.get(url).text, "order-number") == "CP-00000000"


def test_wrong_stored_quantity_stores_one_more_of_the_first_line(driver: ShopDriver) -> None:
    driver.switch_fault("wrong-stored-quantity")
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
    driver.switch_fault("slow-order-endpoint", delay=0.4)
    started = time.monotonic()
    assert driver.place_order().status_code == 201
    assert time.monotonic() - started >= 0.4


def test_payment_frame_404_breaks_only_the_card_element(driver: ShopDriver) -> None:
    driver.switch_fault("payment-frame-404")
    frame = driver.gateway.get(CARD_ELEMENT)
    assert frame.status_code == 404
    assert frame.headers["content-type"].startswith("text/html")
    assert "Not Found" in frame.text
    assert driver.tokenize(driver.APPROVED)["token"].startswith("tok_")
    driver.switch_fault(None)
    assert driver.gateway.get(CARD_ELEMENT).status_code == 200


def test_error_with_200_reports_a_failure_as_200_and_charges_nothing(driver: ShopDriver) -> None:
    contact = driver.new_contact()
    driver.to_review(contact=contact)
    driver.switch_fault("error-with-200")
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
    driver.switch_fault(fault, rate=0.0)
    charges_before = driver.charge_count()
    number, page = _place(driver, cart={"trail-mug": 1})
    assert driver.charge_count() == charges_before + 1
    assert driver.text_of(page, "confirmation-tax") == "$1.04"
    assert driver.api(f"/api/orders/{number}").json()["items"][0]["quantity"] == 1


def test_layout_shift_slides_a_promotion_above_the_contact_form_only_under_the_fault(
    driver: ShopDriver,
) -> None:
    driver.add("trail-mug")
    assert "promo" not in driver.http.get("/checkout/contact").text
    driver.switch_fault("layout-shift")
    page = driver.http.get("/checkout/contact").text
    assert 'addEventListener("focusin"' in page and 'promo.style.height = "360px"' in page
