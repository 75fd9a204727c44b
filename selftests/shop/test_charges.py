"""The charge lookup: what the gateway charged, per order and per shopper, over HTTP."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver


def _contact(driver: ShopDriver) -> dict[str, str]:
    # A unique email per test, so lookups by email see only this test's charges.
    return {**driver.CONTACT, "email": f"charges-{uuid.uuid4().hex[:8]}@example.com"}


def _switch(driver: ShopDriver, fault: str | None) -> None:
    assert driver.admin("/admin/faults", {"fault": fault}).status_code == 200


def _charges(driver: ShopDriver, query: str) -> list[dict[str, Any]]:
    response = driver.api(f"/api/charges?{query}")
    assert response.status_code == 200, response.text
    charges: list[dict[str, Any]] = response.json()["charges"]
    return charges


def test_charge_lookup_by_order_returns_the_one_charge_for_it(driver: ShopDriver) -> None:
    contact = _contact(driver)
    driver.to_review(cart={"trail-mug": 1}, contact=contact)
    number = driver.place_order().json()["order_number"]
    (charge,) = _charges(driver, f"order={number}")
    assert charge == {
        "id": charge["id"],
        "order_number": number,
        "email": contact["email"],
        "amount_cents": 1299 + 499 + 104,
        "currency": "usd",
        "status": "succeeded",
        "code": None,
        "card_last4": "4242",
        "card_brand": "Visa",
    }
    assert charge["id"].startswith("ch_")
    assert driver.server.charges.all()[-1].id == charge["id"]


def test_charge_lookup_by_email_lists_declined_then_approved_attempts_in_order(
    driver: ShopDriver,
) -> None:
    contact = _contact(driver)
    driver.to_review(card=driver.DECLINED, contact=contact)
    assert driver.place_order().status_code == 402
    token = driver.tokenize(driver.APPROVED)["token"]
    driver.http.post("/checkout/payment", data={"payment_token": token})
    number = driver.place_order().json()["order_number"]

    # The e-mail matches whatever its case.
    charges = _charges(driver, f"email={contact['email'].upper()}")
    assert [(c["status"], c["code"]) for c in charges] == [
        ("failed", "card_declined"),
        ("succeeded", None),
    ]
    assert charges[1]["order_number"] == number
    # The declined attempt names the order number it tried to pay, never stored.
    attempted = charges[0]["order_number"]
    assert attempted is not None and attempted != number
    assert driver.api(f"/api/orders/{attempted}").status_code == 404
    assert _charges(driver, f"order={attempted}") == [charges[0]]
    assert _charges(driver, f"order={number}&email={contact['email']}") == [charges[1]]


def test_charge_lookup_of_an_unknown_order_is_an_empty_list(driver: ShopDriver) -> None:
    assert _charges(driver, "order=CP-00000000") == []


@pytest.mark.parametrize("query", ["", "?order=", "?email=%20", "?other=1"])
def test_charge_lookup_without_order_or_email_is_400(driver: ShopDriver, query: str) -> None:
    response = driver.api(f"/api/charges{query}")
    assert response.status_code == 400
    assert response.json() == {"error": "the order or email query parameter is required"}


def test_charge_lookup_needs_the_api_token(driver: ShopDriver) -> None:
    response = driver.http.get("/api/charges?order=CP-00000000")
    assert (response.status_code, response.json()) == (
        401,
        {"error": "missing or invalid API token"},
    )
    assert driver.api("/api/charges?order=CP-1", token=driver.ADMIN_TOKEN).status_code == 401


def test_charge_lookup_works_while_the_order_database_is_broken(driver: ShopDriver) -> None:
    driver.to_review()
    number = driver.place_order().json()["order_number"]
    _switch(driver, "bad-db-connection-string")
    assert [c["order_number"] for c in _charges(driver, f"order={number}")] == [number]


def test_charge_lookup_is_502_while_the_gateway_is_down(driver: ShopDriver) -> None:
    _switch(driver, "payment-gateway-down")
    response = driver.api("/api/charges?order=CP-00000000")
    assert response.status_code == 502
    assert response.json()["error"] == "payment gateway unavailable"
    assert response.json()["detail"].startswith("HTTP 503")


def test_gateway_filters_charges_by_metadata_and_checks_it(driver: ShopDriver) -> None:
    secret = {"Authorization": f"Bearer {driver.server.config.gateway_secret}"}
    order = f"CP-{uuid.uuid4().hex[:8].upper()}"

    def charge(metadata: object) -> int:
        token = driver.tokenize(driver.APPROVED)["token"]
        body = {"token": token, "amount_cents": 100, "currency": "usd", "metadata": metadata}
        return driver.gateway.post("/v1/charges", json=body, headers=secret).status_code

    assert charge({"order_number": order, "email": "gw@example.com"}) == 200
    assert charge("not an object") == 400
    assert charge({"order_number": 42}) == 400
    listed = driver.gateway.get(f"/v1/charges?order={order}", headers=secret).json()["data"]
    assert [(c["order_number"], c["email"], c["status"]) for c in listed] == [
        (order, "gw@example.com", "succeeded")
    ]
    assert driver.gateway.get(f"/v1/charges?order={order}").status_code == 401


def test_charges_name_the_card_charged_and_the_mastercard_approves_like_visa(
    driver: ShopDriver,
) -> None:
    contact = _contact(driver)
    driver.to_review(card=driver.DECLINED, contact=contact)
    assert driver.place_order().status_code == 402
    token = driver.tokenize(driver.APPROVED_MASTERCARD)["token"]
    driver.http.post("/checkout/payment", data={"payment_token": token})
    assert "Paying with Mastercard ending 4444" in driver.http.get("/checkout/review").text
    response = driver.place_order()
    assert response.status_code == 201, response.text
    number = response.json()["order_number"]

    order = driver.api(f"/api/orders/{number}").json()
    assert (order["status"], order["card_brand"], order["card_last4"]) == (
        "paid",
        "Mastercard",
        "4444",
    )
    # Each attempt names the card behind its own token: the refused Visa, then the Mastercard.
    charges = _charges(driver, f"email={contact['email']}")
    assert [(c["status"], c["card_brand"], c["card_last4"]) for c in charges] == [
        ("failed", "Visa", "0002"),
        ("succeeded", "Mastercard", "4444"),
    ]
    assert charges[1]["amount_cents"] == order["total_cents"]
    # The gateway's own records carry the same fields.
    secret = {"Authorization": f"Bearer {driver.server.config.gateway_secret}"}
    (record,) = driver.gateway.get(f"/v1/charges?order={number}", headers=secret).json()["data"]
    assert (record["card_brand"], record["card_last4"]) == ("Mastercard", "4444")
