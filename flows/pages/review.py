"""Checkout step 4: review and place the order."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from checkout_probe.checks.readback import OrderView
from checkout_probe.shop.pricing import ExpectedOrder, Line
from flows.money import PageAmounts, Totals


def read_totals(
    page: Page, prefix: str, where: str, money: PageAmounts, expected: Totals | None = None
) -> Totals:
    """Totals shown with test ids ``<prefix>-subtotal``, ``-shipping``, ``-tax``, ``-total``,
    read with ``money`` (``where``: the page, and ``expected``: the totals it should show,
    for a message about an amount written wrongly)."""
    amounts = page.get_by_test_id(re.compile(rf"^{prefix}-(subtotal|shipping|tax|total)$"))
    expect(amounts, f"the page shows the four {prefix} totals").to_have_count(4)
    # One round trip for all four amounts instead of one per amount.
    shown: dict[str, str] = dict(
        amounts.evaluate_all("els => els.map(e => [e.dataset.testid, e.innerText])")
    )

    def cents(name: str) -> int:
        want = getattr(expected, name) if expected is not None else None
        return money.read(shown[f"{prefix}-{name}"], f"{where}: {name}", want)

    return Totals(cents("subtotal"), cents("shipping"), cents("tax"), cents("total"))


def read_lines(
    page: Page,
    prefix: str,
    where: str,
    money: PageAmounts,
    expected: tuple[Line, ...] | None = None,
) -> tuple[Line, ...]:
    """Order lines shown as table rows with test id ``<prefix>-line``: product, quantity,
    unit price (the line total is unit price × quantity, checked through the totals);
    ``expected``: the lines the order should have, for a price written wrongly."""
    prices = {line.name: line.unit_price for line in expected or ()}
    rows = page.get_by_test_id(f"{prefix}-line")
    expect(rows.first, f"the page lists the {prefix} lines").to_be_visible()
    cells: list[list[str]] = rows.evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('th, td')].map(c => c.innerText))"
    )
    lines = []
    for name, quantity, unit_price, *_ in cells:
        product = name.strip()
        unit = money.read(unit_price, f"{where}: unit price of {product!r}", prices.get(product))
        lines.append(Line(product, int(quantity), unit))
    return tuple(lines)


class ReviewPage:
    """``/checkout/review``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Review your order", level=1)
        self.place_order_button: Locator = page.get_by_role("button", name="Place order")
        self.total: Locator = page.get_by_test_id("summary-total")
        self.error: Locator = page.get_by_role("alert")
        self.address: Locator = page.get_by_test_id("shipping-address")
        self.email: Locator = page.get_by_text(re.compile(r"^Email: "))
        self.shipping_method: Locator = page.get_by_test_id("shipping-method")

    def totals(self, money: PageAmounts, expected: Totals | None = None) -> Totals:
        """The totals the shopper is asked to pay, read with ``money``."""
        return read_totals(self.page, "summary", "review page", money, expected)

    def view(self, money: PageAmounts, expected: ExpectedOrder | None = None) -> OrderView:
        """Everything the review step shows of the order, for the read-back (``expected``:
        the order it should show, named where an amount is written wrongly)."""
        name, _, address = self.address.inner_text().strip().partition("\n")
        return OrderView(
            where="review page",
            lines=read_lines(
                self.page, "review", "review page", money, expected.lines if expected else None
            ),
            totals=self.totals(money, expected.totals if expected else None),
            shipping_method=self.shipping_method.inner_text().split("—")[0].strip(),
            name=name.strip(),
            email=self.email.inner_text().removeprefix("Email:").strip(),
            address=address,
        )

    def place_order(self) -> None:
        """Press "Place order"; the shop answers with a confirmation or an error."""
        self.place_order_button.click()
