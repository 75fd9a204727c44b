"""Account pages: register and sign in."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from checkout_probe.shop.data import Shopper


class RegisterPage:
    """``/account/register``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Create account", level=1)
        self.full_name: Locator = page.get_by_label("Full name", exact=True)
        self.email: Locator = page.get_by_label("Email", exact=True)
        self.password: Locator = page.get_by_label("Password", exact=True)
        self.submit_button: Locator = page.get_by_role("button", name="Create account")

    def open(self) -> RegisterPage:
        """Go to the registration form."""
        self.page.goto("/account/register")
        return self

    def register(self, shopper: Shopper) -> None:
        """Create an account for the shopper (which signs them in)."""
        self.full_name.fill(shopper.full_name)
        self.email.fill(shopper.email)
        self.password.fill(shopper.password)
        self.submit_button.click()


class SignInPage:
    """``/account/sign-in``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading: Locator = page.get_by_role("heading", name="Sign in", level=1)
        self.email: Locator = page.get_by_label("Email", exact=True)
        self.password: Locator = page.get_by_label("Password", exact=True)
        self.submit_button: Locator = page.get_by_role("button", name="Sign in")
        self.error: Locator = page.get_by_role("alert")

    def open(self) -> SignInPage:
        """Go to the sign-in form."""
        self.page.goto("/account/sign-in")
        return self

    def sign_in(self, email: str, password: str) -> None:
        """Sign in with an e-mail and password."""
        self.email.fill(email)
        self.password.fill(password)
        self.submit_button.click()
