"""The checkout pages: step gating, contact validation, shipping, payment and review."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver


def test_empty_cart_redirects_every_step_to_cart(driver: ShopDriver) -> None:
    for step in ("contact", "shipping", "payment", "review"):
        response = driver.http.get(f"/checkout/{step}")
        assert response.status_code == 302
        assert response.headers["location"] == "/cart"


def test_later_steps_redirect_to_the_first_incomplete_step(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    assert driver.http.get("/checkout/review").headers["location"] == "/checkout/contact"
    driver.http.post("/checkout/contact", data=driver.CONTACT)
    assert driver.http.get("/checkout/review").headers["location"] == "/checkout/shipping"
    driver.http.post("/checkout/shipping", data={"shipping_method": "express"})
    assert driver.http.get("/checkout/review").headers["location"] == "/checkout/payment"


def test_contact_page_fields(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    html = driver.http.get("/checkout/contact").text
    assert "<h1>Contact and shipping</h1>" in html
    assert '<ol aria-label="Checkout steps"' in html
    for field, label in [
        ("email", "Email"),
        ("full_name", "Full name"),
        ("address", "Address"),
        ("city", "City"),
        ("postal_code", "Postal code"),
        ("country", "Country"),
        ("phone", "Phone"),
    ]:
        assert f'<label for="{field}">{label}</label>' in html
    assert '<option value="US" selected>United States</option>' in html
    for code, name in [("CA", "Canada"), ("GB", "United Kingdom"), ("DE", "Germany")]:
        assert f'<option value="{code}">{name}</option>' in html
    assert '<button type="submit">Continue to shipping</button>' in html


def test_contact_validation_errors(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    form = {
        "email": "nope",
        "full_name": "",
        "address": "",
        "city": "",
        "postal_code": "1",
        "country": "US",
        "phone": "12",
    }
    response = driver.http.post("/checkout/contact", data=form)
    assert response.status_code == 200
    html = response.text
    alert = "Please correct the highlighted fields."
    assert f'<div role="alert" class="message message-alert">{alert}</div>' in html
    expected = {
        "email": "Enter a valid email address.",
        "full_name": "Enter your full name.",
        "address": "Enter your street address.",
        "city": "Enter your city.",
        "postal_code": "Enter a valid postal code.",
        "phone": "Enter a valid phone number.",
    }
    for field, message in expected.items():
        assert re.search(
            rf'<input id="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error">\s*'
            rf'<p id="{field}-error" class="field-error">{re.escape(message)}</p>',
            html,
        ), field
    assert 'value="nope"' in html  # submitted values are kept


@pytest.mark.parametrize(
    ("country", "postal", "valid"),
    [
        ("US", "12345-6789", True),
        ("US", "1234", False),
        ("CA", "K1A 0B1", True),
        ("CA", "12345", False),
        ("GB", "SW1A 1AA", True),
        ("DE", "10115", True),
        ("DE", "1!", False),
    ],
)
def test_postal_codes_per_country(
    driver: ShopDriver, country: str, postal: str, valid: bool
) -> None:
    driver.add("trail-mug")
    form = {**driver.CONTACT, "country": country, "postal_code": postal}
    response = driver.http.post("/checkout/contact", data=form)
    assert (response.status_code == 302) is valid
    assert ("Enter a valid postal code." in response.text) is not valid


def test_phone_is_optional_but_validated(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    ok = driver.http.post("/checkout/contact", data={**driver.CONTACT, "phone": ""})
    assert ok.status_code == 302
    bad = driver.http.post("/checkout/contact", data={**driver.CONTACT, "phone": "555-CALL-NOW"})
    assert "Enter a valid phone number." in bad.text


def test_shipping_page(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    driver.http.post("/checkout/contact", data=driver.CONTACT)
    html = driver.http.get("/checkout/shipping").text
    assert "<h1>Shipping method</h1>" in html
    assert "<legend>Shipping method</legend>" in html
    assert re.search(r'value="standard"\s+checked>', html)
    assert '<label for="shipping-standard">Standard — $4.99</label>' in html
    assert '<label for="shipping-express">Express — $14.99</label>' in html


def test_payment_page_embeds_the_gateway_iframe(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    driver.http.post("/checkout/contact", data=driver.CONTACT)
    driver.http.post("/checkout/shipping", data={"shipping_method": "standard"})
    html = driver.http.get("/checkout/payment").text
    assert "<h1>Payment</h1>" in html
    origin = driver.server.url
    src = f"{driver.server.gateway_url}/elements/card?parent_origin={origin}"
    assert f'<iframe title="Card details" src="{src}"' in html
    assert 'name="payment_token"' in html
    assert '<button type="submit" disabled>Continue to review</button>' in html
    assert "CheckoutPayment.mount(" in html

    card = driver.gateway.get(f"/elements/card?parent_origin={origin}").text
    assert '<label for="card-number">Card number</label>' in card
    assert '<label for="card-expiry">Expiry date</label>' in card
    assert 'placeholder="MM / YY"' in card
    assert '<label for="card-cvc">CVC</label>' in card
    assert 'type="password"' not in card
    assert f'data-parent-origin="{driver.server.url}"' in card
    assert driver.gateway.get("/elements/card?parent_origin=javascript:x").status_code == 400


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("card_declined", "Your card was declined."),
        ("insufficient_funds", "Your card has insufficient funds."),
        ("invalid_number", "Your card number is invalid."),
        ("whatever", "Your payment could not be processed."),
    ],
)
def test_payment_error_messages(driver: ShopDriver, code: str, message: str) -> None:
    driver.add("trail-mug")
    driver.http.post("/checkout/contact", data=driver.CONTACT)
    driver.http.post("/checkout/shipping", data={"shipping_method": "standard"})
    html = driver.http.get(f"/checkout/payment?error={code}").text
    assert f'<div role="alert" class="message message-alert">{message}</div>' in html


def test_payment_without_token_is_rejected(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    driver.http.post("/checkout/contact", data=driver.CONTACT)
    driver.http.post("/checkout/shipping", data={"shipping_method": "standard"})
    response = driver.http.post("/checkout/payment", data={"payment_token": ""})
    assert response.headers["location"].startswith("/checkout/payment?error=")
    bogus = driver.http.post("/checkout/payment", data={"payment_token": "tok_unknown"})
    assert bogus.headers["location"].startswith("/checkout/payment?error=")
    assert driver.http.get("/checkout/review").headers["location"] == "/checkout/payment"


def test_review_page_summary(driver: ShopDriver) -> None:
    driver.to_review(cart={"trail-mug": 2, "camp-lantern": 1}, shipping="express")
    html = driver.http.get("/checkout/review").text
    assert "<h1>Review your order</h1>" in html
    assert "Paying with Visa ending 4242" in html
    assert "Express — $14.99" in html
    assert "1 Main Street" in html
    assert driver.text_of(html, "summary-subtotal") == "$60.47"
    assert driver.text_of(html, "summary-shipping") == "$14.99"
    assert driver.text_of(html, "summary-tax") == "$4.84"
    assert driver.text_of(html, "summary-total") == "$80.30"
    assert '<button type="button" id="place-order" disabled>Place order</button>' in html
