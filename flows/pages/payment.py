"""Checkout step 3: payment, with the card typed into the provider's iframe."""

from __future__ import annotations

from playwright.sync_api import FrameLocator, Locator, Page

from checkout_probe.shop.data import TestCard


class PaymentPage:
    """``/checkout/payment``: the card fields live in the payment provider's frame."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Payment", level=1)
        self.card_frame: FrameLocator = page.get_by_title("Card details").content_frame
        # By its label, else by test id: a card number field that lost its label still takes
        # the card for the shopper who sees it; the missing name is the accessibility
        # check's to judge (the demo shop's fault unlabelled-payment-field), not a timeout.
        self.card_number: Locator = self.card_frame.get_by_label("Card number").or_(
            self.card_frame.get_by_test_id("card-number")
        )
        self.expiry: Locator = self.card_frame.get_by_label("Expiry date")
        self.cvc: Locator = self.card_frame.get_by_label("CVC")
        self.continue_button: Locator = page.get_by_role("button", name="Continue to review")
        self.error: Locator = page.get_by_role("alert")

    def enter_card(self, card: TestCard) -> None:
        """Type the card into the provider's fields."""
        self.card_number.fill(card.number)
        self.expiry.fill(card.expiry)
        self.cvc.fill(card.cvc)

    def submit(self) -> None:
        """Tokenise the card with the provider and continue to the review step."""
        self.continue_button.click()
