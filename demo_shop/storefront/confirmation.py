"""The order confirmation page, rendered from the stored order."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template

from demo_shop import faults as fault_names
from demo_shop.context import fault_hits, order_db
from demo_shop.orders.pricing import SHIPPING_METHODS
from demo_shop.orders.store import get_order, order_before
from demo_shop.storefront import state

bp = Blueprint("confirmation", __name__)

# Who the faulty pages show when no order was placed before this one.
NO_PREVIOUS_NUMBER = "CP-00000000"
NO_PREVIOUS_SHOPPER: dict[str, str] = {
    "full_name": "Jane Example",
    "email": "jane.example@example.com",
    "address": "1 Elsewhere Road",
    "city": "Othertown",
    "postal_code": "99999",
    "country": "US",
}
SHOPPER_FIELDS = tuple(NO_PREVIOUS_SHOPPER)


@bp.get("/orders/<number>/confirmation")
def confirmation(number: str) -> str:
    """Only the session that placed ``number`` may see it; 404 when the order is missing."""
    if not state.placed_this_session(number):
        abort(404)
    order = None
    if fault_hits(fault_names.CONFIRMATION_WITHOUT_ORDER):
        # The faulty path: trust the session instead of the database.
        order = state.confirmation_snapshot(number)
    if order is None:
        order = get_order(order_db(), number)
    if order is None:
        abort(404)
    method = SHIPPING_METHODS.get(str(order["shipping_method"]))
    return render_template(
        "checkout/confirmation.html",
        order=_with_faults(order),
        shipping_label=method.label if method is not None else order["shipping_method"],
    )


def _with_faults(order: dict[str, Any]) -> dict[str, Any]:
    """The order as the faulty page shows it: parts taken from the previous order.

    Both faults model a page that looks up "the latest order" instead of this one
    for part of what it shows.
    """
    other_shopper = fault_hits(fault_names.OTHER_SHOPPER_ON_CONFIRMATION)
    stale_number = fault_hits(fault_names.STALE_ORDER_NUMBER)
    if not (other_shopper or stale_number):
        return order
    previous = order_before(order_db(), str(order["number"]))
    shown = dict(order)
    if other_shopper:
        source = previous if previous is not None else NO_PREVIOUS_SHOPPER
        shown.update({field: source[field] for field in SHOPPER_FIELDS})
    if stale_number:
        shown["number"] = previous["number"] if previous is not None else NO_PREVIOUS_NUMBER
    return shown
