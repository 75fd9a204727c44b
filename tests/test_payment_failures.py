"""Cards the provider refuses: the shopper is told why and no order is created."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from playwright.sync_api import expect

from checkout_probe.checkout.journey import Journey
from checkout_probe.checks.payments import check_no_charge, lookup
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from flows.journeys import CartItem, enter_details, fill_cart, pay
from flows.pages import PaymentPage

pytestmark = [pytest.mark.payment, pytest.mark.negative]


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        pytest.param("declined", "Your card was declined.", id="declined"),
        pytest.param("insufficient_funds", "Your card has insufficient funds.",
                     id="insufficient-funds"),
    ],
)  # fmt: skip
def test_guest_checkout_with_refused_card_shows_reason_and_creates_no_order(
    journey: Journey,
    shopper: Shopper,
    cards: Mapping[str, TestCard],
    refused: str,
    message: str,
    orders: OrderAdapter,
) -> None:
    refused_card = cards[refused]
    cart = fill_cart(journey, [CartItem("Trail Mug", 1)])
    enter_details(journey, cart, shopper)
    review = pay(journey, refused_card)
    journey.before_charging("place order")

    with journey.step("place order", f"place order with a refused card (…{refused_card.last4})"):
        review.page.place_order()
        payment = PaymentPage(journey.page)
        expect(payment.heading, "the shopper is sent back to the payment step").to_be_visible()
        expect(payment.error, "the provider's reason is shown").to_have_text(message)

    assert orders.find_by_email(shopper.email) == [], "a refused payment created an order"
    charges = lookup(orders)
    if charges is not None:  # and it took no money
        check_no_charge(charges.charges(email=shopper.email), shopper.email)
