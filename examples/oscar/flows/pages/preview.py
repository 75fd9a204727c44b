"""``/checkout/preview/``: the order as it will be placed, and "Place order"."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from flows.pages.totals import ShownTotals, read_totals


class PreviewPage:
    """The last page before the order is placed."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Preview order", level=1)
        self.place_order_button: Locator = page.get_by_role("button", name="Place order")

    def totals(self, method: str) -> ShownTotals:
        """What the shopper is asked to pay, with ``method`` shipping."""
        return read_totals(self.page, shipping_row=method)

    def place_order(self) -> None:
        """Place the order; the shop answers with its thank-you page or an error."""
        self.place_order_button.click()
