"""A shop's orders as the harness sees them outside the browser: read-back and cleanup.

The engine knows no shop's API. A project implements :class:`OrderAdapter` for its
shop (a REST API with a token, a staff dashboard, the shop's own management
commands) and names its factory in its :class:`~checkout_probe.shop.Shop`. The
engine calls it for two things only: reading back what a checkout stored (the
project's journeys and tests do, through the ``orders`` fixture) and removing
what a checkout created (always, after every checkout, reported per item).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable


def money(cents: int) -> str:
    """``123450`` → ``"1,234.50"`` (no currency: the engine knows none)."""
    return f"{cents / 100:,.2f}"


@dataclass(frozen=True)
class Totals:
    """Order totals in the currency's minor unit (cents), as shown on a page or stored."""

    subtotal: int
    shipping: int
    tax: int
    total: int

    def __str__(self) -> str:
        return (
            f"items {money(self.subtotal)} + shipping {money(self.shipping)} "
            f"+ tax {money(self.tax)} = {money(self.total)}"
        )


@dataclass(frozen=True)
class StoredItem:
    """One line of a stored order."""

    name: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


@dataclass(frozen=True)
class StoredOrder:
    """An order as the shop stored it; what an adapter cannot read is None.

    ``address`` is the delivery address in one string (street, city, postal code).
    """

    number: str
    email: str
    status: str
    totals: Totals
    items: tuple[StoredItem, ...]
    full_name: str | None = None
    address: str | None = None
    shipping_method: str | None = None


@dataclass(frozen=True)
class Charge:
    """One attempt to charge a card, as the shop or its payment provider recorded it.

    ``status`` is "succeeded" for money taken; anything else took none.
    """

    id: str
    amount: int
    status: str
    order_number: str | None = None
    #: Which card was charged: its last four digits, or the provider's token or card id;
    #: None when the lookup cannot tell (reconciliation then says once it could not check).
    card: str | None = None

    @property
    def succeeded(self) -> bool:
        """True when this charge took the money."""
        return self.status == "succeeded"


@dataclass(frozen=True)
class Created:
    """Something a checkout created in the shop: ``kind`` is e.g. "order" or "account"."""

    kind: str
    key: str


@dataclass(frozen=True)
class CleanupResult:
    """The outcome of removing one created thing; ``detail`` says what was done or why not."""

    kind: str
    key: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the run summary."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CleanupResult:
        """The inverse of :meth:`to_dict`."""
        return cls(str(data["kind"]), str(data["key"]), bool(data["ok"]), str(data["detail"]))


#: In :attr:`OrderLife.cleaned_up`: after cleanup, the adapter finds the order no more.
GONE = "(gone)"


@dataclass(frozen=True)
class OrderLife:
    """The statuses an order has in its life, as the adapter reads them (``StoredOrder.status``).

    ``placed``      the status (any of them) of an order right after the shopper saw it
                    confirmed: ``("paid",)``, ``("processing", "paid")``
    ``cleaned_up``  the status (any of them) after cleanup: ``("cancelled",)``, or
                    ``(GONE,)`` when cleanup deletes the order
    The engine reads every order back after the checkout and again after cleanup, and
    checks both (``Shop.order_life``; None: statuses are not checked).
    """

    placed: tuple[str, ...] = ("paid",)
    cleaned_up: tuple[str, ...] = ("cancelled",)

    def describe(self, statuses: tuple[str, ...]) -> str:
        """``'paid'`` or ``'processing' or 'paid'`` (GONE as "no longer found")."""
        return " or ".join("no longer found" if s == GONE else repr(s) for s in statuses)


class ReadBackUnavailable(Exception):
    """The project cannot reach the shop's orders here (no token, no staff login); says why."""


class OrderAdapter(Protocol):
    """How the harness reads back and removes a shop's orders; a project implements it."""

    def get(self, number: str) -> StoredOrder | None:
        """The stored order with this number, or None if the shop has none."""

    def find_by_email(self, email: str) -> list[StoredOrder]:
        """Every stored order of one shopper."""

    def clean_up(self, item: Created) -> CleanupResult:
        """Remove (cancel, delete) ``item``; never raise for a shop that refuses: say so."""

    def close(self) -> None:
        """Release connections and sessions."""


@runtime_checkable
class ChargeLookup(Protocol):
    """An adapter that can also see the charges behind orders (optional; see payments)."""

    def charges(self, *, order: str | None = None, email: str | None = None) -> list[Charge]:
        """Every charge attempt for one order number, or for one shopper's e-mail."""
