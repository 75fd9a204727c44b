"""``/checkout/shipping-address/``: where to ship."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from checkout_probe.shop.data import Shopper


class ShippingAddressPage:
    """The shipping-address form."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Shipping address", level=1)
        self.first_name: Locator = page.get_by_label("First name")
        self.last_name: Locator = page.get_by_label("Last name")
        self.line1: Locator = page.get_by_label("First line of address")
        self.city: Locator = page.get_by_label("City")
        self.postcode: Locator = page.get_by_label("Post/Zip-code")
        self.country: Locator = page.get_by_label("Country")
        self.phone: Locator = page.get_by_label("Phone number")
        self.continue_button: Locator = page.get_by_role("button", name="Continue")

    def fill(self, shopper: Shopper) -> None:
        """Type the shopper's name, address and phone."""
        first, _, last = shopper.full_name.partition(" ")
        self.first_name.fill(first)
        self.last_name.fill(last or first)
        self.line1.fill(shopper.address.street)
        self.city.fill(shopper.address.city)
        self.postcode.fill(shopper.address.postal_code)
        self.country.select_option(shopper.address.country_code)
        self.phone.fill(shopper.phone)

    def submit(self) -> None:
        """Continue to the shipping method."""
        self.continue_button.click()
