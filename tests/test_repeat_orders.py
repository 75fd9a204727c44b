"""A shopper who orders again in the same session: each order starts from an empty cart and
is priced on its own (no total, cart or order number carried over from the first)."""

from __future__ import annotations

import pytest

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from checkout_probe.shop.pricing import CartItem
from flows.journeys import check_cart_empty, checkout_as_guest

pytestmark = [pytest.mark.payment]


def test_guest_ordering_twice_in_one_session_starts_from_an_empty_cart_and_pays_the_second_total(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    first = checkout_as_guest(journey, shopper, card, [CartItem("Trail Mug", 2)], orders=orders)
    check_cart_empty(journey, first.order_number)

    # Another cart, another shipping method: a total carried over from the first order
    # differs in every field, and the review page is compared with this cart's own price.
    second = checkout_as_guest(
        journey, shopper, card, [CartItem("Rain Shell", 1)], shipping="Express", orders=orders
    )

    assert second.order_number != first.order_number
    assert second.totals.total == 12999 + 1499 + 1040  # 8 % of $129.99 = $10.3992 → $10.40
