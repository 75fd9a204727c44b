"""``/checkout/``: "Who are you?" — e-mail, and checking out as a guest."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class GatewayPage:
    """The checkout's first step."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Who are you?")
        self.email: Locator = page.get_by_label("My email address is")
        self.as_guest: Locator = page.get_by_label(
            "I am a new customer and want to checkout as a guest"
        )
        self.continue_button: Locator = page.get_by_role("button", name="Continue")

    def continue_as_guest(self, email: str) -> None:
        """Give an e-mail address and check out without an account."""
        self.email.fill(email)
        self.as_guest.check()
        self.continue_button.click()
