"""Health, version, configuration precedence and pricing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from demo_shop.config import ShopConfig
from demo_shop.orders.pricing import PricedLine, compute_totals, format_money, tax_cents

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver


def test_health_reports_every_component_ok(driver: ShopDriver) -> None:
    response = driver.http.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == "1.0.0"
    assert body["components"] == {
        "storefront database": {"status": "ok"},
        "order-service database": {"status": "ok"},
        "payment gateway": {"status": "ok"},
    }


@pytest.mark.parametrize("path", ["/", "/health", "/cart", "/products/nope", "/static/cart.js"])
def test_every_response_carries_the_version_header(driver: ShopDriver, path: str) -> None:
    response = driver.http.get(path)
    assert response.headers["X-Shop-Version"] == "1.0.0"


def test_version_endpoint(driver: ShopDriver) -> None:
    assert driver.http.get("/version").json() == {"version": "1.0.0"}


def test_gateway_health(driver: ShopDriver) -> None:
    assert driver.gateway.get("/health").json() == {"status": "ok"}


def test_config_precedence_cli_over_env_over_defaults() -> None:
    env = {"DATABASE_URL": "sqlite:///env.db", "SHOP_VERSION": "2.0.0", "SHOP_API_TOKEN": "env"}
    config = ShopConfig.from_sources(cli={"database_url": "sqlite:///cli.db"}, environ=env)
    assert config.database_url == "sqlite:///cli.db"
    assert config.order_database_url == "sqlite:///cli.db"
    assert config.shop_version == "2.0.0"
    assert config.api_token == "env"
    assert config.admin_token == "env"
    assert not config.api_token_generated
    defaults = ShopConfig.from_sources(cli={}, environ={})
    assert defaults.database_url == "sqlite:///demo-shop.db"
    assert defaults.shop_version == "1.0.0"
    assert defaults.api_token_generated and len(defaults.api_token) > 16


def test_order_database_url_can_differ() -> None:
    env = {"ORDER_DATABASE_URL": "sqlite:///orders.db"}
    config = ShopConfig.from_sources(cli={"database_url": "sqlite:///shop.db"}, environ=env)
    assert (config.database_url, config.order_database_url) == (
        "sqlite:///shop.db",
        "sqlite:///orders.db",
    )


def test_money_and_tax_rounding() -> None:
    assert format_money(1200) == "$12.00"
    assert format_money(3450) == "$34.50"
    assert format_money(5) == "$0.05"
    assert tax_cents(2400) == 192
    assert tax_cents(1256) == 100  # 100.48 rounds down
    assert tax_cents(1262) == 101  # 100.96 rounds up
    totals = compute_totals([PricedLine("trail-mug", "Trail Mug", 1299, 2)], "express")
    assert (totals.subtotal_cents, totals.shipping_cents, totals.tax_cents) == (2598, 1499, 208)
    assert totals.total_cents == 4305
