"""Self-test: a confirmation showing another shopper's order number is reported as such,
and cleanup cancels this shopper's order, never the other one.

Before, a stale number read as a pricing mismatch and cleanup cancelled the order shown
(another shopper's), reporting success. Here another shopper's order is placed first
over plain HTTP; the harness's checkout then sees that number on its confirmation.
"""

from __future__ import annotations

import json
from pathlib import Path

from demo_shop.config import ShopConfig
from demo_shop.server import ShopServer
from selftests.helpers import run_suites
from selftests.shop.conftest import ShopDriver

FIXED_CART = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)


def test_a_stale_order_number_names_both_orders_and_cleanup_spares_the_other_one(
    tmp_path: Path,
) -> None:
    config = ShopConfig.from_sources(
        cli={"port": 0, "gateway_port": 0, "database_url": f"sqlite:///{tmp_path / 'shop.db'}",
             "api_token": ShopDriver.API_TOKEN, "admin_token": ShopDriver.ADMIN_TOKEN},
        environ={},
    )  # fmt: skip
    with ShopServer(config) as server:
        other = ShopDriver(server)
        other.to_review()
        placed = other.place_order()
        assert placed.status_code == 201, placed.text
        theirs = placed.json()["order_number"]
        other.admin("/admin/faults", {"fault": "stale-order-number"})

        run = run_suites(
            tmp_path / "reports", FIXED_CART, f"--base-url={server.url}",
            env={"CHECKOUT_PROBE_API_TOKEN": ShopDriver.API_TOKEN},
        )  # fmt: skip
        their_order = other.api(f"/api/orders/{theirs}").json()
        other.close()

    assert run.returncode == 1, run.output[-3000:]
    (test,) = json.loads((tmp_path / "reports" / "summary.json").read_text())["tests"]
    assert test["category"] == "data_mismatch"
    reason = test["diagnosis"]["reason"]
    assert f"order number is {theirs}, but the order stored for" in reason, reason
    assert f"({theirs} belongs to {ShopDriver.CONTACT['email']})" in reason, reason
    assert their_order["status"] == "paid", "cleanup cancelled the other shopper's order"
    (cleaned,) = test["cleanup"]
    assert cleaned["ok"] and cleaned["key"] != theirs and cleaned["key"] in reason, cleaned
