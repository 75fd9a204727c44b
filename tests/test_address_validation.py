"""The contact and address step: the shop's validation errors, then a corrected checkout."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.orders import OrderAdapter
from flows.journeys import (
    CartItem,
    fill_cart,
    pay,
    place_order,
    verify_stored_order,
)
from flows.pages import PaymentPage, ShippingPage

pytestmark = [pytest.mark.negative]


def test_guest_with_invalid_address_sees_field_errors_then_completes_after_correcting(
    journey: Journey, shopper: Shopper, card: TestCard, orders: OrderAdapter
) -> None:
    cart = fill_cart(journey, [CartItem("Merino Socks", 1)])

    with journey.step("contact and address", "submit an invalid e-mail and postal code"):
        contact = cart.proceed_to_checkout()
        journey.wait_for_page(contact.heading, "the contact step")
        contact.fill(shopper)
        contact.email.fill("not-an-email")
        contact.postal_code.fill("12")
        contact.city.fill("")
        contact.submit()
        expect(contact.error_summary).to_have_text("Please correct the highlighted fields.")
        expect(contact.email).to_have_attribute("aria-invalid", "true")
        expect(contact.email).to_have_accessible_description("Enter a valid email address.")
        expect(contact.postal_code).to_have_accessible_description("Enter a valid postal code.")
        expect(contact.city).to_have_accessible_description("Enter your city.")
        expect(contact.full_name, "valid input is kept").to_have_value(shopper.full_name)
        journey.wait_until_ready()  # the form came back from the shop: its scripts anew

    with journey.step("contact and address", "correct the address"):
        contact.email.fill(shopper.email)
        contact.postal_code.fill(shopper.address.postal_code)
        contact.city.fill(shopper.address.city)
        contact.submit()
        journey.wait_for_page(ShippingPage(journey.page).heading, "the shipping step")

    with journey.step("shipping method", "choose Standard shipping"):
        ShippingPage(journey.page).choose("Standard")
        journey.wait_for_page(PaymentPage(journey.page).heading, "the payment step")
    confirmation = place_order(journey, pay(journey, card))

    verify_stored_order(journey, orders, confirmation, shopper)
