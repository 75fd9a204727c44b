"""What Oscar's preview and thank-you pages show of an order, read in full for the read-back.

Both pages render the same blocks: the shipping address (an ``<address>``), the contact
("Email: …"), the shipping method card, the order contents (one row per line: title,
quantity, line total) and the totals table.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from checkout_probe.checks.readback import OrderView
from checkout_probe.shop.pricing import Line
from flows.money import parse_pence
from flows.pages.totals import ShownTotals

_EMAIL = re.compile(r"Email:\s*(\S+)")


def read_lines(page: Page) -> tuple[Line, ...]:
    """The order contents: title, quantity and line total of each row (Oscar shows no unit
    price here, so it is the line total over the quantity)."""
    # The rows of Oscar's "basket-items" block carry no role or label of their own.
    rows = page.locator("div.basket-items > .row")
    expect(rows.first, "the page lists the order contents").to_be_visible()
    cells: list[list[str]] = rows.evaluate_all(
        "rows => rows.map(r => [r.querySelector('h3').innerText,"
        " r.children[2].innerText, r.children[3].innerText])"
    )
    lines = []
    for title, quantity, total in cells:
        count = int(quantity.strip())
        lines.append(Line(title.strip(), count, parse_pence(total) // max(count, 1)))
    return tuple(lines)


def read_order_view(
    page: Page, where: str, totals: ShownTotals, number: str | None = None
) -> OrderView:
    """Everything the page shows of the order, with ``totals`` as read by the page object."""
    address = [line.strip() for line in page.locator("address").first.inner_text().splitlines()]
    address = [line for line in address if line]
    contact = page.get_by_text(_EMAIL).first.inner_text()
    email = _EMAIL.search(contact)
    method = (
        page.locator(".card", has=page.get_by_role("heading", name=re.compile(r"^Shipping method")))
        .locator("p")
        .first.inner_text()
    )
    return OrderView(
        where=where,
        number=number,
        lines=read_lines(page),
        totals=totals.as_totals(),
        shipping_method=method.strip(),
        name=address[0] if address else "",
        email=email[1] if email else contact,
        address=", ".join(address[1:]),
    )
