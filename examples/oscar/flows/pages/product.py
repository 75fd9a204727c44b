"""A product page: its title and "Add to cart"."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class ProductPage:
    """``/catalogue/<slug>_<id>/``."""

    def __init__(self, page: Page, title: str) -> None:
        self.page = page
        self.title = title
        self.heading: Locator = page.get_by_role("heading", name=title, level=1)
        # The product's own form: "recently viewed" products below have buttons of the same name.
        self.add_to_cart_button: Locator = page.locator("#add_to_basket_form").get_by_role(
            "button", name="Add to cart"
        )
        self.added: Locator = page.get_by_text(f"{title} has been added to your cart.")

    def add_to_cart(self) -> None:
        """Put one of the product in the cart."""
        self.add_to_cart_button.click()
