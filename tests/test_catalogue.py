"""Every product of the catalogue is bought at least once per run: coverage that does not
depend on which carts the seed happens to generate (the catalog listing itself is compared
with the catalogue in every checkout's first step)."""

from __future__ import annotations

import pytest

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from checkout_probe.shop.pricing import CartItem
from flows.journeys import checkout_as_guest
from flows.shop import PRICING

pytestmark = [pytest.mark.payment]


def test_every_catalogue_product_can_be_bought_in_one_order_priced_as_the_catalogue_says(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    items = [CartItem(name, 1) for name in PRICING.prices]

    confirmation = checkout_as_guest(journey, shopper, card, items, orders=orders)

    stored = orders.get(confirmation.order_number)
    assert stored is not None
    assert sorted(i.name for i in stored.items) == sorted(PRICING.prices)
