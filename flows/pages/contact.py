"""Checkout step 1: contact e-mail and shipping address, validated by the shop."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from checkout_probe.shop.data import Shopper

#: Form fields by the label the shopper sees.
FIELDS = ("Email", "Full name", "Address", "City", "Postal code", "Phone")


class ContactPage:
    """``/checkout/contact``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Contact and shipping", level=1)
        self.email: Locator = page.get_by_label("Email", exact=True)
        self.full_name: Locator = page.get_by_label("Full name", exact=True)
        self.address: Locator = page.get_by_label("Address", exact=True)
        self.city: Locator = page.get_by_label("City", exact=True)
        self.postal_code: Locator = page.get_by_label("Postal code", exact=True)
        self.country: Locator = page.get_by_label("Country", exact=True)
        self.phone: Locator = page.get_by_label("Phone", exact=True)
        self.continue_button: Locator = page.get_by_role("button", name="Continue to shipping")
        self.error_summary: Locator = page.get_by_role("alert")

    def field(self, label: str) -> Locator:
        """A form field by its label."""
        return self.page.get_by_label(label, exact=True)

    def fill(self, shopper: Shopper) -> None:
        """Type the shopper's contact details and address."""
        self.email.fill(shopper.email)
        self.full_name.fill(shopper.full_name)
        self.address.fill(shopper.address.street)
        self.city.fill(shopper.address.city)
        self.postal_code.fill(shopper.address.postal_code)
        self.country.select_option(shopper.address.country_code)
        self.phone.fill(shopper.phone)

    def submit(self) -> None:
        """Send the form; the shop validates it and moves on or shows errors."""
        self.continue_button.click()
