"""The order confirmation page, rendered from the stored order."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from demo_shop import faults as fault_names
from demo_shop.context import fault_hits, order_db
from demo_shop.orders.pricing import SHIPPING_METHODS
from demo_shop.orders.store import get_order
from demo_shop.storefront import state

bp = Blueprint("confirmation", __name__)


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
        order=order,
        shipping_label=method.label if method is not None else order["shipping_method"],
    )
