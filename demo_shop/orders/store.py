"""Order-service queries and the order JSON shape."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from demo_shop.db import Database
from demo_shop.models import Order

ORDER_NUMBER_PREFIX = "CP-"


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
