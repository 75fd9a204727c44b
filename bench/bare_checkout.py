"""The benchmark's bare Playwright scripts: the guest checkout with no harness around it.

Two of them, both buying 2 × Trail Mug and 1 × Merino Socks with standard shipping:

- :func:`clicks_only`: the clicks, and one look at the stored order;
- :func:`same_journey`: what the harness's test does, written by hand as a team without
  the harness would: the clicks, the product prices, the cart's quantities, the review
  page and the confirmation read in full and compared with amounts worked out by hand and
  with what was typed, the stored order and its charge read back through the shop's API,
  and the order cancelled afterwards. No step records, network recorder, web vitals,
  trace context, Playwright trace or report.

The harness is held to the second (the same work); the first shows what the checks cost.
"""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

#: The cart, its catalogue prices and what it comes to (by hand: 2 × 12.99 + 17.95 = 43.93;
#: 8 % tax 3.5144 → 3.51; standard shipping 4.99).
ITEMS = (("Trail Mug", 2, "$12.99"), ("Merino Socks", 1, "$17.95"))
TOTALS = {"subtotal": "$43.93", "shipping": "$4.99", "tax": "$3.51", "total": "$52.43"}
LINES = [["Trail Mug", "2", "$12.99"], ["Merino Socks", "1", "$17.95"]]
CENTS = {"subtotal_cents": 4393, "shipping_cents": 499, "tax_cents": 351, "total_cents": 5243}
SHOPPER = {
    "Full name": "Raw Script",
    "Address": "1 Main St",
    "City": "Springfield",
    "Postal code": "12345",
    "Phone": "555-123-4567",
}


def clicks_only(page: Page, api: httpx.Client, n: int) -> None:
    """The clicks of the guest checkout, and one look at the stored order."""
    for name, qty, _ in ITEMS:
        page.goto("/")
        page.get_by_role("link", name=name, exact=True).click()
        page.get_by_label("Quantity", exact=True).fill(str(qty))
        page.get_by_role("button", name="Add to cart").click()
        page.get_by_role("status").filter(has_text=f"Added {qty} × {name}").wait_for()
    page.get_by_role("link", name="Cart").click()
    page.get_by_role("link", name="Proceed to checkout").click()
    page.get_by_label("Email", exact=True).fill(f"raw{n}-{uuid.uuid4().hex[:8]}@synthetic.example")
    for label, value in SHOPPER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Continue to shipping").click()
    page.get_by_role("radio", name="Standard — $4.99").check()
    page.get_by_role("button", name="Continue to payment").click()
    frame = page.get_by_title("Card details").content_frame
    frame.get_by_label("Card number").fill("4242 4242 4242 4242")
    frame.get_by_label("Expiry date").fill("12 / 34")
    frame.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_role("button", name="Place order").click()
    number = page.get_by_test_id("order-number").inner_text()
    assert api.get(f"/api/orders/{number}").status_code == 200


def _totals(page: Page, prefix: str) -> None:
    amounts = page.get_by_test_id(re.compile(rf"^{prefix}-(subtotal|shipping|tax|total)$"))
    expect(amounts).to_have_count(4)
    shown = dict(amounts.evaluate_all("els => els.map(e => [e.dataset.testid, e.innerText])"))
    assert shown == {f"{prefix}-{k}": v for k, v in TOTALS.items()}, shown


def _lines(page: Page, prefix: str) -> None:
    rows = page.get_by_test_id(f"{prefix}-line")
    expect(rows.first).to_be_visible()
    cells = rows.evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('th, td')].map(c => c.innerText.trim()))"
    )
    assert [c[:3] for c in cells] == LINES, cells


def same_journey(page: Page, api: httpx.Client, n: int) -> None:
    """The harness test's work by hand (see the module docstring)."""
    email = f"raw{n}-{uuid.uuid4().hex[:8]}@synthetic.example"
    page.goto("/")
    expect(page.get_by_role("heading", name="Products", level=1)).to_be_visible()
    for index, (name, qty, price) in enumerate(ITEMS):
        if index:
            page.goto("/")
        page.get_by_role("link", name=name, exact=True).click()
        assert page.get_by_test_id("price").inner_text() == price
        page.get_by_label("Quantity", exact=True).fill(str(qty))
        page.get_by_role("button", name="Add to cart").click()
        expect(page.get_by_role("status")).to_contain_text(f"Added {qty} × {name}")
    page.get_by_role("link", name="Cart").click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    for name, qty, _ in ITEMS:
        expect(page.get_by_label(f"Quantity for {name}", exact=True)).to_have_value(str(qty))
    page.get_by_role("link", name="Proceed to checkout").click()
    page.get_by_label("Email", exact=True).fill(email)
    for label, value in SHOPPER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country", exact=True).select_option("US")
    page.get_by_role("button", name="Continue to shipping").click()
    expect(page.get_by_role("heading", name="Shipping method", level=1)).to_be_visible()
    page.get_by_role("radio", name=re.compile(r"^Standard\b")).check()
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", name="Payment", level=1)).to_be_visible()
    frame = page.get_by_title("Card details").content_frame
    expect(frame.get_by_label("Card number")).to_be_visible()
    frame.get_by_label("Card number").fill("4242 4242 4242 4242")
    frame.get_by_label("Expiry date").fill("12 / 34")
    frame.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Continue to review").click()
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    name, _, address = page.get_by_test_id("shipping-address").inner_text().partition("\n")
    assert name.strip() == "Raw Script" and "Springfield" in address, address
    _lines(page, "review")
    _totals(page, "summary")
    assert page.get_by_test_id("shipping-method").inner_text().startswith("Standard")
    assert email in page.get_by_text(re.compile(r"^Email: ")).inner_text()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name="Thank you for your order", level=1)).to_be_visible()
    number = page.get_by_test_id("order-number").inner_text().strip()
    delivery = page.get_by_role("region", name="Delivery").get_by_text(" shipping to ")
    assert delivery.inner_text().startswith("Standard shipping to Raw Script, 1 Main St")
    sent_to = page.get_by_text(re.compile(r"^A confirmation has been sent to "))
    assert email in sent_to.inner_text()
    assert page.get_by_test_id("order-number").inner_text().strip() == number
    _lines(page, "confirmation")
    _totals(page, "confirmation")
    mine = api.get("/api/orders", params={"email": email}).json()["orders"]
    assert [o["number"] for o in mine] == [number], mine
    stored = api.get(f"/api/orders/{number}").json()
    assert {k: stored[k] for k in CENTS} == CENTS, stored
    assert [(i["name"], i["quantity"]) for i in stored["items"]] == [(n, q) for n, q, _ in ITEMS]
    assert (stored["full_name"], stored["shipping_method"]) == ("Raw Script", "standard")
    charges = api.get("/api/charges", params={"order": number}).json()["charges"]
    assert [(c["status"], c["amount_cents"]) for c in charges] == [("succeeded", 5243)], charges
    assert api.get(f"/api/orders/{number}").json()["status"] == "paid"
    assert api.delete(f"/api/orders/{number}").is_success
