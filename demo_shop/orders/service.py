"""Placing an order: one transaction on the order-service database around the charge."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from demo_shop.db import Database
from demo_shop.errors import first_line
from demo_shop.gateway.client import CardError, GatewayClient, GatewayUnavailableError
from demo_shop.models import Order, OrderItem
from demo_shop.orders.pricing import PricedLine, Totals, compute_totals
from demo_shop.orders.store import PAID, PENDING, new_order_number, order_to_json
from demo_shop.storefront.products import decrement_stock, out_of_stock, priced_lines

log = logging.getLogger(__name__)

PROCESSING_ERROR = "Payment Processing Error"


class OrderFailedError(Exception):
    """Placing the order failed; ``status`` and ``payload`` form the HTTP answer."""

    def __init__(self, status: int, payload: dict[str, Any]) -> None:
        super().__init__(str(payload))
        self.status = status
        self.payload = payload


def processing_error(status: int, detail: str) -> OrderFailedError:
    """The shopper-facing "Payment Processing Error" with a technical ``detail``."""
    return OrderFailedError(status, {"error": PROCESSING_ERROR, "detail": detail})


@dataclass(frozen=True)
class CheckoutData:
    """What the session knows at the moment "Place order" is pressed."""

    cart: dict[str, int]
    contact: dict[str, str]
    shipping_method: str
    card_token: str
    card_brand: str
    card_last4: str
    synthetic_run: str | None


@dataclass(frozen=True)
class OrderOptions:
    """Fault-driven variations of the normal behaviour."""

    # price-mismatch: shipping is charged and stored twice.
    double_shipping: bool = False
    # confirmation-without-order: charge, then roll the order back.
    keep_order: bool = True
    # tax-rounding: tax truncated to whole cents instead of rounded half up.
    truncate_tax: bool = False
    # double-charge: the card is charged twice for one order.
    double_charge: bool = False
    # wrong-stored-quantity: the first stored line's quantity is one too many.
    wrong_stored_quantity: bool = False
    # order-left-pending: the charged order is never marked paid.
    leave_pending: bool = False
    # charge-first-card: the payment client charges the first card it ever charged.
    charge_first_card: bool = False


def _price(catalog: Database, checkout: CheckoutData) -> list[PricedLine]:
    try:
        lines = priced_lines(catalog, checkout.cart)
        short = out_of_stock(catalog, lines)
    except SQLAlchemyError as exc:
        raise processing_error(500, f"could not read catalog: {first_line(exc)}") from exc
    if not lines:
        raise OrderFailedError(400, {"error": "Your cart is empty."})
    if short:
        raise OrderFailedError(409, {"error": "Out of stock", "detail": ", ".join(short)})
    return lines


def _charge(
    gateway: GatewayClient,
    checkout: CheckoutData,
    number: str,
    amount: int,
    options: OrderOptions,
) -> str:
    """Charge the session's card for order ``number``; the charge id, or OrderFailedError."""
    try:
        return gateway.charge(
            checkout.card_token,
            amount,
            order_number=number,
            email=checkout.contact["email"],
            charge_first_card=options.charge_first_card,
        )
    except CardError as exc:
        raise OrderFailedError(402, {"error": {"code": exc.code, "message": exc.message}}) from exc
    except GatewayUnavailableError as exc:
        raise processing_error(502, f"payment provider unavailable: {exc}") from exc


def _stored_items(lines: list[PricedLine], wrong_quantity: bool) -> list[OrderItem]:
    items = [
        OrderItem(
            slug=line.slug,
            name=line.name,
            unit_price_cents=line.unit_price_cents,
            quantity=line.quantity,
            line_total_cents=line.line_total_cents,
        )
        for line in lines
    ]
    if wrong_quantity and items:
        # wrong-stored-quantity: an off-by-one in the mapping; the line total stays as charged.
        items[0].quantity += 1
    return items


def _build_order(
    number: str,
    checkout: CheckoutData,
    lines: list[PricedLine],
    totals: Totals,
    charge_id: str,
    options: OrderOptions,
) -> Order:
    contact = checkout.contact
    return Order(
        number=number,
        email=contact["email"],
        full_name=contact["full_name"],
        address=contact["address"],
        city=contact["city"],
        postal_code=contact["postal_code"],
        country=contact["country"],
        phone=contact["phone"],
        shipping_method=checkout.shipping_method,
        subtotal_cents=totals.subtotal_cents,
        shipping_cents=totals.shipping_cents,
        tax_cents=totals.tax_cents,
        total_cents=totals.total_cents,
        # Created pending; place_order marks it paid once the charge has gone through.
        status=PENDING,
        card_brand=checkout.card_brand,
        card_last4=checkout.card_last4,
        charge_id=charge_id,
        synthetic_run=checkout.synthetic_run,
        created_at=datetime.now(UTC),
        items=_stored_items(lines, options.wrong_stored_quantity),
    )


def place_order(
    orders: Database,
    catalog: Database,
    gateway: GatewayClient,
    checkout: CheckoutData,
    options: OrderOptions,
) -> dict[str, Any]:
    """Charge the card and store the order; returns the order JSON.

    Raises :class:`OrderFailedError`. The order database is connected to first, so
    an unreachable database fails before the shopper's card is charged.
    """
    try:
        session = orders.session()
    except SQLAlchemyError as exc:
        raise processing_error(500, f"could not connect to database: {first_line(exc)}") from exc
    try:
        session.connection()
    except SQLAlchemyError as exc:
        session.close()
        raise processing_error(500, f"could not connect to database: {first_line(exc)}") from exc
    with session:
        lines = _price(catalog, checkout)
        totals = compute_totals(lines, checkout.shipping_method, truncate_tax=options.truncate_tax)
        if options.double_shipping:
            totals = replace(totals, shipping_cents=totals.shipping_cents * 2)
        try:
            number = new_order_number(session)
        except SQLAlchemyError as exc:
            raise processing_error(
                500, f"could not connect to database: {first_line(exc)}"
            ) from exc
        charge_id = _charge(gateway, checkout, number, totals.total_cents, options)
        if options.double_charge:
            # double-charge: a "retry" that fires although the first charge succeeded.
            second_id = _charge(gateway, checkout, number, totals.total_cents, options)
            log.info("order %s charged twice (%s, %s)", number, charge_id, second_id)
        order = _build_order(number, checkout, lines, totals, charge_id, options)
        if not options.leave_pending:
            # The charge went through: the order is paid. order-left-pending skips
            # this step, so the order stays as it was created.
            order.status = PAID
        session.add(order)
        try:
            session.flush()
            result = order_to_json(order)
            if options.keep_order:
                session.commit()
            else:
                session.rollback()
        except SQLAlchemyError as exc:
            # The charge went through but the order is lost: log it for reconciliation.
            log.error("order %s charged (%s) but not saved: %s", number, charge_id, first_line(exc))
            raise processing_error(500, f"could not save order: {first_line(exc)}") from exc
    if options.keep_order:
        _after_commit(catalog, lines, number)
    return result


def _after_commit(catalog: Database, lines: list[PricedLine], number: str) -> None:
    # Stock lives in the storefront database, so it is updated after the order
    # commits; a failure here must not turn a paid order into an error.
    try:
        decrement_stock(catalog, lines)
    except SQLAlchemyError as exc:
        log.error("order %s: stock not decremented: %s", number, first_line(exc))
