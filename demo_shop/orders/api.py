"""The order service's HTTP API.

``POST /api/orders`` is called by review.js with the shopper's session cookie.
``GET /api/orders/<number>``, ``GET /api/orders?email=`` and ``DELETE /api/orders/<number>``
need the API token (or a session from ``POST /api/session``) and always use the real
databases (they are the back-office view, so a test can check what was actually stored,
and clean up after itself, even while a fault breaks the checkout path).
``GET /api/charges?order=|email=`` (same token) asks the payment gateway, server to
server, what it charged.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from demo_shop import faults as fault_names
from demo_shop import tracing
from demo_shop.api_access import api_authorized
from demo_shop.auth import unauthorized
from demo_shop.context import catalog_db, fault_hits, get_shop, order_db
from demo_shop.db import Database
from demo_shop.errors import first_line
from demo_shop.gateway.client import GatewayUnavailableError
from demo_shop.orders.cancel import cancel_order
from demo_shop.orders.service import CheckoutData, OrderFailedError, OrderOptions, place_order
from demo_shop.orders.store import get_order, orders_for_email
from demo_shop.storefront import state
from demo_shop.storefront.users import remember_address
from demo_shop.synthetic import synthetic_run

log = logging.getLogger(__name__)

bp = Blueprint("orders_api", __name__)


def _checkout_from_session() -> CheckoutData | None:
    cart, contact = state.get_cart(), state.get_contact()
    method, payment = state.get_shipping_method(), state.get_payment()
    if not cart or contact is None or method is None or payment is None:
        return None
    return CheckoutData(
        cart=cart,
        contact=contact,
        shipping_method=method,
        card_token=payment.token,
        card_brand=payment.brand,
        card_last4=payment.last4,
        synthetic_run=synthetic_run(),
    )


@bp.post("/api/orders")
def create_order() -> tuple[Response, int]:
    """Place the session's order: 201, 402 (card refused), 500/502 (processing error)."""
    # Every attempt counts, whatever becomes of it (fault intermittent-orders).
    attempt = get_shop().placements.next()
    if fault_hits(fault_names.SLOW_ORDER_ENDPOINT):
        # Deliberately injected latency (fault slow-order-endpoint).
        time.sleep(get_shop().faults.snapshot().delay)
    checkout = _checkout_from_session()
    if checkout is None:
        return jsonify({"error": "Checkout is incomplete."}), 400
    options = _order_options()
    # error-with-200: the order database is unreachable and the error answer
    # forgets its status code, so a failure goes out as 200.
    error_with_200 = fault_hits(fault_names.ERROR_WITH_200)
    orders = get_shop().broken_orders if error_with_200 else _placement_db(attempt)
    try:
        with tracing.span("order service: place order"):
            order = place_order(orders, catalog_db(), get_shop().gateway, checkout, options)
    except OrderFailedError as exc:
        log.warning("order failed (%s): %s", exc.status, exc.payload)
        return jsonify(exc.payload), 200 if error_with_200 else exc.status
    number = str(order["number"])
    # cart-kept-after-order: the cart is left out of what is cleared after an order.
    state.clear_checkout(keep_cart=fault_hits(fault_names.CART_KEPT_AFTER_ORDER))
    # Without a stored order the confirmation page can only render from the session.
    state.remember_order(number, snapshot=None if options.keep_order else order)
    user = state.get_user()
    if user is not None and options.keep_order:
        try:
            remember_address(catalog_db(), user.id, checkout.contact)
        except SQLAlchemyError as exc:
            log.error("could not remember address for user %s: %s", user.id, first_line(exc))
    log.info("order %s placed, total %s cents", number, order["total_cents"])
    return jsonify(
        {"order_number": number, "confirmation_url": f"/orders/{number}/confirmation"}
    ), 201


def _placement_db(attempt: int) -> Database:
    """The order database for placement number ``attempt`` of this shop.

    intermittent-orders: placements take turns over a pool of round(1 / rate)
    connections, one of which has the bad connection string, so every N-th
    placement fails exactly as bad-db-connection-string does, for any session.
    """
    if get_shop().faults.snapshot().hits_nth(fault_names.INTERMITTENT_ORDERS, attempt):
        return get_shop().broken_orders
    return order_db()


def _order_options() -> OrderOptions:
    """This session's fault-driven variations of placing an order."""
    return OrderOptions(
        double_shipping=fault_hits(fault_names.PRICE_MISMATCH),
        keep_order=not fault_hits(fault_names.CONFIRMATION_WITHOUT_ORDER),
        truncate_tax=fault_hits(fault_names.TAX_ROUNDING),
        double_charge=fault_hits(fault_names.DOUBLE_CHARGE),
        wrong_stored_quantity=fault_hits(fault_names.WRONG_STORED_QUANTITY),
        leave_pending=fault_hits(fault_names.ORDER_LEFT_PENDING),
        charge_first_card=fault_hits(fault_names.CHARGE_FIRST_CARD),
    )


@bp.get("/api/orders/<number>")
def read_order(number: str) -> tuple[Response, int]:
    """One order by number (API token required)."""
    if not api_authorized():
        return unauthorized()
    order = get_order(get_shop().orders, number)
    if order is None:
        return jsonify({"error": "order not found"}), 404
    return jsonify(order), 200


@bp.delete("/api/orders/<number>")
def delete_order(number: str) -> tuple[Response, int]:
    """Cancel an order and restock it (API token required; repeating it is harmless)."""
    shop = get_shop()
    if not api_authorized():
        return unauthorized()
    # The real engines, not order_db()/catalog_db(): cleanup must not hit database
    # faults. noop-cancel is a bug in the cancel itself: its change is never committed.
    commit = not fault_hits(fault_names.NOOP_CANCEL)
    cancelled = cancel_order(shop.orders, shop.catalog, number, commit=commit)
    if cancelled is None:
        return jsonify({"error": "order not found"}), 404
    return jsonify(cancelled), 200


@bp.get("/api/orders")
def search_orders() -> tuple[Response, int]:
    """All orders for ``?email=`` (API token required)."""
    if not api_authorized():
        return unauthorized()
    email = request.args.get("email", "").strip()
    if not email:
        return jsonify({"error": "the email query parameter is required"}), 400
    return jsonify({"orders": orders_for_email(get_shop().orders, email)}), 200


@bp.get("/api/charges")
def search_charges() -> tuple[Response, int]:
    """The gateway's charge attempts for ``?order=`` and/or ``?email=``, oldest first.

    API token required; 502 when the gateway cannot be asked.
    """
    shop = get_shop()
    if not api_authorized():
        return unauthorized()
    order_number = request.args.get("order", "").strip() or None
    email = request.args.get("email", "").strip() or None
    if order_number is None and email is None:
        return jsonify({"error": "the order or email query parameter is required"}), 400
    try:
        charges = shop.gateway.charges(order_number=order_number, email=email)
    except GatewayUnavailableError as exc:
        log.warning("charge lookup failed: %s", exc)
        return jsonify({"error": "payment gateway unavailable", "detail": str(exc)}), 502
    return jsonify({"charges": [asdict(charge) for charge in charges]}), 200
