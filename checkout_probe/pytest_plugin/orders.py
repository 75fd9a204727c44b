"""The project's order adapter (``Shop.orders``): read-back for tests, cleanup after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checkout_probe.checkout.orders_access import OrderAccess, UnavailableOrders, open_orders
from checkout_probe.settings.config import Settings
from checkout_probe.shop.orders import OrderAdapter
from checkout_probe.target import Target


@pytest.fixture(scope="session")
def _cp_orders(settings: Settings, target: Target) -> Iterator[OrderAccess]:
    access = open_orders(settings, target)
    yield access
    access.close()


@pytest.fixture(scope="session")
def orders(_cp_orders: OrderAccess) -> OrderAdapter:
    """The shop's orders as stored (the project's adapter).

    Where they cannot be read here (no token, no login), reading raises
    ``ReadBackUnavailable``: a journey step doing so is reported as not done, and so
    is a test whose body does; the checkout itself still runs and is judged.
    """
    if _cp_orders.adapter is None:
        return UnavailableOrders(_cp_orders.unavailable)
    return _cp_orders.adapter
