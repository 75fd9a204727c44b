"""The demo shop's token-protected REST API: read back stored orders, clean up what a run made.

The demo project's :class:`~checkout_probe.shop.orders.OrderAdapter`: orders by number
or e-mail, ``DELETE /api/orders/{number}`` and ``DELETE /api/accounts/{email}``
for cleanup, and ``GET /api/synthetic?run=`` for what a run left behind.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any
from urllib.parse import quote

import httpx

from checkout_probe.basics.redact import redact
from checkout_probe.settings.config import Settings
from checkout_probe.shop.orders import (
    Charge,
    CleanupResult,
    Created,
    ReadBackUnavailable,
    StoredItem,
    StoredOrder,
    Totals,
)
from checkout_probe.target import Target

#: What cleanup calls for each kind of thing a journey creates.
CLEANUP_CALLS = {"order": "/api/orders/{key}", "account": "/api/accounts/{key}"}


def stored_order(data: dict[str, Any]) -> StoredOrder:
    """A stored order from the API's JSON."""
    return StoredOrder(
        number=data["number"],
        email=data["email"],
        status=data["status"],
        totals=Totals(
            data["subtotal_cents"], data["shipping_cents"], data["tax_cents"], data["total_cents"]
        ),
        items=tuple(
            StoredItem(i["name"], i["quantity"], i["unit_price_cents"], i["line_total_cents"])
            for i in data["items"]
        ),
        full_name=data["full_name"],
        address=f"{data['address']}, {data['city']} {data['postal_code']}",
        shipping_method=data["shipping_method"],
    )


def payment_provider_origin(base_url: str) -> list[str]:
    """Where the demo shop's payment provider is (``Shop.origins``): the storefront publishes
    it for its own front end (``GET /api/checkout-config``)."""
    response = httpx.get(f"{base_url}/api/checkout-config", timeout=5.0)
    response.raise_for_status()
    return [str(response.json()["payment_provider_origin"])]


class SessionAuth(httpx.Auth):
    """The API's bearer session (``POST /api/session`` with the order-API token), renewed
    when the shop answers 401: sessions last 15 minutes, and a probe runs for months.

    One per adapter; the engine takes the adapter's calls one at a time, and the lock keeps
    it right even if not: a session is renewed once, not by every caller that saw it
    expire (the shop limits logins)."""

    def __init__(self, base_url: str, api_token: str, timeout_s: float = 5.0) -> None:
        self._login_url = f"{base_url}/api/session"
        self._api_token = api_token
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self.session = self._login()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sent = self.session
        request.headers["Authorization"] = f"Bearer {sent}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {self._renewed(sent)}"
            yield request

    def _renewed(self, stale: str) -> str:
        with self._lock:
            if self.session == stale:  # no other thread renewed it meanwhile
                self.session = self._login()
            return self.session

    def _login(self) -> str:
        response = httpx.post(
            self._login_url, headers={"Authorization": f"Bearer {self._api_token}"},
            timeout=self._timeout_s,
        )  # fmt: skip
        response.raise_for_status()
        return str(response.json()["session"])


class OrderApi:
    """Orders of the demo shop through its API, with a session its token logs in for."""

    def __init__(self, base_url: str, auth: SessionAuth, timeout_s: float = 5.0) -> None:
        self._auth = auth
        self._client = httpx.Client(base_url=base_url, auth=auth, timeout=timeout_s)

    @classmethod
    def connect(cls, target: Target, settings: Settings) -> OrderApi:
        """The adapter for ``target`` (``Shop.orders``): one login (``POST /api/session``)
        with the order-API token, and another only when the session expired; the shop allows
        a few per quarter hour, and the engine connects once per process."""
        if not target.api_token:
            raise ReadBackUnavailable(
                f"no API token for {target.name} (api_token_env or $CHECKOUT_PROBE_API_TOKEN)"
            )
        return cls(target.base_url, SessionAuth(target.base_url, target.api_token))

    def get(self, number: str) -> StoredOrder | None:
        """The stored order with this number, or None if the shop has none."""
        response = self._client.get(f"/api/orders/{quote(number)}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return stored_order(response.json())

    def find_by_email(self, email: str) -> list[StoredOrder]:
        """All stored orders of one shopper."""
        response = self._client.get("/api/orders", params={"email": email})
        response.raise_for_status()
        return [stored_order(o) for o in response.json()["orders"]]

    def charges(self, *, order: str | None = None, email: str | None = None) -> list[Charge]:
        """Every charge attempt the payment gateway recorded for an order or a shopper
        (``GET /api/charges``, which asks the gateway server to server)."""
        params = {"order": order} if order is not None else {"email": email or ""}
        response = self._client.get("/api/charges", params=params)
        response.raise_for_status()
        return [
            Charge(
                c["id"], c["amount_cents"], c["status"], c.get("order_number"), c.get("card_last4")
            )
            for c in response.json()["charges"]
        ]

    def clean_up(self, item: Created) -> CleanupResult:
        """Cancel an order or delete an account; a refusal is a result, not an exception."""
        template = CLEANUP_CALLS.get(item.kind)
        if template is None:
            return CleanupResult(item.kind, item.key, False, f"no cleanup for a {item.kind}")
        path = template.format(key=quote(item.key))
        try:
            response = self._client.delete(path)
        except httpx.HTTPError as exc:
            return CleanupResult(item.kind, item.key, False, f"DELETE {path}: {exc}")
        detail = f"DELETE {path} → {response.status_code}"
        if not response.is_success:
            detail += " " + redact(" ".join(response.text.split())[:200], (self._auth.session,))
        return CleanupResult(item.kind, item.key, response.is_success, detail)

    def leftovers(self, run_id: str) -> dict[str, Any]:
        """The synthetic orders and accounts of ``run_id`` the shop still holds."""
        response = self._client.get("/api/synthetic", params={"run": run_id})
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()
