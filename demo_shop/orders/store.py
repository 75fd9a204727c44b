"""Order-service queries and the order JSON shape."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session, selectinload

from demo_shop.db import Database
from demo_shop.models import Order

ORDER_NUMBER_PREFIX = "CP-"
# Order statuses: created pending, paid once charged, cancelled by the cleanup API.
PENDING = "pending"
PAID = "paid"
CANCELLED = "cancelled"


def new_order_number(session: Session) -> str:
    """A fresh ``CP-XXXXXXXX`` number (8 uppercase hex digits) not used yet."""
    while True:
        number = ORDER_NUMBER_PREFIX + secrets.token_hex(4).upper()
        taken = session.scalar(select(Order.id).where(Order.number == number))
        if taken is None:
            return number


def _iso(moment: datetime) -> str:
    # SQLite drops the zone; everything is stored in UTC.
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def order_to_json(order: Order) -> dict[str, Any]:
    """The token API's representation of an order (never the card number)."""
    return {
        "number": order.number,
        "email": order.email,
        "status": order.status,
        "full_name": order.full_name,
        "address": order.address,
        "city": order.city,
        "postal_code": order.postal_code,
        "country": order.country,
        "shipping_method": order.shipping_method,
        "subtotal_cents": order.subtotal_cents,
        "shipping_cents": order.shipping_cents,
        "tax_cents": order.tax_cents,
        "total_cents": order.total_cents,
        "card_brand": order.card_brand,
        "card_last4": order.card_last4,
        "synthetic_run": order.synthetic_run,
        "created_at": _iso(order.created_at),
        "items": [
            {
                "slug": item.slug,
                "name": item.name,
                "unit_price_cents": item.unit_price_cents,
                "quantity": item.quantity,
                "line_total_cents": item.line_total_cents,
            }
            for item in order.items
        ],
    }


def get_order(db: Database, number: str) -> dict[str, Any] | None:
    """The order ``number`` as JSON, or ``None``."""
    with db.session() as session:
        query = select(Order).options(selectinload(Order.items)).where(Order.number == number)
        order = session.scalars(query).first()
        return order_to_json(order) if order is not None else None


def order_before(db: Database, number: str) -> dict[str, Any] | None:
    """The order placed just before ``number`` (any shopper), or ``None``."""
    with db.session() as session:
        current = select(Order.id).where(Order.number == number).scalar_subquery()
        query = (
            select(Order)
            .options(selectinload(Order.items))
            .where(Order.id < current)
            .order_by(Order.id.desc())
            .limit(1)
        )
        order = session.scalars(query).first()
        return order_to_json(order) if order is not None else None


def orders_for_email(db: Database, email: str) -> list[dict[str, Any]]:
    """All orders placed with ``email`` (case-insensitive), newest first."""
    with db.session() as session:
        query = (
            select(Order)
            .options(selectinload(Order.items))
            .where(func.lower(Order.email) == email.strip().lower())
            .order_by(Order.created_at.desc(), Order.id.desc())
        )
        return [order_to_json(order) for order in session.scalars(query)]


def synthetic_orders(db: Database, run: str | None = None) -> list[dict[str, Any]]:
    """Orders placed by harness runs (only run ``run`` when given) not cancelled yet."""
    with db.session() as session:
        query = (
            select(Order)
            .where(Order.synthetic_run.is_not(None), Order.status != CANCELLED)
            .order_by(Order.created_at, Order.id)
        )
        if run is not None:
            query = query.where(Order.synthetic_run == run)
        return [
            {
                "number": order.number,
                "status": order.status,
                "email": order.email,
                "synthetic_run": order.synthetic_run,
            }
            for order in session.scalars(query)
        ]


@dataclass(frozen=True)
class Cancellation:
    """What one cancel request changed: the prior status and the stock to put back.

    ``quantities`` is empty when the order was already cancelled, so repeating a
    cancel never restocks twice.
    """

    previous_status: str
    quantities: tuple[tuple[str, int], ...]


def mark_cancelled(db: Database, number: str, *, commit: bool = True) -> Cancellation | None:
    """Set order ``number``'s status to cancelled; ``None`` when there is no such order.

    ``commit=False`` is fault noop-cancel: the change is made and then rolled back.
    """
    with db.session() as session:
        cancellation = _cancel_in(session, number)
        if commit:
            session.commit()
        else:
            # noop-cancel: the transaction is dropped instead of committed (a commit
            # lost in a refactor); the caller answers as if it had been.
            session.rollback()
        return cancellation


def _cancel_in(session: Session, number: str) -> Cancellation | None:
    query = select(Order).options(selectinload(Order.items)).where(Order.number == number)
    order = session.scalars(query).first()
    if order is None:
        return None
    if order.status == CANCELLED:
        return Cancellation(CANCELLED, ())
    previous = order.status
    # Conditional, so of two concurrent cancels only one sees a row change and
    # restocks; the other waits for the row and then matches nothing.
    result = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status != CANCELLED)
        .values(status=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", result).rowcount == 0:
        return Cancellation(CANCELLED, ())
    return Cancellation(previous, tuple((item.slug, item.quantity) for item in order.items))


def reopen(db: Database, number: str, status: str) -> None:
    """Undo :func:`mark_cancelled`: put a cancelled order back to ``status``."""
    with db.session() as session, session.begin():
        session.execute(
            update(Order)
            .where(Order.number == number, Order.status == CANCELLED)
            .values(status=status)
            .execution_options(synchronize_session=False)
        )
