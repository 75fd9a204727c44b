"""A product page: price, quantity, add to cart."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from flows.money import PageAmounts
from flows.pages.cart import CartPage
from flows.pages.header import SiteHeader


class ProductPage:
    """``/products/<slug>``."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.name = name
        self.header = SiteHeader(page)
        self.heading: Locator = page.get_by_role("heading", name=name, level=1)
        self.price: Locator = page.get_by_test_id("price")
        self.quantity: Locator = page.get_by_label("Quantity", exact=True)
        self.add_button: Locator = page.get_by_role("button", name="Add to cart")
        self.status: Locator = page.get_by_role("status")

    def price_cents(self, money: PageAmounts, expected: int | None = None) -> int:
        """The price the page shows, in cents (``expected``: the catalogue's, if known)."""
        return money.read(self.price.inner_text(), f"product page of '{self.name}'", expected)

    def add_to_cart(self, quantity: int = 1) -> None:
        """Add ``quantity`` of this product and wait until the shop confirms it."""
        self.quantity.fill(str(quantity))
        self.add_button.click()
        expect(self.status, f"the shop confirms {quantity} × {self.name} added").to_contain_text(
            f"Added {quantity} × {self.name}"
        )

    def go_to_cart(self) -> CartPage:
        """Open the cart from the header."""
        self.header.cart_link.click()
        return CartPage(self.page)
