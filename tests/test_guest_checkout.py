"""Guest checkout: the path most shoppers take."""

from __future__ import annotations

import pytest

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from checkout_probe.shop.pricing import CartItem
from flows.journeys import checkout_as_guest

pytestmark = [pytest.mark.payment]


def test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    items = [CartItem("Trail Mug", 2), CartItem("Merino Socks", 1)]

    confirmation = checkout_as_guest(journey, shopper, card, items, orders=orders)

    # Worked out by hand, not by the harness's pricing model: 2 × $12.99 + $17.95 = $43.93;
    # 8 % tax = $3.5144 → $3.51; standard shipping $4.99.
    stored = orders.get(confirmation.order_number)
    assert stored is not None
    assert (stored.totals.subtotal, stored.totals.shipping, stored.totals.tax) == (4393, 499, 351)
    assert stored.totals.total == confirmation.totals.total == 5243


@pytest.mark.smoke
def test_guest_checkout_of_a_generated_cart_is_priced_shown_stored_and_charged_as_expected(
    journey: Journey,
    shopper: Shopper,
    card: TestCard,
    orders: OrderAdapter,
    cart_items: tuple[CartItem, ...],
) -> None:
    # The journey compares the review page, the confirmation and the stored order,
    # each on its own, with the price the catalogue, tax and shipping rules give
    # this cart, and reconciles the charge; here: what the shopper bought is stored.
    confirmation = checkout_as_guest(journey, shopper, card, cart_items, orders=orders)

    # Its status (paid), its charge and card are the engine's "stored orders" step.
    stored = orders.get(confirmation.order_number)
    assert stored is not None, f"order {confirmation.order_number} is not stored"
    assert [(i.name, i.quantity) for i in stored.items] == [
        (i.name, i.quantity) for i in cart_items
    ]


def test_guest_checkout_with_express_shipping_charges_express_rate(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    confirmation = checkout_as_guest(
        journey, shopper, card, [CartItem("Camp Lantern", 1)], shipping="Express", orders=orders
    )

    # $34.49 + $14.99 express + 8 % of $34.49 = $2.7592 → $2.76.
    assert confirmation.totals.shipping == 1499
    assert confirmation.totals.total == 3449 + 1499 + 276
