"""Checkout step 4: review and place the order."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from flows.money import Totals, parse_cents


def read_totals(page: Page, prefix: str) -> Totals:
    """Totals shown with test ids ``<prefix>-subtotal``, ``-shipping``, ``-tax``, ``-total``."""

    def cents(name: str) -> int:
        return parse_cents(page.get_by_test_id(f"{prefix}-{name}").inner_text())

    return Totals(cents("subtotal"), cents("shipping"), cents("tax"), cents("total"))


class ReviewPage:
    """``/checkout/review``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Review your order", level=1)
        self.place_order_button: Locator = page.get_by_role("button", name="Place order")
        self.total: Locator = page.get_by_test_id("summary-total")
        self.error: Locator = page.get_by_role("alert")

    def totals(self) -> Totals:
        """The totals the shopper is asked to pay."""
        return read_totals(self.page, "summary")

    def place_order(self) -> None:
        """Press "Place order"; the shop answers with a confirmation or an error."""
        self.place_order_button.click()
