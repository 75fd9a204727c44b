"""The totals table Oscar shows on the basket, preview and thank-you pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from checkout_probe.shop.orders import Totals
from flows.money import parse_pence


@dataclass(frozen=True)
class ShownTotals:
    """What a page told the shopper they pay, in pence (Oscar adds no tax by default)."""

    basket: int
    shipping: int
    total: int

    def as_totals(self) -> Totals:
        """The engine's totals: Oscar shows no tax line (its default strategy adds none)."""
        return Totals(self.basket, self.shipping, 0, self.total)


def _amount(page: Page, label: str) -> int:
    row = page.get_by_role("row", name=re.compile(rf"^{re.escape(label)}\b"))
    expect(row.first, f"the page shows the {label}").to_be_visible()
    return parse_pence(row.first.inner_text())


def read_totals(page: Page, shipping_row: str = "Shipping charge") -> ShownTotals:
    """The cart total, shipping charge and order total of the page's totals table.

    ``shipping_row`` is the label of the shipping row: the confirmation says "Shipping
    charge", the preview names the chosen method ("Express £14.99").
    """
    return ShownTotals(
        basket=_amount(page, "Cart total"),
        shipping=_amount(page, shipping_row),
        total=_amount(page, "Order total"),
    )
