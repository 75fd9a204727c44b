"""Account steps of the demo shop: register, sign in, sign out."""

from __future__ import annotations

from playwright.sync_api import expect

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper
from flows.pages import RegisterPage, SignInPage, SiteHeader


def register(journey: Journey, shopper: Shopper) -> None:
    """Create an account for ``shopper``; they are signed in afterwards."""
    with journey.step("register", f"register {shopper.email}"):
        RegisterPage(journey.page).open().register(shopper)
        expect(journey.page.get_by_text(f"Signed in as {shopper.email}")).to_be_visible()
        journey.remember("account", shopper.email)


def sign_in(journey: Journey, shopper: Shopper) -> None:
    """Sign ``shopper`` in with their password."""
    with journey.step("sign in", f"sign in as {shopper.email}"):
        SignInPage(journey.page).open().sign_in(shopper.email, shopper.password)
        expect(journey.page.get_by_text(f"Signed in as {shopper.email}")).to_be_visible()


def sign_out(journey: Journey) -> None:
    """Sign the current shopper out."""
    with journey.step("sign out"):
        header = SiteHeader(journey.page)
        header.sign_out()
        expect(header.sign_in_link).to_be_visible()
