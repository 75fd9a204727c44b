"""``/checkout/shipping-method/``: one "Select option" per method."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class ShippingMethodPage:
    """The shipping-method choice (shown because the shop offers several)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Shipping method", level=1)

    def method(self, name: str) -> Locator:
        """One method's block (Oscar's ``.basket-items``: it has no role), by its heading."""
        return self.page.locator(".basket-items").filter(
            has=self.page.get_by_role("heading", name=name, exact=True)
        )

    def choose(self, name: str) -> None:
        """Pick a shipping method by name ("Standard", "Express", "Free shipping")."""
        self.method(name).get_by_role("button", name="Select option").click()
