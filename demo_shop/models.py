"""Typed SQLAlchemy models.

The storefront and the order service own separate databases, so each has its own
declarative base (and metadata): creating one schema never touches the other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class StorefrontBase(DeclarativeBase):
    """Tables of the storefront database (catalog and accounts)."""


class OrderBase(DeclarativeBase):
    """Tables of the order-service database."""


class Product(StorefrontBase):
    """A catalog product; prices are integer cents."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(1000))
    price_cents: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer)


class User(StorefrontBase):
    """A shopper account; ``last_*`` hold the address of their latest order."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    last_address: Mapped[str | None] = mapped_column(String(200), default=None)
    last_city: Mapped[str | None] = mapped_column(String(100), default=None)
    last_postal_code: Mapped[str | None] = mapped_column(String(20), default=None)
    last_country: Mapped[str | None] = mapped_column(String(2), default=None)
    last_phone: Mapped[str | None] = mapped_column(String(40), default=None)
    # The harness run that registered this account (X-Synthetic-Run), for cleanup.
    synthetic_run: Mapped[str | None] = mapped_column(String(200), default=None)


class Order(OrderBase):
    """A placed order. Only the card's brand and last four digits are kept."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str] = mapped_column(String(40))
    shipping_method: Mapped[str] = mapped_column(String(20))
    subtotal_cents: Mapped[int] = mapped_column(Integer)
    shipping_cents: Mapped[int] = mapped_column(Integer)
    tax_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    card_brand: Mapped[str] = mapped_column(String(20))
    card_last4: Mapped[str] = mapped_column(String(4))
    charge_id: Mapped[str] = mapped_column(String(64))
    synthetic_run: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id"
    )


class OrderItem(OrderBase):
    """One product line of an order, with the price it was sold at."""

    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total_cents: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="items")
