"""The checkout steps: contact, shipping, payment and review."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from demo_shop import faults as fault_names
from demo_shop.context import catalog_db, fault_hits, get_shop
from demo_shop.gateway.client import CardError, GatewayUnavailableError
from demo_shop.orders.pricing import (
    DEFAULT_SHIPPING_METHOD,
    SHIPPING_METHODS,
    PricedLine,
    Totals,
    compute_totals,
)
from demo_shop.storefront import state
from demo_shop.storefront.products import priced_lines
from demo_shop.storefront.users import get_user
from demo_shop.storefront.validation import (
    COUNTRIES,
    DEFAULT_COUNTRY,
    FORM_ERROR,
    clean,
    validate_contact,
)

bp = Blueprint("checkout", __name__, url_prefix="/checkout")

STEPS = ("contact", "shipping", "payment", "review")
STEP_LABELS = {
    "contact": "Contact",
    "shipping": "Shipping",
    "payment": "Payment",
    "review": "Review",
}
PAYMENT_ERRORS = {
    "card_declined": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "invalid_number": "Your card number is invalid.",
}
GENERIC_PAYMENT_ERROR = "Your payment could not be processed."


def _first_incomplete_step() -> str | None:
    """ "cart" when the cart is empty, else the first step without data, else ``None``."""
    if not state.get_cart():
        return "cart"
    if state.get_contact() is None:
        return "contact"
    if state.get_shipping_method() is None:
        return "shipping"
    if state.get_payment() is None:
        return "payment"
    return None


def _gate(step: str) -> BaseResponse | None:
    """A redirect when ``step`` cannot be shown yet, else ``None``."""
    missing = _first_incomplete_step()
    if missing == "cart":
        return redirect("/cart")
    if missing is not None and STEPS.index(missing) < STEPS.index(step):
        return redirect(f"/checkout/{missing}")
    return None


def _render(template: str, step: str, **context: object) -> str:
    return render_template(
        template, steps=STEPS, step_labels=STEP_LABELS, current_step=step, **context
    )


def _contact_defaults() -> dict[str, str]:
    saved = state.get_contact()
    if saved is not None:
        return saved
    values = dict.fromkeys(state.CONTACT_FIELDS, "")
    values["country"] = DEFAULT_COUNTRY
    signed_in = state.get_user()
    user = get_user(catalog_db(), signed_in.id) if signed_in is not None else None
    if user is not None:
        values.update(email=user.email, full_name=user.full_name)
        values.update(
            address=user.last_address or "",
            city=user.last_city or "",
            postal_code=user.last_postal_code or "",
            country=user.last_country or DEFAULT_COUNTRY,
            phone=user.last_phone or "",
        )
    return values


@bp.route("/contact", methods=["GET", "POST"])
def contact() -> BaseResponse | str:
    """Contact details and shipping address."""
    if (blocked := _gate("contact")) is not None:
        return blocked
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = clean(request.form, state.CONTACT_FIELDS)
        errors = validate_contact(values)
        if not errors:
            state.set_contact(values)
            return redirect("/checkout/shipping")
    else:
        values = _contact_defaults()
    return _render(
        "checkout/contact.html",
        "contact",
        values=values,
        errors=errors,
        form_error=FORM_ERROR if errors else None,
        countries=COUNTRIES,
        layout_shift=fault_hits(fault_names.LAYOUT_SHIFT),
    )


@bp.route("/shipping", methods=["GET", "POST"])
def shipping() -> BaseResponse | str:
    """Choice of shipping method."""
    if (blocked := _gate("shipping")) is not None:
        return blocked
    error = None
    selected = state.get_shipping_method() or DEFAULT_SHIPPING_METHOD
    if request.method == "POST":
        chosen = request.form.get("shipping_method", "")
        if chosen in SHIPPING_METHODS:
            state.set_shipping_method(chosen)
            return redirect("/checkout/payment")
        error = "Choose a shipping method."
    return _render(
        "checkout/shipping.html",
        "shipping",
        methods=SHIPPING_METHODS.values(),
        selected=selected,
        error=error,
        render_after_ms=_render_after_ms() if request.method == "GET" else None,
    )


def _render_after_ms() -> int | None:
    """With rerender-while-saving, when the client renders the real options (ms).

    ``None``: the options are served in the page.
    """
    if not fault_hits(fault_names.RERENDER_WHILE_SAVING):
        return None
    return round(get_shop().faults.snapshot().delay * 1000)


@bp.route("/payment", methods=["GET", "POST"])
def payment() -> BaseResponse | str:
    """The card iframe (served by the gateway) and the tokenised-card form."""
    if (blocked := _gate("payment")) is not None:
        return blocked
    if request.method == "POST":
        return _save_payment(request.form.get("payment_token", "").strip())
    gateway_origin = get_shop().gateway.base_url
    # The iframe only talks to the origin the browser actually sees the shop on.
    parent_origin = quote(request.host_url.rstrip("/"), safe=":/[]")
    code = request.args.get("error")
    return _render(
        "checkout/payment.html",
        "payment",
        gateway_origin=gateway_origin,
        card_element_url=f"{gateway_origin}/elements/card?parent_origin={parent_origin}",
        error=_payment_error(code) if code else None,
        js_error=fault_hits(fault_names.JS_ERROR),
    )


def _payment_error(code: str) -> str:
    """What the payment page says for a refused payment's ``code`` (generic if unknown)."""
    if fault_hits(fault_names.GENERIC_DECLINE_MESSAGE):
        # generic-decline-message: the reason is dropped on the way to the page, so
        # every decline reads alike and the shopper cannot tell what to fix.
        return GENERIC_PAYMENT_ERROR
    return PAYMENT_ERRORS.get(code, GENERIC_PAYMENT_ERROR)


