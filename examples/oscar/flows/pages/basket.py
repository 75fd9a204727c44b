"""``/basket/``: the cart, its lines and "Proceed to checkout"."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class BasketPage:
    """The shopper's cart."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Cart", level=1)
        self.checkout_link: Locator = page.get_by_role("link", name="Proceed to checkout")

    def open(self) -> BasketPage:
        """Go to the cart."""
        self.page.goto("/basket/")
        return self

    def line(self, title: str) -> Locator:
        """The cart line of a product (Oscar's lines are ``.basket-items`` blocks, no role)."""
        return self.page.locator(".basket-items").filter(
            has=self.page.get_by_role("link", name=title, exact=True)
        )

    def quantity_of(self, title: str) -> Locator:
        """The quantity box of a product's line."""
        return self.line(title).get_by_role("spinbutton")

    def set_quantity(self, title: str, quantity: int) -> None:
        """Change a line's quantity and update the cart."""
        self.quantity_of(title).fill(str(quantity))
        self.line(title).get_by_role("button", name="Update").click()

    def proceed_to_checkout(self) -> None:
        """Start the checkout."""
        self.checkout_link.click()
