"""Accounts: register, sign in and out, and checkout pre-fill from the last order."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver


def _email() -> str:
    return f"user-{uuid.uuid4().hex[:8]}@example.com"


def test_register_signs_in_and_welcomes(driver: ShopDriver) -> None:
    email = _email()
    form = {"full_name": "Alex Example", "email": email, "password": "correct horse"}
    response = driver.http.post("/account/register", data=form)
    assert response.headers["location"] == "/"
    html = driver.http.get("/").text
    assert '<div role="status" class="message message-status">Welcome, Alex Example!</div>' in html
    assert f"Signed in as {email}" in html
    assert '<form method="post" action="/account/sign-out">' in html
    assert ">Sign in</a>" not in html


def test_register_validation_and_duplicate(driver: ShopDriver, make_driver: Any) -> None:
    html = driver.http.post(
        "/account/register", data={"full_name": "", "email": "x", "password": "short"}
    ).text
    assert "Please correct the highlighted fields." in html
    for field in ("full_name", "email", "password"):
        assert f'aria-describedby="{field}-error"' in html
    email = _email()
    form = {"full_name": "First", "email": email, "password": "password123"}
    driver.http.post("/account/register", data=form)
    other = make_driver()
    again = other.http.post("/account/register", data={**form, "email": email.upper()})
    assert again.status_code == 200
    duplicate = "An account with this email already exists."
    assert f'<p id="email-error" class="field-error">{duplicate}</p>' in again.text


def test_sign_in_wrong_and_right(driver: ShopDriver, make_driver: Any) -> None:
    email = _email()
    driver.http.post(
        "/account/register", data={"full_name": "Pat", "email": email, "password": "password123"}
    )
    shopper = make_driver()
    wrong = shopper.http.post("/account/sign-in", data={"email": email, "password": "nope-nope"})
    alert = '<div role="alert" class="message message-alert">Incorrect email or password.</div>'
    assert alert in wrong.text
    right = shopper.http.post(
        "/account/sign-in", data={"email": email, "password": "password123", "next": "/cart"}
    )
    assert right.headers["location"] == "/cart"
    evil = shopper.http.post(
        "/account/sign-in",
        data={"email": email, "password": "password123", "next": "//evil.example"},
    )
    assert evil.headers["location"] == "/"
    out = shopper.http.post("/account/sign-out")
    assert out.headers["location"] == "/"
    assert "Signed in as" not in shopper.http.get("/").text


def test_checkout_prefills_account_and_last_address(driver: ShopDriver) -> None:
    email = _email()
    driver.http.post(
        "/account/register", data={"full_name": "Robin", "email": email, "password": "password123"}
    )
    driver.add("trail-mug")
    html = driver.http.get("/checkout/contact").text
    assert re.search(rf'<input id="email"[^>]*value="{re.escape(email)}"', html)
    assert re.search(r'<input id="full_name"[^>]*value="Robin"', html)
    contact = {
        **driver.CONTACT,
        "email": email,
        "full_name": "Robin",
        "address": "9 Elm Road",
        "city": "Toronto",
        "postal_code": "M5V 2T6",
        "country": "CA",
    }
    driver.to_review(cart={}, contact=contact)
    assert driver.place_order().status_code == 201
    driver.add("merino-socks")
    html = driver.http.get("/checkout/contact").text
    assert re.search(r'<input id="address"[^>]*value="9 Elm Road"', html)
    assert re.search(r'<input id="city"[^>]*value="Toronto"', html)
    assert '<option value="CA" selected>Canada</option>' in html
