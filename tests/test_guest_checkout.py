"""Guest checkout: the path most shoppers take."""

from __future__ import annotations

import pytest

from checkout_probe.data import Shopper, TestCard
from checkout_probe.journey import Journey
from checkout_probe.orders import OrderAdapter
from flows.journeys import CartItem, checkout_as_guest

pytestmark = [pytest.mark.payment]


@pytest.mark.smoke
def test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    items = [CartItem("Trail Mug", 2), CartItem("Merino Socks", 1)]

    confirmation = checkout_as_guest(journey, shopper, card, items, orders=orders)

    stored = orders.get(confirmation.order_number)
    assert stored is not None, f"order {confirmation.order_number} is not stored"
    assert stored.status == "paid"
    assert [(i.name, i.quantity) for i in stored.items] == [("Trail Mug", 2), ("Merino Socks", 1)]
    # 2 × $12.00 + $18.00, standard shipping $4.99, 8 % tax on the items.
    assert (stored.totals.subtotal, stored.totals.shipping, stored.totals.tax) == (4200, 499, 336)
    assert stored.totals.total == confirmation.totals.total == 5035


def test_guest_checkout_with_express_shipping_charges_express_rate(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    confirmation = checkout_as_guest(
        journey, shopper, card, [CartItem("Camp Lantern", 1)], shipping="Express", orders=orders
    )

    assert confirmation.totals.shipping == 1499
    assert confirmation.totals.total == 3450 + 1499 + 276
