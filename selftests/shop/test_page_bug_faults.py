"""Bugs in what the storefront's pages show, observed over HTTP: the wrong currency sign,
review totals from an earlier order, a decline without its reason. What is charged and
stored stays right, and every component healthy (test_bug_faults.py checks /health)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

SUMMARY = ("summary-subtotal", "summary-shipping", "summary-tax", "summary-total")
# 1 × Trail Mug, standard: 12.99 + 4.99 + 1.04 (8 % of 12.99, rounded half up).
MUG_TOTALS = ["$12.99", "$4.99", "$1.04", "$19.02"]
# 1 × Camp Lantern, express: 34.49 + 14.99 + 2.76 (8 % of 34.49 = 2.7592).
LANTERN_TOTALS = ["$34.49", "$14.99", "$2.76", "$52.24"]


def _review(driver: ShopDriver) -> str:
    response = driver.http.get("/checkout/review")
    assert response.status_code == 200
    return response.text


def _totals(driver: ShopDriver) -> list[str]:
    """The review page's subtotal, shipping, tax and total, as shown."""
    page = _review(driver)
    return [driver.text_of(page, testid) for testid in SUMMARY]


def test_misformatted_amount_shows_euros_on_the_review_page_only(driver: ShopDriver) -> None:
    driver.to_review(cart={"trail-mug": 1})
    assert _totals(driver) == MUG_TOTALS

    driver.switch_fault("misformatted-amount")
    page = _review(driver)
    assert [driver.text_of(page, testid) for testid in SUMMARY] == [
        "€12.99",
        "€4.99",
        "€1.04",
        "€19.02",
    ]
    assert driver.text_of(page, "review-line-total") == "€12.99"
    assert "Standard — €4.99" in page
    assert not re.search(r"\$\d", page)  # every amount on the page, not just the totals
    # The other pages, the charge and the stored order are in dollars as ever.
    assert driver.text_of(driver.http.get("/cart").text, "cart-subtotal") == "$12.99"
    response = driver.place_order()
    assert response.status_code == 201
    number = response.json()["order_number"]
    assert driver.api(f"/api/orders/{number}").json()["total_cents"] == 1902
    confirmation = driver.http.get(f"/orders/{number}/confirmation").text
    assert driver.text_of(confirmation, "confirmation-total") == "$19.02"


def test_stale_session_totals_show_the_first_order_s_totals_on_the_next_review(
    driver: ShopDriver,
) -> None:
    driver.switch_fault("stale-session-totals")
    driver.to_review(cart={"trail-mug": 1})
    assert _totals(driver) == MUG_TOTALS
    assert driver.place_order().status_code == 201

    driver.to_review(cart={"camp-lantern": 1}, shipping="express")
    assert _totals(driver) == MUG_TOTALS  # the first order's, cached in the session
    # The healthy page computes them afresh (the same session, the same cart).
    driver.switch_fault(None)
    assert _totals(driver) == LANTERN_TOTALS
    driver.switch_fault("stale-session-totals")
    assert _totals(driver) == MUG_TOTALS

    # What is charged and stored is this order's.
    response = driver.place_order()
    assert response.status_code == 201
    number = response.json()["order_number"]
    assert driver.api(f"/api/orders/{number}").json()["total_cents"] == 5224
    (charge,) = driver.api(f"/api/charges?order={number}").json()["charges"]
    assert charge["amount_cents"] == 5224
    confirmation = driver.http.get(f"/orders/{number}/confirmation").text
    assert driver.text_of(confirmation, "confirmation-total") == "$52.24"


def test_generic_decline_message_hides_the_reason_on_the_page_only(driver: ShopDriver) -> None:
    alert = '<div role="alert" class="message message-alert">{}</div>'
    driver.to_review(card=driver.INSUFFICIENT)
    driver.switch_fault("generic-decline-message")
    response = driver.place_order()
    # The order API still tells the provider's reason...
    assert (response.status_code, response.json()) == (
        402,
        {"error": {"code": "insufficient_funds", "message": "Your card has insufficient funds."}},
    )
    # ...but the page review.js sends the shopper to does not.
    page = driver.http.get("/checkout/payment?error=insufficient_funds").text
    assert alert.format("Your payment could not be processed.") in page
    assert "insufficient funds" not in page
    declined = driver.http.get("/checkout/payment?error=card_declined").text
    assert alert.format("Your payment could not be processed.") in declined

    driver.switch_fault(None)
    page = driver.http.get("/checkout/payment?error=insufficient_funds").text
    assert alert.format("Your card has insufficient funds.") in page
