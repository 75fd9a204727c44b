"""The header every demo-shop page shares: navigation, cart badge, account links."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class SiteHeader:
    """Main navigation of the demo shop."""

    def __init__(self, page: Page) -> None:
        self.page = page
        nav = page.get_by_role("navigation", name="Main")
        self.shop_link: Locator = nav.get_by_role("link", name="Shop")
        self.cart_link: Locator = nav.get_by_role("link", name="Cart")
        # The badge's number is dynamic content: a test id is the honest handle.
        self.cart_count: Locator = nav.get_by_test_id("cart-count")
        self.sign_in_link: Locator = nav.get_by_role("link", name="Sign in")
        self.register_link: Locator = nav.get_by_role("link", name="Register")
        self.sign_out_button: Locator = page.get_by_role("button", name="Sign out")

    def sign_out(self) -> None:
        """Sign the current shopper out."""
        self.sign_out_button.click()
