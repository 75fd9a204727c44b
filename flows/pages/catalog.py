"""The catalog: the list of products on the shop's home page."""

from __future__ import annotations

from collections.abc import Mapping

from playwright.sync_api import Locator, Page

from flows.money import PageAmounts
from flows.pages.product import ProductPage


class CatalogPage:
    """``/``: every product with a link to its page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Products", level=1)
        self.products: Locator = page.get_by_role("main").get_by_role("article")

    def open(self) -> CatalogPage:
        """Go to the catalog."""
        self.page.goto("/")
        return self

    def listed_prices(
        self, money: PageAmounts, expected: Mapping[str, int] | None = None
    ) -> dict[str, int]:
        """Every product the catalog lists, with the price it shows (in cents), read with
        ``money``; ``expected``: the catalogue's prices, for a price written wrongly."""
        expected = expected or {}
        # One round trip for the whole list; inside a card, its heading and its price
        # element (the page marks it with a class only) are what a shopper reads.
        cards: list[list[str]] = self.products.evaluate_all(
            "cards => cards.map(c => [c.querySelector('h2').innerText,"
            " c.querySelector('.price').innerText])"
        )
        return {
            name.strip(): money.read(
                price, f"catalog: price of {name.strip()!r}", expected.get(name.strip())
            )
            for name, price in cards
        }

    def product_link(self, name: str) -> Locator:
        """The link to one product's page."""
        return self.page.get_by_role("link", name=name, exact=True)

    def open_product(self, name: str) -> ProductPage:
        """Open one product's page from the catalog."""
        self.product_link(name).click()
        return ProductPage(self.page, name)
