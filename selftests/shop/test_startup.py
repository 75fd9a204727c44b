"""Start-up resilience: an unreachable order database must not stop the shop."""

from __future__ import annotations

from pathlib import Path

import httpx

from demo_shop.config import ShopConfig
from demo_shop.server import ShopServer

CONTACT = {
    "email": "late@example.com",
    "full_name": "Late Schema",
    "address": "1 Main Street",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "US",
    "phone": "",
}


def _place_order(server: ShopServer) -> httpx.Response:
    with (
        httpx.Client(base_url=server.url, trust_env=False, timeout=15) as shop,
        httpx.Client(base_url=server.gateway_url, trust_env=False, timeout=15) as gateway,
    ):
        shop.post("/cart/add", data={"slug": "merino-socks", "quantity": "1"})
        shop.post("/checkout/contact", data=CONTACT)
        shop.post("/checkout/shipping", data={"shipping_method": "standard"})
        card = {"number": "4242424242424242", "exp": "12/34", "cvc": "123"}
        token = gateway.post("/v1/tokens", json=card).json()["token"]
        shop.post("/checkout/payment", data={"payment_token": token})
        return shop.post("/api/orders", json={})


def test_unreachable_order_db_at_start_then_schema_created_on_first_use(tmp_path: Path) -> None:
    order_dir = tmp_path / "orders-not-yet"
    config = ShopConfig.from_sources(
        cli={
            "port": 0,
            "database_url": f"sqlite:///{tmp_path / 'shop.db'}",
            "order_database_url": f"sqlite:///{order_dir / 'orders.db'}",
            "api_token": "t",
        },
        environ={},
    )
    with ShopServer(config) as server:
        assert httpx.get(server.url + "/", trust_env=False).status_code == 200
        health = httpx.get(server.url + "/health", trust_env=False)
        assert health.status_code == 503
        assert health.json()["components"]["order-service database"]["status"] == "down"
        failed = _place_order(server)
        assert failed.status_code == 500
        assert failed.json()["detail"].startswith("could not connect to database:")

        order_dir.mkdir()  # the database becomes reachable
        placed = _place_order(server)
        assert placed.status_code == 201, placed.text
        number = placed.json()["order_number"]
        stored = httpx.get(
            f"{server.url}/api/orders/{number}",
            headers={"Authorization": "Bearer t"},
            trust_env=False,
        )
        assert stored.status_code == 200
        assert (order_dir / "orders.db").exists()
        assert httpx.get(server.url + "/health", trust_env=False).status_code == 200
