"""Checkout journeys of the demo shop, as named, timed steps.

Each function drives the browser like a shopper and raises a diagnosed
:class:`~checkout_probe.diagnosis.CheckoutFailure` at the first step that fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playwright.sync_api import expect

from checkout_probe.data import Shopper, TestCard
from checkout_probe.diagnosis import DataMismatch
from checkout_probe.journey import Journey
from checkout_probe.orders import OrderAdapter
from flows.money import Totals, format_cents
from flows.pages import (
    CartPage,
    CatalogPage,
    ConfirmationPage,
    PaymentPage,
    RegisterPage,
    ReviewPage,
    ShippingPage,
    SignInPage,
    SiteHeader,
)


@dataclass(frozen=True)
class CartItem:
    """A product name and how many of it to buy."""

    name: str
    quantity: int = 1


@dataclass(frozen=True)
class Review:
    """The review step as the shopper reached it, with the totals they are asked to pay."""

    page: ReviewPage
    totals: Totals


@dataclass(frozen=True)
class OrderConfirmation:
    """What the confirmation page told the shopper."""

    order_number: str
    totals: Totals


DEFAULT_ITEMS = (CartItem("Trail Mug", 2), CartItem("Merino Socks", 1))


def fill_cart(journey: Journey, items: Sequence[CartItem]) -> CartPage:
    """Open the catalog, add every item, and open the cart."""
    page = journey.page
    catalog = CatalogPage(page)
    with journey.step("open catalog"):
        catalog.open()
        journey.wait_for_page(catalog.heading, "the catalog")
    for index, item in enumerate(items):
        with journey.step("add to cart", f"add {item.quantity} × '{item.name}' to cart"):
            if index:  # the first item is picked from the catalog just opened
                catalog.open()
            catalog.open_product(item.name).add_to_cart(item.quantity)
    cart = CartPage(page)
    with journey.step("review cart", "open cart"):
        SiteHeader(page).cart_link.click()
        journey.wait_for_page(cart.heading, "the cart")
        for item in items:
            expect(cart.quantity_of(item.name)).to_have_value(str(item.quantity))
    return cart


def enter_details(
    journey: Journey, cart: CartPage, shopper: Shopper, shipping: str = "Standard"
) -> PaymentPage:
    """From the cart: contact and address, then the shipping method; ends on the payment step."""
    page = journey.page
    with journey.step("contact and address", f"enter contact and address of {shopper.email}"):
        contact = cart.proceed_to_checkout()
        contact.fill(shopper)
        contact.submit()
        journey.wait_for_page(ShippingPage(page).heading, "the shipping step")
    with journey.step("shipping method", f"choose {shipping} shipping"):
        ShippingPage(page).choose(shipping)
        journey.wait_for_page(PaymentPage(page).heading, "the payment step")
    return PaymentPage(page)


def pay(journey: Journey, card: TestCard) -> Review:
    """Type the card into the provider's frame and continue to the review step."""
    payment = PaymentPage(journey.page)
    review = ReviewPage(journey.page)
    with journey.step("pay", f"pay with card ending {card.last4}"):
        payment.enter_card(card)
        payment.submit()
        journey.wait_for_page(review.heading, "the review step")
        totals = review.totals()
    return Review(review, totals)


def place_order(journey: Journey, review: Review) -> OrderConfirmation:
    """Place the order and read the confirmation; compares it with the review step."""
    page = journey.page
    confirmation = ConfirmationPage(page)
    expected = review.totals
    journey.before_charging("place order")
    with journey.step("place order", f"place order for {format_cents(expected.total)}"):
        review.page.place_order()
        journey.wait_for_page(confirmation.heading, "the order confirmation")
    with journey.step("confirmation", "read confirmation"):
        number = confirmation.order_number.inner_text().strip()
        journey.remember("order", number)
        shown = confirmation.totals()
        if shown != expected:
            raise DataMismatch(
                f"confirmation of {number} shows {shown}, but the review step showed {expected}"
            )
    return OrderConfirmation(number, shown)


