"""The stored order read back after a checkout: this shopper's, as they were shown it.

Its status, the charge behind it (once, for its total, on the shopper's card) and any
other order of this shopper are the engine's ``stored orders`` step, after the journey.
"""

from __future__ import annotations

from typing import NoReturn

from checkout_probe.checkout.journey import Journey
from checkout_probe.checks.readback import check_order, stored_view
from checkout_probe.diagnosis import DataMismatch
from checkout_probe.shop.data import Shopper
from checkout_probe.shop.orders import OrderAdapter, StoredOrder
from flows.order_shown import OrderConfirmation


def verify_stored_order(
    journey: Journey, orders: OrderAdapter, confirmation: OrderConfirmation, shopper: Shopper
) -> None:
    """Check that the shop stored, for this shopper, the order they were shown.

    The number shown must be one of this shopper's stored orders (else cleanup would
    cancel another shopper's); the stored order is compared line by line with the
    expectation, and with the shopper.
    """
    number = confirmation.order_number
    with journey.step("verify stored order", f"verify stored order {number}"):
        mine = [o.number for o in orders.find_by_email(shopper.email)]
        stored = orders.get(number)
        if number not in mine:
            _not_this_shoppers_order(journey, number, mine, stored, shopper)
        if stored is None:
            raise DataMismatch(f"order {number} is listed for {shopper.email} but not readable")
        if confirmation.expected is not None:
            check_order(confirmation.expected, shopper, stored_view(stored), number)
        elif stored.totals != confirmation.totals:
            raise DataMismatch(
                f"stored order {number} has {stored.totals}, "
                f"the shopper was shown {confirmation.totals}"
            )


def _not_this_shoppers_order(
    journey: Journey,
    number: str,
    mine: list[str],
    stored: StoredOrder | None,
    shopper: Shopper,
) -> NoReturn:
    if stored is not None:
        # Another shopper's order: cleanup must cancel this shopper's, never that one.
        journey.forget("order", number)
    for own in mine:
        journey.remember("order", own)
    if not mine:
        raise DataMismatch(f"order {number} was confirmed to the shopper but is not stored")
    whose = f"belongs to {stored.email}" if stored is not None else "is not stored at all"
    raise DataMismatch(
        f"confirmation: order number is {number}, but the order stored for {shopper.email} "
        f"is {', '.join(mine)} ({number} {whose})"
    )
