"""The order confirmation."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from checkout_probe.checks.readback import OrderView
from checkout_probe.shop.pricing import ExpectedOrder
from flows.money import PageAmounts, Totals
from flows.pages.review import read_lines, read_totals

# "Standard shipping to Ada Lovelace, 1 Main Street, Springfield 12345"
_DELIVERY = re.compile(r"^(?P<method>.+?) shipping to (?P<name>[^,]+), (?P<address>.+)$")


class ConfirmationPage:
    """``/orders/<number>/confirmation``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role(
            "heading", name="Thank you for your order", level=1
        )
        self.order_number: Locator = page.get_by_test_id("order-number")
        self.sent_to: Locator = page.get_by_text(re.compile(r"^A confirmation has been sent to "))
        self.delivery: Locator = page.get_by_role("region", name="Delivery").get_by_text(
            " shipping to "
        )

    def totals(self, money: PageAmounts, expected: Totals | None = None) -> Totals:
        """The totals the confirmation shows, read with ``money``."""
        return read_totals(self.page, "confirmation", "confirmation", money, expected)

    def view(self, money: PageAmounts, expected: ExpectedOrder | None = None) -> OrderView:
        """Everything the confirmation tells the shopper, for the read-back (``expected``:
        the order it should show, named where an amount is written wrongly)."""
        delivery = " ".join(self.delivery.inner_text().split())
        match = _DELIVERY.match(delivery)
        email = self.sent_to.inner_text().strip().removeprefix("A confirmation has been sent to ")
        return OrderView(
            where="confirmation",
            number=self.order_number.inner_text().strip(),
            lines=read_lines(
                self.page,
                "confirmation",
                "confirmation",
                money,
                expected.lines if expected else None,
            ),
            totals=self.totals(money, expected.totals if expected else None),
            shipping_method=match["method"] if match else delivery,
            name=match["name"] if match else delivery,
            email=email.removesuffix("."),
            address=match["address"] if match else delivery,
        )
