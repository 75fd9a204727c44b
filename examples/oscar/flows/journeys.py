"""Checkout journeys of the oscar shop, as named, timed steps.

The probe runs ``checkout_as_guest`` (``flows/shop.py``); the tests call the same
function, and the smaller ones (``fill_basket``, ``enter_address``, …) to stop
part-way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playwright.sync_api import expect

from checkout_probe.checkout.journey import Journey
from checkout_probe.checks.readback import check_order, stored_view
from checkout_probe.diagnosis import DataMismatch
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from checkout_probe.shop.pricing import CartItem, ExpectedOrder
from flows.money import format_pence
from flows.pages import (
    BasketPage,
    CataloguePage,
    GatewayPage,
    PaymentDetailsPage,
    PreviewPage,
    ProductPage,
    ShippingAddressPage,
    ShippingMethodPage,
    ThankYouPage,
)
from flows.pages.order_view import read_order_view
from flows.pages.totals import ShownTotals


@dataclass(frozen=True)
class Confirmation:
    """What the thank-you page told the shopper, and what the order had to be."""

    order_number: str
    totals: ShownTotals
    expected: ExpectedOrder | None = None


DEFAULT_BASKET = (CartItem("The Lighthouse Keeper", 1), CartItem("Winter Orchard", 1))


def fill_basket(journey: Journey, lines: Sequence[CartItem]) -> BasketPage:
    """Open the catalogue, add every product, set the quantities in the cart."""
    page = journey.page
    catalogue = CataloguePage(page)
    with journey.step("open catalogue"):
        catalogue.open()
        journey.wait_for_page(catalogue.heading, "the catalogue")
    for index, line in enumerate(lines):
        with journey.step("add to basket", f"add '{line.name}' to the cart"):
            if index:
                catalogue.open()
            catalogue.product(line.name).click()
            product = ProductPage(page, line.name)
            journey.wait_for_page(product.heading, f"the page of '{line.name}'")
            product.add_to_cart()
            journey.wait_for_page(product.added, f"'{line.name}' added to the cart")
    basket = BasketPage(page)
    with journey.step("review basket", "open the cart and set quantities"):
        basket.open()
        journey.wait_for_page(basket.heading, "the cart")
        for line in lines:
            if line.quantity != 1:
                basket.set_quantity(line.name, line.quantity)
                journey.wait_for_page(basket.heading, "the updated cart")
            expect(basket.quantity_of(line.name)).to_have_value(str(line.quantity))
    return basket


def enter_address(journey: Journey, basket: BasketPage, shopper: Shopper) -> None:
    """From the cart: check out as a guest and give the shipping address."""
    page = journey.page
    with journey.step("who are you", f"check out as guest {shopper.email}"):
        basket.proceed_to_checkout()
        gateway = GatewayPage(page)
        journey.wait_for_page(gateway.heading, "the checkout gateway")
        gateway.continue_as_guest(shopper.email)
        journey.wait_for_page(ShippingAddressPage(page).heading, "the shipping-address form")
    with journey.step(
        "shipping address", f"ship to {shopper.address.city}, {shopper.address.country_code}"
    ):
        address = ShippingAddressPage(page)
        address.fill(shopper)
        address.submit()
        journey.wait_for_page(ShippingMethodPage(page).heading, "the shipping methods")


@dataclass(frozen=True)
class Preview:
    """The preview page as the shopper reached it, with the totals they are asked to pay,
    and (from the shop's pricing) what the order must be."""

    page: PreviewPage
    totals: ShownTotals
    expected: ExpectedOrder | None = None
    shopper: Shopper | None = None


def choose_shipping(
    journey: Journey,
    method: str,
    expected: ExpectedOrder | None = None,
    shopper: Shopper | None = None,
) -> Preview:
    """Pick a shipping method, pass the (placeholder) payment step, reach the preview.

    With ``expected``, the preview is read in full and compared with it and ``shopper``.
    """
    page = journey.page
    with journey.step("shipping method", f"choose {method} shipping"):
        ShippingMethodPage(page).choose(method)
        journey.wait_for_page(PaymentDetailsPage(page).heading, "the payment step")
    with journey.step("payment details", "continue past Oscar's placeholder payment step"):
        PaymentDetailsPage(page).submit()
        preview = PreviewPage(page)
        journey.wait_for_page(preview.heading, "the order preview")
        totals = preview.totals(method)
        if expected is not None:
            check_order(expected, shopper, read_order_view(page, "preview", totals))
        return Preview(preview, totals, expected, shopper)


def place_order(journey: Journey, preview: Preview) -> Confirmation:
    """Place the order and read the confirmation; compare it with the preview."""
    page = journey.page
    expected = preview.totals
    journey.before_charging("place order")
    with journey.step("place order", f"place order for {format_pence(expected.total)}"):
        preview.page.place_order()
        journey.wait_for_page(ThankYouPage(page).heading, "the order confirmation")
    with journey.step("confirmation", "read the confirmation"):
        thanks = ThankYouPage(page)
        number = thanks.order_number()
        journey.remember("order", number)
        shown = thanks.totals()
        if preview.expected is not None:
            view = read_order_view(page, "confirmation", shown, number)
            check_order(preview.expected, preview.shopper, view, number)
        elif shown != expected:
            raise DataMismatch(
                f"confirmation of order {number} shows {shown}, the preview showed {expected}"
            )
    return Confirmation(number, shown, preview.expected)


def verify_stored_order(
    journey: Journey, orders: OrderAdapter, confirmation: Confirmation, shopper: Shopper
) -> None:
    """Check, through the dashboard, that the shop stored the order the shopper was shown:
    with the shop's pricing, line by line, with shipping, total, name, e-mail and address.

    Stock Oscar takes no payment, so there is no charge to reconcile.
    """
    number = confirmation.order_number
    with journey.step("verify stored order", f"verify stored order {number}"):
        stored = orders.get(number)
        if stored is None:
            raise DataMismatch(f"order {number} was confirmed to the shopper but is not stored")
        if confirmation.expected is not None:
            check_order(confirmation.expected, shopper, stored_view(stored), number)
        elif stored.totals.total != confirmation.totals.total:
            raise DataMismatch(
                f"stored order {number} totals {format_pence(stored.totals.total)}, the "
                f"shopper was shown {format_pence(confirmation.totals.total)}"
            )
        if stored.email != shopper.email:
            raise DataMismatch(
                f"stored order {number} belongs to {stored.email}, not {shopper.email}"
            )


def checkout_as_guest(
    journey: Journey,
    shopper: Shopper,
    card: TestCard,
    items: Sequence[CartItem] = DEFAULT_BASKET,
    method: str = "Standard",
    *,
    orders: OrderAdapter | None = None,
) -> Confirmation:
    """Buy ``items`` as a guest; with ``orders``, also check what the shop stored.

    Every page and the stored order are compared with what the shop's pricing says
    the order must be. ``card`` is unused: stock Oscar's payment step takes none
    (``flows/cards.py``).
    """
    expected = journey.expect_order(items, method)
    basket = fill_basket(journey, items)
    enter_address(journey, basket, shopper)
    confirmation = place_order(journey, choose_shipping(journey, method, expected, shopper))
    if orders is not None:
        verify_stored_order(journey, orders, confirmation, shopper)
    return confirmation
