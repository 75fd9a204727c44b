"""Guest checkout of the oscar shop: the path the probe runs, and what the dashboard stored."""

from __future__ import annotations

import pytest

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from checkout_probe.shop.pricing import CartItem
from flows.journeys import checkout_as_guest


@pytest.mark.smoke
def test_guest_checkout_places_an_order_the_dashboard_shows_as_placed(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    confirmation = checkout_as_guest(journey, shopper, card, orders=orders)

    stored = orders.get(confirmation.order_number)
    assert stored is not None and stored.status == "Pending"
    # £12.49 + £8.99, Standard shipping £4.99.
    assert [(i.name, i.quantity) for i in stored.items] == [
        ("The Lighthouse Keeper", 1),
        ("Winter Orchard", 1),
    ]
    assert (stored.totals.subtotal, stored.totals.shipping, stored.totals.total) == (
        2148,
        499,
        2647,
    )


@pytest.mark.shipping
def test_guest_buying_two_of_a_book_with_express_shipping_pays_the_express_rate(
    journey: Journey,
    shopper: Shopper,
    card: TestCard,
    basket: list[CartItem],
    orders: OrderAdapter,
) -> None:
    confirmation = checkout_as_guest(journey, shopper, card, basket, "Express", orders=orders)

    # 2 × £12.49 + £17.33, Express £14.99.
    assert confirmation.totals.basket == 2 * 1249 + 1733
    assert confirmation.totals.shipping == 1499
    assert confirmation.totals.total == 2 * 1249 + 1733 + 1499


@pytest.mark.shipping
def test_guest_checkout_of_a_generated_basket_is_priced_shown_and_stored_as_the_catalogue_says(
    journey: Journey,
    shopper: Shopper,
    card: TestCard,
    orders: OrderAdapter,
    cart_items: tuple[CartItem, ...],
) -> None:
    # The journey compares the preview, the confirmation and the dashboard's order,
    # each on its own, with the catalogue's prices and the shipping rate.
    confirmation = checkout_as_guest(journey, shopper, card, cart_items, orders=orders)

    stored = orders.get(confirmation.order_number)
    assert stored is not None
    assert [(i.name, i.quantity) for i in stored.items] == [
        (i.name, i.quantity) for i in cart_items
    ]
