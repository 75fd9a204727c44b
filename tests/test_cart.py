"""Cart arithmetic: quantities, removal, and totals that match the stored order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from flows.journeys import (
    CartItem,
    enter_details,
    fill_cart,
    pay,
    place_order,
    verify_stored_order,
)
from flows.pages import SiteHeader


@pytest.mark.smoke
def test_shopper_changing_quantities_and_removing_items_pays_the_cart_subtotal(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    cart = fill_cart(
        journey,
        [CartItem("Trail Mug", 1), CartItem("Camp Lantern", 1), CartItem("Water Bottle", 2)],
    )

    with journey.step("review cart", "set 3 × 'Trail Mug', remove 'Camp Lantern'"):
        cart.set_quantity("Trail Mug", 3)
        money = journey.money
        assert money is not None
        expect(cart.line_total("Trail Mug")).to_have_text(money.write(3897))
        journey.wait_until_ready()  # the cart page came again: its scripts take over anew
        cart.remove("Camp Lantern")
        expect(cart.line("Camp Lantern")).to_have_count(0)
        expect(cart.line_total("Water Bottle")).to_have_text(money.write(4274))
        expect(cart.subtotal, "3 × $12.99 + 2 × $21.37").to_have_text(money.write(8171))
        journey.wait_until_ready()
        subtotal = cart.subtotal_cents(money, 8171)

    enter_details(journey, cart, shopper)
    expected = journey.expect_order(
        [CartItem("Trail Mug", 3), CartItem("Water Bottle", 2)], "Standard"
    )
    confirmation = place_order(journey, pay(journey, card, expected, shopper))
    verify_stored_order(journey, orders, confirmation, shopper)

    stored = orders.get(confirmation.order_number)
    assert stored is not None
    assert stored.totals.subtotal == subtotal == 8171
    assert {(i.name, i.quantity) for i in stored.items} == {("Trail Mug", 3), ("Water Bottle", 2)}
    assert stored.totals.total == confirmation.totals.total


def test_setting_quantity_to_zero_empties_the_cart(journey: Journey) -> None:
    cart = fill_cart(journey, [CartItem("Rain Shell", 1)])

    with journey.step("review cart", "set 'Rain Shell' to 0"):
        cart.set_quantity("Rain Shell", 0)
        expect(cart.empty_message).to_be_visible()
        expect(SiteHeader(journey.page).cart_count).to_have_text("0")
