"""``/basket/``: the cart, its lines and "Proceed to checkout"."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class BasketPage:
    """The shopper's cart."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Cart", level=1)
        self.checkout_link: Locator = page.get_by_role("link", name="Proceed to checkout")
        self.updated: Locator = page.get_by_text("Your cart total is now")

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
        """Change a line's quantity and update the cart; returns on the updated cart.

        Oscar posts the cart form in the background and then replaces the cart's HTML,
        with no navigation. It clears its messages when the form is sent and shows "Your
        cart total is now …" after the new cart is in place, so that message marks the
        update done (without waiting for it, a second update was typed into the cart being
        replaced, and lost).
        """
        self.quantity_of(title).fill(str(quantity))
        self.line(title).get_by_role("button", name="Update").click()
        expect(self.updated, f"the cart updated to {quantity} × {title}").to_be_visible()

    def proceed_to_checkout(self) -> None:
        """Start the checkout."""
        self.checkout_link.click()
