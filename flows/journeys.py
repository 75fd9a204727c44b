"""Checkout journeys of the demo shop, as named, timed steps.

Each function drives the browser like a shopper and raises a diagnosed
:class:`~checkout_probe.diagnosis.CheckoutFailure` at the first step that fails.
"""

from __future__ import annotations

from collections.abc import Sequence

from playwright.sync_api import expect

from checkout_probe.checkout.journey import Journey
from checkout_probe.checks.catalogue import check_listing
from checkout_probe.checks.readback import check_order
from checkout_probe.diagnosis import DataMismatch
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter, money
from checkout_probe.shop.pricing import CartItem, ExpectedOrder
from flows.accounts import register, sign_in, sign_out
from flows.money import amounts_of
from flows.order_shown import OrderConfirmation, Review
from flows.pages import (
    CartPage,
    CatalogPage,
    ConfirmationPage,
    PaymentPage,
    ReviewPage,
    ShippingPage,
    SiteHeader,
)
from flows.stored_order import verify_stored_order

DEFAULT_ITEMS = (CartItem("Trail Mug", 2), CartItem("Merino Socks", 1))


def fill_cart(journey: Journey, items: Sequence[CartItem]) -> CartPage:
    """Open the catalog, add every item, and open the cart."""
    page = journey.page
    catalog = CatalogPage(page)
    pricing = journey.settings.shop.pricing
    money = amounts_of(journey)
    with journey.step("open catalog"):
        catalog.open()
        journey.wait_for_page(catalog.heading, "the catalog")
        if pricing is not None:  # every product's price, not only those bought
            listed = catalog.listed_prices(money, pricing.prices)
            check_listing(pricing, listed, "catalog", complete=True)
    for index, item in enumerate(items):
        with journey.step("add to cart", f"add {item.quantity} × '{item.name}' to cart"):
            if index:  # the first item is picked from the catalog just opened
                catalog.open()
            product = catalog.open_product(item.name)
            journey.wait_for_page(product.heading, f"the page of '{item.name}'")
            catalogue = pricing.unit_price(item.name) if pricing is not None else None
            _check_catalogue_price(journey, item.name, product.price_cents(money, catalogue))
            product.add_to_cart(item.quantity)
    cart = CartPage(page)
    with journey.step("review cart", "open cart"):
        SiteHeader(page).cart_link.click()
        journey.wait_for_page(cart.heading, "the cart")
        for item in items:
            expect(cart.quantity_of(item.name)).to_have_value(str(item.quantity))
    return cart


def _check_catalogue_price(journey: Journey, name: str, shown: int) -> None:
    pricing = journey.settings.shop.pricing
    if pricing is not None and shown != pricing.unit_price(name):
        raise DataMismatch(
            f"product page of '{name}': price is {money(shown)}, "
            f"expected {money(pricing.unit_price(name))} (the catalogue price)"
        )


def enter_details(
    journey: Journey, cart: CartPage, shopper: Shopper, shipping: str = "Standard"
) -> PaymentPage:
    """From the cart: contact and address, then the shipping method; ends on the payment step."""
    page = journey.page
    with journey.step("contact and address", f"enter contact and address of {shopper.email}"):
        contact = cart.proceed_to_checkout()
        journey.wait_for_page(contact.heading, "the contact step")
        contact.fill(shopper)
        contact.submit()
        journey.wait_for_page(ShippingPage(page).heading, "the shipping step")
    with journey.step("shipping method", f"choose {shipping} shipping"):
        ShippingPage(page).choose(shipping)
        journey.wait_for_page(PaymentPage(page).heading, "the payment step")
    return PaymentPage(page)


def pay(
    journey: Journey,
    card: TestCard,
    expected: ExpectedOrder | None = None,
    shopper: Shopper | None = None,
) -> Review:
    """Type the card into the provider's frame and continue to the review step.

    With ``expected`` (``journey.expect_order``), the review page is read fully and
    compared with it and with ``shopper``: lines, totals, shipping, name, e-mail, address.
    """
    payment = PaymentPage(journey.page)
    review = ReviewPage(journey.page)
    with journey.step("pay", f"pay with card ending {card.last4}"):
        journey.pays_with(card)
        journey.wait_for_frame(payment.card_number, "the payment provider's card form")
        payment.enter_card(card)
        payment.submit()
        journey.wait_for_page(review.heading, "the review step")
        money = amounts_of(journey)
        if expected is None:
            totals = review.totals(money)
        else:
            view = review.view(money, expected)
            check_order(expected, shopper, view)
            assert view.totals is not None
            totals = view.totals
    return Review(review, totals, expected, shopper)


