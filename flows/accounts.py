"""Account steps of the demo shop: register, sign in, sign out."""

from __future__ import annotations

from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.data import Shopper
from flows.pages import RegisterPage, SignInPage, SiteHeader


def register(journey: Journey, shopper: Shopper) -> None:
    """Create an account for ``shopper``; they are signed in afterwards."""
    with journey.step("register", f"register {shopper.email}"):
        form = RegisterPage(journey.page).open()
        journey.wait_for_page(form.heading, "the registration form")
        form.register(shopper)
        signed_in = journey.page.get_by_text(f"Signed in as {shopper.email}")
        journey.wait_for_page(signed_in, f"{shopper.email} signed in")
        journey.remember("account", shopper.email)


def sign_in(journey: Journey, shopper: Shopper) -> None:
    """Sign ``shopper`` in with their password."""
    with journey.step("sign in", f"sign in as {shopper.email}"):
        form = SignInPage(journey.page).open()
        journey.wait_for_page(form.heading, "the sign-in form")
        form.sign_in(shopper.email, shopper.password)
        signed_in = journey.page.get_by_text(f"Signed in as {shopper.email}")
        journey.wait_for_page(signed_in, f"{shopper.email} signed in")


def sign_out(journey: Journey) -> None:
    """Sign the current shopper out."""
    with journey.step("sign out"):
        header = SiteHeader(journey.page)
        header.sign_out()
        journey.wait_for_page(header.sign_in_link, "the shop signed out")
