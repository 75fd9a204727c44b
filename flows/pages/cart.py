"""The cart: lines with quantities, removal, subtotal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Locator, Page

from flows.money import PageAmounts

if TYPE_CHECKING:
    from flows.pages.contact import ContactPage


class CartPage:
    """``/cart``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Your cart", level=1)
        self.empty_message: Locator = page.get_by_text("Your cart is empty.")
        # Cart lines and amounts are repeated, dynamic content: test ids.
        self.lines: Locator = page.get_by_test_id("cart-line")
        self.subtotal: Locator = page.get_by_test_id("cart-subtotal")
        self.checkout_link: Locator = page.get_by_role("link", name="Proceed to checkout")

    def open(self) -> CartPage:
        """Go to the cart."""
        self.page.goto("/cart")
        return self

    def line(self, name: str) -> Locator:
        """The cart line of one product."""
        return self.lines.filter(has=self.page.get_by_role("rowheader", name=name, exact=True))

    def quantity_of(self, name: str) -> Locator:
        """The quantity field of one product's line."""
        return self.page.get_by_label(f"Quantity for {name}", exact=True)

    def line_total(self, name: str) -> Locator:
        """The line total of one product."""
        return self.line(name).get_by_test_id("line-total")

    def set_quantity(self, name: str, quantity: int) -> None:
        """Change one product's quantity (0 removes it)."""
        self.quantity_of(name).fill(str(quantity))
        self.page.get_by_role("button", name=f"Update {name}", exact=True).click()

    def remove(self, name: str) -> None:
        """Remove one product from the cart."""
        self.page.get_by_role("button", name=f"Remove {name}", exact=True).click()

    def contents(self) -> list[str]:
        """What the cart holds, as ``2 × 'Trail Mug'`` per line."""
        # One round trip: each line's product (its row header) and quantity field.
        rows: list[list[str]] = self.lines.evaluate_all(
            "rows => rows.map(r => [r.querySelector('th').innerText,"
            " r.querySelector('input[name=quantity]').value])"
        )
        return [f"{quantity} × '{name.strip()}'" for name, quantity in rows]

    def subtotal_cents(self, money: PageAmounts, expected: int | None = None) -> int:
        """The subtotal the cart shows, in cents, read with ``money``."""
        return money.read(self.subtotal.inner_text(), "cart: subtotal", expected)

    def proceed_to_checkout(self) -> ContactPage:
        """Start the checkout."""
        from flows.pages.contact import ContactPage

        self.checkout_link.click()
        return ContactPage(self.page)
