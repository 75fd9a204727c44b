"""``/catalogue/``: all products."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class CataloguePage:
    """The product list a shopper starts from."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="All products", level=1)

    def open(self) -> CataloguePage:
        """Go to the catalogue."""
        self.page.goto("/catalogue/")
        return self

    def product(self, title: str) -> Locator:
        """The link to a product, by its title."""
        return self.page.get_by_role("link", name=title, exact=True).first
