"""Synthetic traffic and the harness's cleanup API: leftovers, cancelling, deleting accounts."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from demo_shop.storefront.products import get_product

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

SIGN_IN_FAILED = (
    '<div role="alert" class="message message-alert">Incorrect email or password.</div>'
)


def _run() -> str:
    # Unique per test: one shop serves a whole worker, so listings must not see
    # other tests' runs.
    return f"run-1-{uuid.uuid4().hex[:8]}"


def _email() -> str:
    return f"synthetic-{uuid.uuid4().hex[:8]}@example.com"


def _stock(driver: ShopDriver, slug: str) -> int:
    catalog = driver.server.app.extensions["demo_shop"].catalog  # type: ignore[union-attr]
    product = get_product(catalog, slug)
    assert product is not None
    return product.stock


def _synthetic(driver: ShopDriver, run: str | None = None) -> dict[str, Any]:
    response = driver.api("/api/synthetic" if run is None else f"/api/synthetic?run={run}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _place(driver: ShopDriver, run: str | None, cart: dict[str, int]) -> tuple[str, str]:
    email = _email()
    driver.to_review(cart=cart, contact={**driver.CONTACT, "email": email})
    headers = {} if run is None else {"X-Synthetic-Run": run}
    response = driver.place_order(headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["order_number"], email


def _register(driver: ShopDriver, run: str | None, email: str) -> None:
    headers = {} if run is None else {"X-Synthetic-Run": run}
    form = {"full_name": "Synthetic Sam", "email": email, "password": "password123"}
    response = driver.http.post("/account/register", data=form, headers=headers)
    assert response.headers.get("location") == "/", response.text


def test_synthetic_order_is_listed_cancelled_and_restocked(driver: ShopDriver) -> None:
    run = _run()
    before = _stock(driver, "camp-lantern")
    number, email = _place(driver, run, {"camp-lantern": 2})
    assert _stock(driver, "camp-lantern") == before - 2

    listed = {"number": number, "status": "paid", "email": email, "synthetic_run": run}
    assert _synthetic(driver, run) == {"orders": [listed], "accounts": []}
    assert listed in _synthetic(driver)["orders"]

    response = driver.api(f"/api/orders/{number}", method="DELETE")
    assert response.status_code == 200
    assert response.json() == {"number": number, "status": "cancelled"}
    assert _synthetic(driver, run) == {"orders": [], "accounts": []}
    assert number not in [order["number"] for order in _synthetic(driver)["orders"]]
    assert driver.api(f"/api/orders/{number}").json()["status"] == "cancelled"
    assert _stock(driver, "camp-lantern") == before

    # Idempotent: a second cancel answers the same and does not restock again.
    again = driver.api(f"/api/orders/{number}", method="DELETE")
    assert (again.status_code, again.json()) == (200, {"number": number, "status": "cancelled"})
    assert _stock(driver, "camp-lantern") == before


def test_real_orders_and_other_runs_are_not_listed(driver: ShopDriver, make_driver: Any) -> None:
    run, other_run = _run(), _run()
    real, _ = _place(driver, None, {"trail-mug": 1})
    mine, _ = _place(make_driver(), run, {"trail-mug": 1})
    theirs, _ = _place(make_driver(), other_run, {"trail-mug": 1})
    assert driver.api(f"/api/orders/{real}").json()["synthetic_run"] is None
    assert [order["number"] for order in _synthetic(driver, run)["orders"]] == [mine]
    everything = [order["number"] for order in _synthetic(driver)["orders"]]
    assert mine in everything and theirs in everything and real not in everything
    for number in (mine, theirs):
        assert driver.api(f"/api/orders/{number}", method="DELETE").status_code == 200


def test_synthetic_account_is_listed_and_deleted(driver: ShopDriver, make_driver: Any) -> None:
    run, email, real_email = _run(), _email(), _email()
    _register(driver, run, email)
    _register(make_driver(), None, real_email)

    listed = {"email": email, "synthetic_run": run}
    assert _synthetic(driver, run) == {"orders": [], "accounts": [listed]}
    accounts = _synthetic(driver)["accounts"]
    assert listed in accounts
    assert real_email not in [account["email"] for account in accounts]

    response = driver.api(f"/api/accounts/{email}", method="DELETE")
    assert response.status_code == 200
    assert response.json() == {"email": email, "deleted": True}
    assert _synthetic(driver, run) == {"orders": [], "accounts": []}

    shopper = make_driver()
    login = shopper.http.post("/account/sign-in", data={"email": email, "password": "password123"})
    assert login.status_code == 200
    assert SIGN_IN_FAILED in login.text
    assert driver.api(f"/api/accounts/{email}", method="DELETE").status_code == 404
    # The real account is untouched and can still sign in.
    ok = shopper.http.post(
        "/account/sign-in", data={"email": real_email, "password": "password123"}
    )
    assert ok.headers.get("location") == "/"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "x"}])
def test_cleanup_needs_the_token(
    driver: ShopDriver, make_driver: Any, headers: dict[str, str]
) -> None:
    run, email = _run(), _email()
    number, _ = _place(driver, run, {"merino-socks": 1})
    _register(make_driver(), run, email)
    for method, path in (
        ("GET", f"/api/synthetic?run={run}"),
        ("DELETE", f"/api/orders/{number}"),
        ("DELETE", f"/api/accounts/{email}"),
    ):
        response = driver.http.request(method, path, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.json() == {"error": "missing or invalid API token"}
    # Nothing was cancelled or deleted by the refused requests.
    left = _synthetic(driver, run)
    assert [order["number"] for order in left["orders"]] == [number]
    assert [account["email"] for account in left["accounts"]] == [email]
    assert driver.api(f"/api/orders/{number}", method="DELETE").status_code == 200
    assert driver.api(f"/api/accounts/{email}", method="DELETE").status_code == 200


def test_unknown_order_and_account_are_404(driver: ShopDriver) -> None:
    order = driver.api("/api/orders/CP-00000000", method="DELETE")
    assert (order.status_code, order.json()) == (404, {"error": "order not found"})
    account = driver.api("/api/accounts/nobody-here@example.com", method="DELETE")
    assert (account.status_code, account.json()) == (404, {"error": "account not found"})


def test_blank_run_is_rejected(driver: ShopDriver) -> None:
    response = driver.api("/api/synthetic?run=")
    assert response.status_code == 400
    assert "run" in response.json()["error"]


@pytest.mark.parametrize("fault", ["bad-db-connection-string", "catalog-db-down", "partial"])
def test_cleanup_works_during_database_faults(
    driver: ShopDriver, make_driver: Any, fault: str
) -> None:
    run, email = _run(), _email()
    before = _stock(driver, "rain-shell")
    number, _ = _place(make_driver(), run, {"rain-shell": 1})
    _register(make_driver(), run, email)
    # Rate 1: every session, including the cleanup client's, is routed to the fault.
    switched = driver.admin("/admin/faults", {"fault": fault, "rate": 1.0})
    assert switched.status_code == 200, switched.text
    left = _synthetic(driver, run)
    assert [order["number"] for order in left["orders"]] == [number]
    assert [account["email"] for account in left["accounts"]] == [email]
    assert driver.api(f"/api/orders/{number}", method="DELETE").status_code == 200
    assert driver.api(f"/api/accounts/{email}", method="DELETE").status_code == 200
    assert _synthetic(driver, run) == {"orders": [], "accounts": []}
    assert _stock(driver, "rain-shell") == before


def test_failed_restock_leaves_the_order_to_retry(driver: ShopDriver) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from demo_shop.orders.cancel import cancel_order

    shop = driver.server.app.extensions["demo_shop"]  # type: ignore[union-attr]
    before = _stock(driver, "summit-backpack")
    number, _ = _place(driver, _run(), {"summit-backpack": 1})
    # An unreachable storefront database: the cancel must be undone, not half done.
    with pytest.raises(SQLAlchemyError):
        cancel_order(shop.orders, shop.broken_catalog, number)
    assert driver.api(f"/api/orders/{number}").json()["status"] == "paid"
    assert driver.api(f"/api/orders/{number}", method="DELETE").status_code == 200
    assert _stock(driver, "summit-backpack") == before
