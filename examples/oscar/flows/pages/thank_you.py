"""``/checkout/thank-you/``: "your order number is N"."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from flows.pages.totals import ShownTotals, read_totals

_NUMBER = re.compile(r"your order number is\s+(\d+)")


class ThankYouPage:
    """The confirmation."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role(
            "heading", name=re.compile(r"^Order \d+: confirmation$")
        )
        self.placed: Locator = page.get_by_text("Your order has been placed")

    def order_number(self) -> str:
        """The order number the shop gave the shopper."""
        match = _NUMBER.search(self.placed.inner_text())
        if match is None:
            raise AssertionError(f"no order number in {self.placed.inner_text()!r}")
        return match.group(1)

    def totals(self) -> ShownTotals:
        """What the confirmation says was paid."""
        return read_totals(self.page)
