"""Checkout by a shopper with an account."""

from __future__ import annotations

import pytest

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from flows.journeys import CartItem, checkout_as_registered_user

pytestmark = [pytest.mark.account, pytest.mark.payment]


@pytest.mark.smoke
def test_registered_shopper_checkout_is_prefilled_and_creates_their_order(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    confirmation = checkout_as_registered_user(
        journey, shopper, card, [CartItem("Water Bottle", 1)], orders=orders
    )

    stored = orders.find_by_email(shopper.email)
    assert [o.number for o in stored] == [confirmation.order_number]
    # $21.37 + $4.99 + 8 % of $21.37 = $1.7096 → $1.71.
    assert stored[0].totals.total == 2137 + 499 + 171
