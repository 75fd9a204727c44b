"""The cart: add (HTML form or JSON for cart.js), update, remove, and the cart page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from demo_shop.context import catalog_db
from demo_shop.orders.pricing import subtotal_cents
from demo_shop.storefront.products import get_product, priced_lines
from demo_shop.storefront.state import cart_count, get_cart, set_cart

bp = Blueprint("cart", __name__)

MAX_QUANTITY = 999


def wants_json() -> bool:
    """Whether the client asked for JSON over HTML (cart.js sends Accept: application/json)."""
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def parse_quantity(raw: str | None, minimum: int) -> int | None:
    """The quantity as an int within [minimum, MAX_QUANTITY], else ``None``."""
    try:
        quantity = int((raw or "").strip())
    except ValueError:
        return None
    return quantity if minimum <= quantity <= MAX_QUANTITY else None


def _add_failed(message: str, status: int, slug: str) -> BaseResponse | tuple[Response, int]:
    if wants_json():
        return jsonify({"error": message, "count": cart_count()}), status
    flash(message, "alert")
    return redirect(f"/products/{slug}")


@bp.get("/cart")
def view_cart() -> str:
    """The cart page."""
    lines = priced_lines(catalog_db(), get_cart())
    return render_template("cart.html", lines=lines, subtotal_cents=subtotal_cents(lines))


@bp.post("/cart/add")
def add() -> BaseResponse | tuple[Response, int]:
    """Add a quantity of a product; JSON for cart.js, else redirect back with a message."""
    slug = request.form.get("slug", "")
    product = get_product(catalog_db(), slug)
    if product is None:
        if wants_json():
            return jsonify({"error": "This product does not exist."}), 404
        abort(404)
    quantity = parse_quantity(request.form.get("quantity", "1"), minimum=1)
    if quantity is None:
        return _add_failed(f"Enter a quantity between 1 and {MAX_QUANTITY}.", 400, slug)
    cart = get_cart()
    if cart.get(slug, 0) + quantity > MAX_QUANTITY:
        return _add_failed(f"You can have at most {MAX_QUANTITY} of an item.", 400, slug)
    cart[slug] = cart.get(slug, 0) + quantity
    set_cart(cart)
    message = f"Added {quantity} × {product.name} to your cart."
    if wants_json():
        return jsonify({"count": cart_count(), "message": message}), 200
    flash(message, "status")
    return redirect(f"/products/{slug}")


@bp.post("/cart/update")
def update() -> BaseResponse:
    """Set a line's quantity; 0 removes it."""
    slug = request.form.get("slug", "")
    cart = get_cart()
    if slug not in cart:
        flash("That item is not in your cart.", "alert")
        return redirect("/cart")
    quantity = parse_quantity(request.form.get("quantity"), minimum=0)
    if quantity is None:
        flash(f"Enter a quantity between 0 and {MAX_QUANTITY}.", "alert")
        return redirect("/cart")
    name = _product_name(slug)
    if quantity == 0:
        del cart[slug]
        flash(f"Removed {name} from your cart.", "status")
    else:
        cart[slug] = quantity
        flash(f"Updated {name} quantity to {quantity}.", "status")
    set_cart(cart)
    return redirect("/cart")


@bp.post("/cart/remove")
def remove() -> BaseResponse:
    """Remove a line from the cart."""
    slug = request.form.get("slug", "")
    cart = get_cart()
    if cart.pop(slug, None) is not None:
        set_cart(cart)
        flash(f"Removed {_product_name(slug)} from your cart.", "status")
    return redirect("/cart")


def _product_name(slug: str) -> str:
    product = get_product(catalog_db(), slug)
    return product.name if product is not None else slug
