"""JSON the storefront's own front end reads: the provider's public config, shipping options.

``GET /api/checkout-config`` is what real shops publish for their pages' scripts (where
the payment provider is, the currency); it needs no token and gives away no secret.
``GET /api/shipping-options`` feeds the shipping step when it renders on the client
(fault rerender-while-saving); it needs the session's cart and contact details.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify

from demo_shop.context import get_shop
from demo_shop.orders.pricing import (
    CURRENCY,
    DEFAULT_SHIPPING_METHOD,
    SHIPPING_METHODS,
)
from demo_shop.storefront import locales, state

bp = Blueprint("frontend_api", __name__, url_prefix="/api")


def _origin(url: str) -> str:
    """``scheme://host:port`` of ``url``: an origin, whatever path the URL has."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@bp.get("/checkout-config")
def checkout_config() -> Response:
    """The payment provider's origin and the currency, for the checkout's scripts."""
    return jsonify(
        {"payment_provider_origin": _origin(get_shop().gateway.base_url), "currency": CURRENCY}
    )


@bp.get("/shipping-options")
def shipping_options() -> tuple[Response, int]:
    """The shipping methods with their prices (written in the page's locale, as the page's
    other amounts), and the one chosen (400 before the address)."""
    if not state.get_cart() or state.get_contact() is None:
        return jsonify({"error": "Checkout is incomplete."}), 400
    methods = [
        {
            "code": method.code,
            "label": method.label,
            "price_cents": method.price_cents,
            "price": locales.price(method.price_cents),
        }
        for method in SHIPPING_METHODS.values()
    ]
    selected = state.get_shipping_method() or DEFAULT_SHIPPING_METHOD
    return jsonify({"methods": methods, "selected": selected}), 200
