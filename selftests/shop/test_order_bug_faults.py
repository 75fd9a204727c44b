"""Bugs in the order service, observed over HTTP: orders that fail now and then, cancels
that change nothing, orders never marked paid, charges to the wrong card, a cart that
outlives its order. Every component stays healthy (test_bug_faults.py checks /health)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from demo_shop.storefront.products import get_product
from selftests.shop.conftest import UNABLE

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

DB_ERROR = {
    "error": "Payment Processing Error",
    "detail": f"could not connect to database: {UNABLE}",
}


def _place(driver: ShopDriver, **to_review: Any) -> str:
    """Walk the checkout and place the order; its number."""
    driver.to_review(**to_review)
    response = driver.place_order()
    assert response.status_code == 201, response.text
    number: str = response.json()["order_number"]
    return number


def _stock(driver: ShopDriver, slug: str) -> int:
    catalog = driver.server.app.extensions["demo_shop"].catalog  # type: ignore[union-attr]
    product = get_product(catalog, slug)
    assert product is not None
    return product.stock


def _attempts(driver: ShopDriver, count: int) -> list[int]:
    """The status of ``count`` placements in a row (a failed one is simply tried again)."""
    statuses = []
    for _ in range(count):
        if driver.http.get("/checkout/review").status_code != 200:
            driver.to_review(cart={"trail-mug": 1})
        statuses.append(driver.place_order().status_code)
    return statuses


def test_intermittent_orders_fail_every_nth_placement_like_a_bad_db(driver: ShopDriver) -> None:
    # Healthy: every placement succeeds, however many in a row.
    assert _attempts(driver, 4) == [201] * 4

    assert driver.switch_fault("intermittent-orders")["rate"] == 0.25
    # The count runs on from earlier placements, so the first failure may be any of
    # the first four; from there on exactly every fourth fails.
    statuses = _attempts(driver, 8)
    failed = [index for index, status in enumerate(statuses) if status != 201]
    assert len(failed) == 2 and failed[1] - failed[0] == 4, statuses
    assert {statuses[index] for index in failed} == {500}

    # Rate 0.5: one of the next two fails, with bad-db-connection-string's own answer,
    # before any charge, while /health stays ok.
    driver.switch_fault("intermittent-orders", rate=0.5)
    for _ in range(2):
        driver.to_review(cart={"trail-mug": 1})
        charges_before = driver.charge_count()
        response = driver.place_order()
        if response.status_code != 201:
            break
    assert (response.status_code, response.json()) == (500, DB_ERROR)
    assert driver.charge_count() == charges_before
    assert driver.http.get("/health").json()["status"] == "ok"
    assert driver.place_order().status_code == 201  # the next one goes through


def test_noop_cancel_answers_cancelled_but_changes_nothing(driver: ShopDriver) -> None:
    before = _stock(driver, "camp-lantern")
    number = _place(driver, cart={"camp-lantern": 2})
    driver.switch_fault("noop-cancel")
    response = driver.api(f"/api/orders/{number}", method="DELETE")
    assert (response.status_code, response.json()) == (
        200,
        {"number": number, "status": "cancelled"},
    )
    assert driver.api(f"/api/orders/{number}").json()["status"] == "paid"
    assert _stock(driver, "camp-lantern") == before - 2
    assert driver.api("/api/orders/CP-00000000", method="DELETE").status_code == 404

    # The healthy shop really cancels and restocks.
    driver.switch_fault(None)
    assert driver.api(f"/api/orders/{number}", method="DELETE").status_code == 200
    assert driver.api(f"/api/orders/{number}").json()["status"] == "cancelled"
    assert _stock(driver, "camp-lantern") == before


def test_order_left_pending_is_charged_and_confirmed_but_never_paid(driver: ShopDriver) -> None:
    healthy = _place(driver)
    assert driver.api(f"/api/orders/{healthy}").json()["status"] == "paid"

    driver.switch_fault("order-left-pending")
    number = _place(driver, cart={"trail-mug": 1})
    order = driver.api(f"/api/orders/{number}").json()
    assert (order["status"], order["total_cents"]) == ("pending", 1902)
    (charge,) = driver.api(f"/api/charges?order={number}").json()["charges"]
    assert (charge["status"], charge["amount_cents"]) == ("succeeded", 1902)
    page = driver.http.get(f"/orders/{number}/confirmation")
    assert page.status_code == 200
    assert driver.text_of(page.text, "order-number") == number


def test_charge_first_card_charges_the_first_card_whatever_the_shopper_entered(
    empty_shop_driver: ShopDriver,
) -> None:
    # A shop of its own, so the first card this process charged is known: the Visa.
    shopper = empty_shop_driver

    def charge_of(number: str) -> tuple[str, str, str]:
        (charge,) = shopper.api(f"/api/charges?order={number}").json()["charges"]
        return charge["status"], charge["card_brand"], charge["card_last4"]

    def card_of(number: str) -> tuple[str, str]:
        order = shopper.api(f"/api/orders/{number}").json()
        return order["card_brand"], order["card_last4"]

    first = _place(shopper, card=shopper.APPROVED)
    assert charge_of(first) == ("succeeded", "Visa", "4242")
    healthy = _place(shopper, card=shopper.APPROVED_MASTERCARD)
    assert charge_of(healthy) == ("succeeded", "Mastercard", "4444")

    shopper.switch_fault("charge-first-card")
    number = _place(shopper, card=shopper.APPROVED_MASTERCARD)
    assert card_of(number) == ("Mastercard", "4444")  # what the shopper chose
    assert charge_of(number) == ("succeeded", "Visa", "4242")  # what was charged
    # Even a card the gateway refuses gets an order, paid with the first card.
    refused = _place(shopper, card=shopper.DECLINED)
    assert card_of(refused) == ("Visa", "0002")
    assert charge_of(refused) == ("succeeded", "Visa", "4242")

    shopper.switch_fault(None)
    shopper.to_review(card=shopper.DECLINED)
    assert shopper.place_order().status_code == 402


def test_cart_kept_after_order_still_lists_what_was_bought(driver: ShopDriver) -> None:
    _place(driver, cart={"trail-mug": 2})
    assert "Your cart is empty." in driver.http.get("/cart").text

    driver.switch_fault("cart-kept-after-order")
    number = _place(driver, cart={"camp-lantern": 1})
    assert driver.api(f"/api/orders/{number}").json()["status"] == "paid"
    page = driver.http.get(f"/orders/{number}/confirmation").text
    assert driver.text_of(page, "cart-count") == "1"
    cart = driver.http.get("/cart").text
    assert cart.count('data-testid="cart-line"') == 1
    assert '<th scope="row">Camp Lantern</th>' in cart
    assert driver.text_of(cart, "cart-subtotal") == "$34.49"
