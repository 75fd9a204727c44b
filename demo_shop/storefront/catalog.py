"""Catalog pages: the product list and product detail pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from demo_shop.context import catalog_db
from demo_shop.storefront.products import get_product, list_products

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index() -> str:
    """The product list."""
    return render_template("catalog.html", products=list_products(catalog_db()))


@bp.get("/products/<slug>")
def product(slug: str) -> str:
    """One product with its add-to-cart form; 404 for an unknown slug."""
    item = get_product(catalog_db(), slug)
    if item is None:
        abort(404)
    return render_template("product.html", product=item)