def _save_payment(token: str) -> BaseResponse:
    # Brand and last four come from the gateway, not from the browser.
    if not token:
        return redirect("/checkout/payment?error=missing_token")
    try:
        card = get_shop().gateway.card_details(token)
    except CardError as exc:
        return redirect(f"/checkout/payment?error={quote(exc.code)}")
    except GatewayUnavailableError:
        return redirect("/checkout/payment?error=provider_unavailable")
    state.set_payment(state.PaymentInfo(card.token, card.brand, card.last4))
    return redirect("/checkout/review")


@bp.get("/review")
def review() -> BaseResponse | str:
    """The order summary with the "Place order" button (driven by review.js)."""
    if (blocked := _gate("review")) is not None:
        return blocked
    method = state.get_shipping_method() or DEFAULT_SHIPPING_METHOD
    lines = priced_lines(catalog_db(), state.get_cart())
    return _render(
        "checkout/review.html",
        "review",
        lines=lines,
        totals=_review_totals(lines, method),
        contact=state.get_contact(),
        country_name=COUNTRIES,
        shipping_method=SHIPPING_METHODS[method],
        payment=state.get_payment(),
        show_place_order=not fault_hits(fault_names.CHECKOUT_BUTTON_BROKEN),
        app_banner=fault_hits(fault_names.COVERED_ON_NARROW_SCREENS),
        # misformatted-amount: the review page formats money in euros.
        price_currency="EUR" if fault_hits(fault_names.MISFORMATTED_AMOUNT) else None,
    )


def _review_totals(lines: list[PricedLine], method: str) -> Totals:
    """The totals the review page shows (what is charged is computed again at placing)."""
    cache = fault_hits(fault_names.STALE_SESSION_TOTALS)
    if cache:
        # stale-session-totals: a cache keyed by nothing but the session, never
        # invalidated: not when the cart changes, nor after an order is placed.
        cached = state.get_review_totals()
        if cached is not None:
            return cached
    totals = compute_totals(lines, method, truncate_tax=fault_hits(fault_names.TAX_ROUNDING))
    if cache:
        state.set_review_totals(totals)
    return totals
