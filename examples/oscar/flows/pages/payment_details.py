"""``/checkout/payment-details/``: Oscar's placeholder payment step."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class PaymentDetailsPage:
    """Stock Oscar takes no card here: "Continue" leads to the preview."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Enter payment details", level=1)
        self.continue_link: Locator = page.get_by_role("link", name="Continue", exact=True)

    def submit(self) -> None:
        """Continue to the order preview."""
        self.continue_link.click()
