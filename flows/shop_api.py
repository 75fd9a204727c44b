"""The demo shop's token-protected order API: what the shop actually stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from flows.money import Totals


@dataclass(frozen=True)
class StoredItem:
    """One line of a stored order."""

    name: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


@dataclass(frozen=True)
class StoredOrder:
    """An order as the shop's database holds it."""

    number: str
    email: str
    status: str
    totals: Totals
    items: tuple[StoredItem, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredOrder:
        """Build from the API's JSON."""
        return cls(
            number=data["number"],
            email=data["email"],
            status=data["status"],
            totals=Totals(
                data["subtotal_cents"],
                data["shipping_cents"],
                data["tax_cents"],
                data["total_cents"],
            ),
            items=tuple(
                StoredItem(i["name"], i["quantity"], i["unit_price_cents"], i["line_total_cents"])
                for i in data["items"]
            ),
        )


class OrderApi:
    """Looks orders up by number or e-mail with the shop's API token."""

    def __init__(self, base_url: str, token: str, timeout_s: float = 5.0) -> None:
        self._client = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s
        )

    def get(self, number: str) -> StoredOrder | None:
        """The stored order with this number, or None if the shop has none."""
        response = self._client.get(f"/api/orders/{number}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return StoredOrder.from_json(response.json())

    def find_by_email(self, email: str) -> list[StoredOrder]:
        """All stored orders of one shopper."""
        response = self._client.get("/api/orders", params={"email": email})
        response.raise_for_status()
        return [StoredOrder.from_json(o) for o in response.json()["orders"]]

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()