def place_order(journey: Journey, review: Review) -> OrderConfirmation:
    """Place the order and read the confirmation fully.

    It is compared with the independent expectation and the shopper where the review
    carries them, and otherwise with the totals of the review step.
    """
    page = journey.page
    confirmation = ConfirmationPage(page)
    journey.before_charging("place order")
    money = amounts_of(journey)
    with journey.step("place order", f"place order for {money.write(review.totals.total)}"):
        review.page.place_order()
        journey.wait_for_page(confirmation.heading, "the order confirmation")
    with journey.step("confirmation", "read confirmation"):
        number = confirmation.order_number.inner_text().strip()
        journey.remember("order", number)
        if review.expected is not None:
            view = confirmation.view(money, review.expected)
            check_order(review.expected, review.shopper, view, number)
            assert view.totals is not None
            shown = view.totals
        else:
            shown = confirmation.totals(money, review.totals)
            if shown != review.totals:
                raise DataMismatch(
                    f"confirmation of {number} shows {shown}, "
                    f"but the review step showed {review.totals}"
                )
    return OrderConfirmation(number, shown, review.expected)


def checkout_as_guest(
    journey: Journey,
    shopper: Shopper,
    card: TestCard,
    items: Sequence[CartItem] = DEFAULT_ITEMS,
    shipping: str = "Standard",
    orders: OrderAdapter | None = None,
) -> OrderConfirmation:
    """Buy ``items`` as a guest; with ``orders``, also check what the shop stored."""
    expected = journey.expect_order(items, shipping)
    cart = fill_cart(journey, items)
    enter_details(journey, cart, shopper, shipping)
    confirmation = place_order(journey, pay(journey, card, expected, shopper))
    if orders is not None:
        verify_stored_order(journey, orders, confirmation, shopper)
    return confirmation


def check_cart_empty(journey: Journey, after_order: str) -> None:
    """After an order, in the same session: the cart must be empty again."""
    cart = CartPage(journey.page)
    with journey.step("review cart", f"the cart is empty after order {after_order}"):
        cart.open()
        journey.wait_for_page(cart.heading, "the cart")
        left = cart.contents()
        if left:
            raise DataMismatch(f"cart after order {after_order}: still holds {'; '.join(left)}")
        expect(cart.empty_message, "the cart says it is empty").to_be_visible()


def checkout_as_registered_user(
    journey: Journey,
    shopper: Shopper,
    card: TestCard,
    items: Sequence[CartItem] = DEFAULT_ITEMS,
    shipping: str = "Standard",
    orders: OrderAdapter | None = None,
) -> OrderConfirmation:
    """Register, sign out and back in, then buy ``items``; the contact form must come pre-filled."""
    expected = journey.expect_order(items, shipping)
    register(journey, shopper)
    sign_out(journey)
    sign_in(journey, shopper)
    cart = fill_cart(journey, items)
    with journey.step("contact and address", "check the pre-filled contact details"):
        contact = cart.proceed_to_checkout()
        journey.wait_for_page(contact.heading, "the contact step")
        expect(contact.email, "the signed-in shopper's e-mail is pre-filled").to_have_value(
            shopper.email
        )
        expect(contact.full_name).to_have_value(shopper.full_name)
        contact.address.fill(shopper.address.street)
        contact.city.fill(shopper.address.city)
        contact.postal_code.fill(shopper.address.postal_code)
        # The account holds no address: a shopper outside the US picks their country.
        contact.country.select_option(shopper.address.country_code)
        contact.submit()
        journey.wait_for_page(ShippingPage(journey.page).heading, "the shipping step")
    with journey.step("shipping method", f"choose {shipping} shipping"):
        ShippingPage(journey.page).choose(shipping)
        journey.wait_for_page(PaymentPage(journey.page).heading, "the payment step")
    confirmation = place_order(journey, pay(journey, card, expected, shopper))
    if orders is not None:
        verify_stored_order(journey, orders, confirmation, shopper)
    return confirmation


__all__ = [
    "DEFAULT_ITEMS",
    "CartItem",
    "OrderConfirmation",
    "Review",
    "check_cart_empty",
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
