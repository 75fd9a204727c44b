"""Typed access to what the storefront keeps in the signed-cookie session."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask import session

from demo_shop.orders.pricing import SHIPPING_METHODS, Totals

CART = "cart"
CONTACT = "contact"
SHIPPING = "shipping_method"
PAYMENT = "payment"
USER = "user"
PLACED_ORDERS = "placed_orders"
CONFIRMATION = "confirmation"
REVIEW_TOTALS = "review_totals"

CONTACT_FIELDS = ("email", "full_name", "address", "city", "postal_code", "country", "phone")
# Order numbers this session may view; older ones drop off to keep the cookie small.
MAX_PLACED_ORDERS = 20


@dataclass(frozen=True)
class SignedInUser:
    """The account signed in on this session (cached to avoid a DB hit per page)."""

    id: int
    email: str
    full_name: str


@dataclass(frozen=True)
class PaymentInfo:
    """The tokenised card chosen at the payment step."""

    token: str
    brand: str
    last4: str


def get_cart() -> dict[str, int]:
    """The cart as ``{slug: quantity}``, ignoring malformed entries."""
    raw = session.get(CART)
    if not isinstance(raw, dict):
        return {}
    return {str(slug): qty for slug, qty in raw.items() if isinstance(qty, int) and qty > 0}


def set_cart(cart: dict[str, int]) -> None:
    """Replace the cart (lines with quantity ≤ 0 are dropped)."""
    session[CART] = {slug: qty for slug, qty in cart.items() if qty > 0}


def cart_count() -> int:
    """Total quantity of items in the cart."""
    return sum(get_cart().values())


def get_contact() -> dict[str, str] | None:
    """The validated contact details, if the contact step is done."""
    raw = session.get(CONTACT)
    if not isinstance(raw, dict) or not all(isinstance(raw.get(f), str) for f in CONTACT_FIELDS):
        return None
    return {field: str(raw[field]) for field in CONTACT_FIELDS}


def set_contact(contact: dict[str, str]) -> None:
    """Store validated contact details."""
    session[CONTACT] = {field: contact.get(field, "") for field in CONTACT_FIELDS}


def get_shipping_method() -> str | None:
    """The chosen shipping method code, if the shipping step is done."""
    method = session.get(SHIPPING)
    return method if isinstance(method, str) and method in SHIPPING_METHODS else None


def set_shipping_method(method: str) -> None:
    """Store the chosen shipping method code."""
    session[SHIPPING] = method


def get_payment() -> PaymentInfo | None:
    """The tokenised card, if the payment step is done."""
    raw = session.get(PAYMENT)
    if not isinstance(raw, dict):
        return None
    try:
        return PaymentInfo(str(raw["token"]), str(raw["brand"]), str(raw["last4"]))
    except KeyError:
        return None


def set_payment(payment: PaymentInfo) -> None:
    """Store the tokenised card (token, brand and last four only)."""
    session[PAYMENT] = asdict(payment)


def clear_checkout(*, keep_cart: bool = False) -> None:
    """Forget the cart and all checkout steps (after an order is placed).

    ``keep_cart`` is fault cart-kept-after-order: the cart survives the order.
    """
    keys = (CONTACT, SHIPPING, PAYMENT) if keep_cart else (CART, CONTACT, SHIPPING, PAYMENT)
    for key in keys:
        session.pop(key, None)


def get_review_totals() -> Totals | None:
    """The review totals cached in this session (fault stale-session-totals), if any."""
    raw = session.get(REVIEW_TOTALS)
    if not isinstance(raw, dict):
        return None
    try:
        return Totals(int(raw["subtotal_cents"]), int(raw["shipping_cents"]), int(raw["tax_cents"]))
    except (KeyError, TypeError, ValueError):
        return None


def set_review_totals(totals: Totals) -> None:
    """Cache the review totals in this session (fault stale-session-totals)."""
    session[REVIEW_TOTALS] = asdict(totals)


def get_user() -> SignedInUser | None:
    """The signed-in account, if any."""
    raw = session.get(USER)
    if not isinstance(raw, dict):
        return None
    try:
        return SignedInUser(int(raw["id"]), str(raw["email"]), str(raw["full_name"]))
    except (KeyError, TypeError, ValueError):
        return None


def sign_in(user: SignedInUser) -> None:
    """Mark ``user`` as signed in on this session."""
    session[USER] = asdict(user)


def sign_out() -> None:
    """Sign out, keeping the cart."""
    session.pop(USER, None)


def remember_order(number: str, snapshot: dict[str, Any] | None = None) -> None:
    """Allow this session to view ``number``'s confirmation; keep ``snapshot`` if given."""
    placed = [n for n in session.get(PLACED_ORDERS, []) if isinstance(n, str) and n != number]
    session[PLACED_ORDERS] = [*placed, number][-MAX_PLACED_ORDERS:]
    if snapshot is not None:
        session[CONFIRMATION] = snapshot
    else:
        session.pop(CONFIRMATION, None)


def placed_this_session(number: str) -> bool:
    """Whether this session placed order ``number``."""
    placed = session.get(PLACED_ORDERS, [])
    return isinstance(placed, list) and number in placed


def confirmation_snapshot(number: str) -> dict[str, Any] | None:
    """The order data kept in the session for ``number`` (fault confirmation-without-order)."""
    snapshot = session.get(CONFIRMATION)
    if isinstance(snapshot, dict) and snapshot.get("number") == number:
        return snapshot
    return None
