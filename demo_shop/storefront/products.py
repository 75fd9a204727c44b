"""Catalog queries on the storefront database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select, update

from demo_shop.db import Database
from demo_shop.models import Product
from demo_shop.orders.pricing import PricedLine


def list_products(db: Database) -> list[Product]:
    """All products in catalog order."""
    with db.session() as session:
        return list(session.scalars(select(Product).order_by(Product.id)))


def get_product(db: Database, slug: str) -> Product | None:
    """The product with ``slug``, or ``None``."""
    with db.session() as session:
        return session.scalars(select(Product).where(Product.slug == slug)).first()


def products_by_slug(db: Database, slugs: Iterable[str]) -> dict[str, Product]:
    """``{slug: product}`` for the slugs that exist."""
    wanted = list(slugs)
    if not wanted:
        return {}
    with db.session() as session:
        found = session.scalars(select(Product).where(Product.slug.in_(wanted)))
        return {product.slug: product for product in found}


def priced_lines(db: Database, cart: Mapping[str, int]) -> list[PricedLine]:
    """The cart at current prices, in catalog order; slugs no longer sold are dropped."""
    products = products_by_slug(db, cart)
    # The session serialises dicts with sorted keys, so insertion order is lost anyway.
    ordered = sorted((slug for slug in cart if slug in products), key=lambda s: products[s].id)
    return [
        PricedLine(slug, products[slug].name, products[slug].price_cents, cart[slug])
        for slug in ordered
    ]


def out_of_stock(db: Database, lines: Iterable[PricedLine]) -> list[str]:
    """Names of lines that ask for more than is in stock."""
    line_list = list(lines)
    products = products_by_slug(db, (line.slug for line in line_list))
    return [
        line.name
        for line in line_list
        if line.slug not in products or products[line.slug].stock < line.quantity
    ]


def decrement_stock(db: Database, lines: Iterable[PricedLine]) -> None:
    """Take the ordered quantities out of stock, in one transaction."""
    with db.session() as session, session.begin():
        for line in lines:
            session.execute(
                update(Product)
                .where(Product.slug == line.slug)
                .values(stock=Product.stock - line.quantity)
            )


def restock(db: Database, quantities: Iterable[tuple[str, int]]) -> None:
    """Put ``(slug, quantity)`` pairs back into stock (a cancelled order), in one transaction."""
    with db.session() as session, session.begin():
        for slug, quantity in quantities:
            session.execute(
                update(Product).where(Product.slug == slug).values(stock=Product.stock + quantity)
            )
