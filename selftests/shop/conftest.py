"""Fixtures for the demo shop's own tests: one real shop (two HTTP servers) per session."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from demo_shop.config import ShopConfig
from demo_shop.server import ShopServer

API_TOKEN = "selftest-api-token"
ADMIN_TOKEN = "selftest-admin-token"

APPROVED = "4242 4242 4242 4242"
# The second approved card (a Mastercard), so tests can tell which card was charged.
APPROVED_MASTERCARD = "5555 5555 5555 4444"
DECLINED = "4000 0000 0000 0002"
INSUFFICIENT = "4000 0000 0000 9995"
INVALID = "1234 5678 9012 3456"

# What the shop reports when its SQLite file cannot be opened (the fault's own words).
UNABLE = "(sqlite3.OperationalError) unable to open database file"

CONTACT: dict[str, str] = {
    "email": "shopper@example.com",
    "full_name": "Sam Shopper",
    "address": "1 Main Street",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "US",
    "phone": "+1 555 0100",
}


def http_client(base_url: str, **kwargs: Any) -> httpx.Client:
    """A cookie-keeping client that never uses an environment proxy."""
    return httpx.Client(base_url=base_url, trust_env=False, timeout=15.0, **kwargs)


class ShopDriver:
    """One shopper: a cookie-keeping client walking the checkout over plain HTTP.

    Test modules reach the shared constants through this class, so they never
    import conftest.
    """

    APPROVED = APPROVED
    APPROVED_MASTERCARD = APPROVED_MASTERCARD
    DECLINED = DECLINED
    INSUFFICIENT = INSUFFICIENT
    INVALID = INVALID
    CONTACT = CONTACT
    API_TOKEN = API_TOKEN
    ADMIN_TOKEN = ADMIN_TOKEN

    def __init__(self, server: ShopServer) -> None:
        self.server = server
        self.http = http_client(server.url)
        self.gateway = http_client(server.gateway_url)

    def close(self) -> None:
        """Close both clients."""
        self.http.close()
        self.gateway.close()

    def tokenize(self, number: str) -> dict[str, Any]:
        """Tokenise a card the way the iframe does (same endpoint, same JSON)."""
        response = self.gateway.post(
            "/v1/tokens", json={"number": number, "exp": "12 / 34", "cvc": "123"}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def add(self, slug: str, quantity: int = 1) -> httpx.Response:
        """Add to the cart through the plain HTML form."""
        return self.http.post("/cart/add", data={"slug": slug, "quantity": str(quantity)})

    def to_review(
        self,
        card: str = APPROVED,
        cart: dict[str, int] | None = None,
        shipping: str = "standard",
        contact: dict[str, str] | None = None,
    ) -> None:
        """Fill the cart and complete contact, shipping and payment."""
        for slug, quantity in ({"trail-mug": 2} if cart is None else cart).items():
            assert self.add(slug, quantity).status_code == 302
        response = self.http.post("/checkout/contact", data=contact or CONTACT)
        assert response.headers.get("location") == "/checkout/shipping", response.text
        response = self.http.post("/checkout/shipping", data={"shipping_method": shipping})
        assert response.headers.get("location") == "/checkout/payment"
        token = self.tokenize(card)["token"]
        response = self.http.post("/checkout/payment", data={"payment_token": token})
        assert response.headers.get("location") == "/checkout/review"

    def place_order(self, headers: dict[str, str] | None = None) -> httpx.Response:
        """What review.js does on "Place order"."""
        return self.http.post(
            "/api/orders",
            content="{}",
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    def api(self, path: str, token: str = API_TOKEN, method: str = "GET") -> httpx.Response:
        """A request (GET unless told) on the token-protected API."""
        return self.http.request(method, path, headers={"Authorization": f"Bearer {token}"})

    def admin(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """POST to the admin API."""
        return self.http.post(path, json=body, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})

    def switch_fault(self, fault: str | None, **extra: Any) -> dict[str, Any]:
        """Switch the shop to ``fault`` (``None``: healthy) with the admin API; its answer."""
        response = self.admin("/admin/faults", {"fault": fault, **extra})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def new_contact(self) -> dict[str, str]:
        """The test contact with an e-mail address no other order has."""
        return {**CONTACT, "email": f"fault-{uuid.uuid4().hex[:8]}@example.com"}

    def charge_count(self) -> int:
        """How many charge attempts the gateway has seen."""
        return len(self.server.charges.all())

    @staticmethod
    def text_of(html: str, testid: str) -> str:
        """The text inside the element with ``data-testid=testid`` (flat elements only)."""
        match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>([^<]*)<', html)
        assert match is not None, f"no data-testid={testid!r} in page"
        return match.group(1).strip()


def _shop_config(db_path: Path) -> ShopConfig:
    return ShopConfig.from_sources(
        cli={
            "port": 0,
            "gateway_port": 0,
            "database_url": f"sqlite:///{db_path}",
            "api_token": API_TOKEN,
            "admin_token": ADMIN_TOKEN,
        },
        environ={},
    )


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopServer]:
    """The real shop on free ports with a fresh SQLite file."""
    db_path: Path = tmp_path_factory.mktemp("shop") / "shop.db"
    with ShopServer(_shop_config(db_path)) as server:
        yield server


@pytest.fixture
def empty_shop_driver(tmp_path: Path) -> Iterator[ShopDriver]:
    """A shopper on a second shop of its own, whose order database has no orders yet."""
    with ShopServer(_shop_config(tmp_path / "empty-shop.db")) as server:
        shopper = ShopDriver(server)
        yield shopper
        shopper.close()


@pytest.fixture
def own_shop(tmp_path: Path) -> Iterator[Callable[..., ShopDriver]]:
    """A factory: a shopper on a new shop of its own, with ShopConfig settings changed.

    For what a shared shop cannot give: ``cdn_down=True``, a fresh login count and limit.
    """
    with ExitStack() as stack:

        def start(**settings: Any) -> ShopDriver:
            database = tmp_path / f"own-{uuid.uuid4().hex[:8]}.db"
            config = dataclasses.replace(_shop_config(database), **settings)
            shopper = ShopDriver(stack.enter_context(ShopServer(config)))
            stack.callback(shopper.close)
            return shopper

        yield start


@pytest.fixture(autouse=True)
def _healthy_shop(shop: ShopServer) -> Iterator[None]:
    """Every test starts and ends with no fault, each fault's own delay and the default version."""
    shop.faults.set_fault(None)
    shop.faults.reset_delay()
    shop.faults.set_version("1.0.0")
    yield
    shop.faults.set_fault(None)
    shop.faults.reset_delay()
    shop.faults.set_version("1.0.0")


@pytest.fixture
def driver(shop: ShopServer) -> Iterator[ShopDriver]:
    """A fresh shopper (empty cookie jar)."""
    shopper = ShopDriver(shop)
    yield shopper
    shopper.close()


@pytest.fixture
def make_driver(shop: ShopServer) -> Iterator[Any]:
    """A factory for extra shoppers, closed after the test."""
    created: list[ShopDriver] = []

    def make() -> ShopDriver:
        shopper = ShopDriver(shop)
        created.append(shopper)
        return shopper

    yield make
    for shopper in created:
        shopper.close()
