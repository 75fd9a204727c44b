"""Checkout by a shopper with an account."""

from __future__ import annotations

import pytest

from checkout_probe.data import Shopper, TestCard
from checkout_probe.journey import Journey
from flows.journeys import CartItem, checkout_as_registered_user
from flows.shop_api import OrderApi

pytestmark = [pytest.mark.account, pytest.mark.payment]


@pytest.mark.smoke
def test_registered_shopper_checkout_is_prefilled_and_creates_their_order(
    journey: Journey, shopper: Shopper, card: TestCard, order_api: OrderApi
) -> None:
    confirmation = checkout_as_registered_user(
        journey, shopper, card, [CartItem("Water Bottle", 1)], orders=order_api
    )

    orders = order_api.find_by_email(shopper.email)
    assert [o.number for o in orders] == [confirmation.order_number]
    assert orders[0].totals.total == 2100 + 499 + 168
