"""The order confirmation."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from flows.money import Totals
from flows.pages.review import read_totals


class ConfirmationPage:
    """``/orders/<number>/confirmation``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role(
            "heading", name="Thank you for your order", level=1
        )
        self.order_number: Locator = page.get_by_test_id("order-number")

    def totals(self) -> Totals:
        """The totals the confirmation shows."""
        return read_totals(self.page, "confirmation")
