"""Fixtures the demo shop's checkout suites share (shop-specific, like ``flows/``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checkout_probe.target import Target
from flows.shop_api import OrderApi


@pytest.fixture(scope="session")
def order_api(target: Target) -> Iterator[OrderApi]:
    """The shop's order API, to compare what the shopper saw with what the shop stored."""
    if not target.api_token:
        pytest.skip(f"no API token for {target.name}: stored orders cannot be checked")
    api = OrderApi(target.base_url, target.api_token)
    yield api
    api.close()
