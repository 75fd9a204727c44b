"""The full order path over HTTP, with each test card, and the token API."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver


def _contact(driver: ShopDriver) -> dict[str, str]:
    # A unique email per test, so lookups by email see only this test's orders.
    return {**driver.CONTACT, "email": f"buyer-{uuid.uuid4().hex[:8]}@example.com"}


def test_tokens_know_the_brand(driver: ShopDriver) -> None:
    assert driver.tokenize("4242 4242 4242 4242")["brand"] == "Visa"
    assert driver.tokenize("5555 5555 5555 4444")["brand"] == "Mastercard"
    assert driver.tokenize("3782 822463 10005")["brand"] == "Amex"
    other = driver.tokenize("6011 0000 0000 0004")
    assert (other["brand"], other["last4"]) == ("Card", "0004")
    assert other["token"].startswith("tok_")
    missing = driver.gateway.post("/v1/tokens", json={"number": "4242", "exp": "", "cvc": ""})
    assert missing.status_code == 400


def test_approved_card_places_and_stores_the_order(driver: ShopDriver) -> None:
    contact = _contact(driver)
    driver.to_review(cart={"trail-mug": 2, "rain-shell": 1}, shipping="express", contact=contact)
    response = driver.place_order(headers={"X-Synthetic-Run": "run-42"})
    assert response.status_code == 201, response.text
    body = response.json()
    number = body["order_number"]
    assert re.fullmatch(r"CP-[0-9A-F]{8}", number)
    assert body["confirmation_url"] == f"/orders/{number}/confirmation"

    order = driver.api(f"/api/orders/{number}").json()
    assert order["number"] == number
    assert order["email"] == contact["email"]
    assert order["status"] == "paid"
    assert order["full_name"] == "Sam Shopper"
    assert order["shipping_method"] == "express"
    assert order["subtotal_cents"] == 2 * 1299 + 12999
    assert order["shipping_cents"] == 1499
    assert order["tax_cents"] == 1248  # 8 % of 155.97 = 12.4776, rounded half up
    assert order["total_cents"] == 15597 + 1499 + 1248
    assert order["card_last4"] == "4242"
    assert order["synthetic_run"] == "run-42"
    assert order["created_at"].endswith("Z")
    assert order["items"] == [
        {
            "slug": "trail-mug",
            "name": "Trail Mug",
            "unit_price_cents": 1299,
            "quantity": 2,
            "line_total_cents": 2598,
        },
        {
            "slug": "rain-shell",
            "name": "Rain Shell",
            "unit_price_cents": 12999,
            "quantity": 1,
            "line_total_cents": 12999,
        },
    ]
    listed = driver.api(f"/api/orders?email={contact['email']}").json()
    assert [o["number"] for o in listed["orders"]] == [number]
    assert driver.server.charges.all()[-1].amount_cents == order["total_cents"]

    page = driver.http.get(body["confirmation_url"])
    assert page.status_code == 200
    assert "<h1>Thank you for your order</h1>" in page.text
    assert driver.text_of(page.text, "order-number") == number
    assert driver.text_of(page.text, "confirmation-total") == "$183.44"
    assert driver.text_of(page.text, "confirmation-shipping") == "$14.99"
    # The cart and checkout state are gone.
    assert driver.text_of(page.text, "cart-count") == "0"
    assert driver.http.get("/checkout/review").headers["location"] == "/cart"


def test_confirmation_is_only_for_the_placing_session(driver: ShopDriver, make_driver: Any) -> None:
    driver.to_review()
    url = driver.place_order().json()["confirmation_url"]
    assert make_driver().http.get(url).status_code == 404
    assert driver.http.get("/orders/CP-00000000/confirmation").status_code == 404


@pytest.mark.parametrize(
    ("card", "code", "message"),
    [
        ("4000 0000 0000 0002", "card_declined", "Your card was declined."),
        ("4000 0000 0000 9995", "insufficient_funds", "Your card has insufficient funds."),
        ("1234 5678 9012 3456", "invalid_number", "Your card number is invalid."),
    ],
)
def test_refused_cards_store_no_order(
    driver: ShopDriver, card: str, code: str, message: str
) -> None:
    contact = _contact(driver)
    driver.to_review(card=card, contact=contact)
    response = driver.place_order()
    assert response.status_code == 402
    assert response.json() == {"error": {"code": code, "message": message}}
    assert driver.api(f"/api/orders?email={contact['email']}").json() == {"orders": []}
    # The checkout is still there, so the shopper can pick another card.
    assert driver.http.get("/checkout/review").status_code == 200


def test_gateway_charge_rules_directly(driver: ShopDriver) -> None:
    secret = {"Authorization": f"Bearer {driver.server.config.gateway_secret}"}
    token = driver.tokenize("4242424242424242")["token"]
    ok = driver.gateway.post(
        "/v1/charges", json={"token": token, "amount_cents": 100, "currency": "usd"}, headers=secret
    )
    assert ok.status_code == 200 and ok.json()["status"] == "succeeded"
    assert ok.json()["id"].startswith("ch_")
    unknown = driver.gateway.post(
        "/v1/charges",
        json={"token": "tok_nope", "amount_cents": 100, "currency": "usd"},
        headers=secret,
    )
    assert unknown.status_code == 400
    no_secret = driver.gateway.post(
        "/v1/charges", json={"token": token, "amount_cents": 100, "currency": "usd"}
    )
    assert no_secret.status_code == 401


def test_stock_decrements(driver: ShopDriver) -> None:
    from demo_shop.storefront.products import get_product

    catalog = driver.server.app.extensions["demo_shop"].catalog  # type: ignore[union-attr]
    before = get_product(catalog, "water-bottle")
    assert before is not None
    driver.to_review(cart={"water-bottle": 3})
    assert driver.place_order().status_code == 201
    after = get_product(catalog, "water-bottle")
    assert after is not None and after.stock == before.stock - 3


def test_incomplete_checkout_is_rejected(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    assert driver.place_order().status_code == 400


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "x"}])
def test_token_api_needs_the_token(driver: ShopDriver, headers: dict[str, str]) -> None:
    for path in ("/api/orders/CP-00000000", "/api/orders?email=a@b.co"):
        response = driver.http.get(path, headers=headers)
        assert response.status_code == 401
        assert response.json() == {"error": "missing or invalid API token"}


def test_unknown_order_is_404(driver: ShopDriver) -> None:
    assert driver.api("/api/orders/CP-00000000").status_code == 404
