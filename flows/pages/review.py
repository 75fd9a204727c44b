"""Checkout step 4: review and place the order."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from flows.money import Totals, parse_cents


def read_totals(page: Page, prefix: str) -> Totals:
    """Totals shown with test ids ``<prefix>-subtotal``, ``-shipping``, ``-tax``, ``-total``."""
    amounts = page.get_by_test_id(re.compile(rf"^{prefix}-(subtotal|shipping|tax|total)$"))
    expect(amounts, f"the page shows the four {prefix} totals").to_have_count(4)
    # One round trip for all four amounts instead of one per amount.
    shown: dict[str, str] = dict(
        amounts.evaluate_all("els => els.map(e => [e.dataset.testid, e.innerText])")
    )

    def cents(name: str) -> int:
        return parse_cents(shown[f"{prefix}-{name}"])

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
