"""Checkout step 2: shipping method."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page


class ShippingPage:
    """``/checkout/shipping``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Shipping method", level=1)
        self.continue_button: Locator = page.get_by_role("button", name="Continue to payment")

    def method(self, name: str) -> Locator:
        """The radio button of a shipping method ("Standard", "Express")."""
        return self.page.get_by_role("radio", name=re.compile(rf"^{re.escape(name)}\b"))

    def choose(self, name: str) -> None:
        """Pick a shipping method and continue to payment."""
        self.method(name).check()
        self.continue_button.click()
