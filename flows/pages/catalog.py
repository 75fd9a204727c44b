"""The catalog: the list of products on the shop's home page."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

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

    def product_link(self, name: str) -> Locator:
        """The link to one product's page."""
        return self.page.get_by_role("link", name=name, exact=True)

    def open_product(self, name: str) -> ProductPage:
        """Open one product's page from the catalog."""
        self.product_link(name).click()
        return ProductPage(self.page, name)