def verify_stored_order(
    journey: Journey, orders: OrderAdapter, confirmation: OrderConfirmation, shopper: Shopper
) -> None:
    """Check that the shop stored the order the shopper was shown."""
    number = confirmation.order_number
    with journey.step("verify stored order", f"verify stored order {number}"):
        stored = orders.get(number)
        if stored is None:
            raise DataMismatch(f"order {number} was confirmed to the shopper but is not stored")
        if stored.totals != confirmation.totals:
            raise DataMismatch(
                f"stored order {number} has {stored.totals}, "
                f"the shopper was shown {confirmation.totals}"
            )
        if stored.email != shopper.email:
            raise DataMismatch(
                f"stored order {number} belongs to {stored.email}, not {shopper.email}"
            )


def checkout_as_guest(
    journey: Journey,
    shopper: Shopper,
    card: TestCard,
    items: Sequence[CartItem] = DEFAULT_ITEMS,
    shipping: str = "Standard",
    orders: OrderAdapter | None = None,
) -> OrderConfirmation:
    """Buy ``items`` as a guest; with ``orders``, also check what the shop stored."""
    cart = fill_cart(journey, items)
    enter_details(journey, cart, shopper, shipping)
    confirmation = place_order(journey, pay(journey, card))
    if orders is not None:
        verify_stored_order(journey, orders, confirmation, shopper)
    return confirmation


def register(journey: Journey, shopper: Shopper) -> None:
    """Create an account for ``shopper``; they are signed in afterwards."""
    with journey.step("register", f"register {shopper.email}"):
        RegisterPage(journey.page).open().register(shopper)
        expect(journey.page.get_by_text(f"Signed in as {shopper.email}")).to_be_visible()
        journey.remember("account", shopper.email)


def sign_in(journey: Journey, shopper: Shopper) -> None:
    """Sign ``shopper`` in with their password."""
    with journey.step("sign in", f"sign in as {shopper.email}"):
        SignInPage(journey.page).open().sign_in(shopper.email, shopper.password)
        expect(journey.page.get_by_text(f"Signed in as {shopper.email}")).to_be_visible()


def sign_out(journey: Journey) -> None:
    """Sign the current shopper out."""
    with journey.step("sign out"):
        header = SiteHeader(journey.page)
        header.sign_out()
        expect(header.sign_in_link).to_be_visible()


def checkout_as_registered_user(
    journey: Journey,
    shopper: Shopper,
    card: TestCard,
    items: Sequence[CartItem] = DEFAULT_ITEMS,
    shipping: str = "Standard",
    orders: OrderAdapter | None = None,
) -> OrderConfirmation:
    """Register, sign out and back in, then buy ``items``; the contact form must come pre-filled."""
    register(journey, shopper)
    sign_out(journey)
    sign_in(journey, shopper)
    cart = fill_cart(journey, items)
    with journey.step("contact and address", "check the pre-filled contact details"):
        contact = cart.proceed_to_checkout()
        expect(contact.email, "the signed-in shopper's e-mail is pre-filled").to_have_value(
            shopper.email
        )
        expect(contact.full_name).to_have_value(shopper.full_name)
        contact.address.fill(shopper.address.street)
        contact.city.fill(shopper.address.city)
        contact.postal_code.fill(shopper.address.postal_code)
        contact.submit()
        journey.wait_for_page(ShippingPage(journey.page).heading, "the shipping step")
    with journey.step("shipping method", f"choose {shipping} shipping"):
        ShippingPage(journey.page).choose(shipping)
        journey.wait_for_page(PaymentPage(journey.page).heading, "the payment step")
    confirmation = place_order(journey, pay(journey, card))
    if orders is not None:
        verify_stored_order(journey, orders, confirmation, shopper)
    return confirmation


__all__ = [
    "DEFAULT_ITEMS",
    "CartItem",
    "OrderConfirmation",
    "Review",
    "checkout_as_guest",
    "checkout_as_registered_user",
    "enter_details",
    "fill_cart",
    "pay",
    "place_order",
    "register",
    "sign_in",
    "sign_out",
    "verify_stored_order",
]
