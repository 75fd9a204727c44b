"""The project's order adapter as the checkouts of one process reach it.

The adapter (``Shop.orders``) is built once per process, on first use, and shared by every
checkout of it (the probe's and the gate's browsers are threads of one process; each
pytest-xdist worker is a process of its own): a shop that limits staff or API logins
(eight per fifteen minutes is common) sees one login per process, not one per browser or
per checkout. Its calls are taken one at a time, so a project's adapter need not be
thread-safe.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx

from checkout_probe.diagnosis.failed_request import api_failure
from checkout_probe.settings.config import Settings
from checkout_probe.shop.orders import (
    Charge,
    ChargeLookup,
    CleanupResult,
    Created,
    OrderAdapter,
    ReadBackUnavailable,
    StoredOrder,
)
from checkout_probe.target import Target


@dataclass(frozen=True)
class OrderAccess:
    """The project's order adapter for a target, or why there is none."""

    adapter: OrderAdapter | None
    unavailable: str = ""

    def close(self) -> None:
        """Release the adapter's connections."""
        if self.adapter is not None:
            self.adapter.close()


def open_orders(settings: Settings, target: Target) -> OrderAccess:
    """Build the project's adapter (``Shop.orders``) for ``target``; never raises.

    A missing token or login is a reason; so is a shop that errs while the adapter
    logs in (the shop's error, named, not the harness's): either way the checkouts
    still run, and only the read-back and cleanup are reported as not done.
    """
    factory = settings.shop.orders
    if factory is None:
        return OrderAccess(None, f"the shop '{settings.shop.name}' declares no order adapter")
    try:
        return OrderAccess(factory(target, settings))
    except ReadBackUnavailable as exc:
        return OrderAccess(None, str(exc))
    except httpx.HTTPError as exc:
        failed = api_failure(exc, settings.secrets() + target.secrets())
        why = failed.describe() if failed else f"{type(exc).__name__}: {exc}"
        return OrderAccess(None, f"the shop failed while the order adapter connected: {why}")


class UnavailableOrders:
    """The adapter when there is none: read-back raises :class:`ReadBackUnavailable` (why)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def get(self, number: str) -> StoredOrder | None:
        """Never: the read-back cannot be done here."""
        raise ReadBackUnavailable(f"stored order {number} not read back: {self.reason}")

    def find_by_email(self, email: str) -> list[StoredOrder]:
        """Never: the read-back cannot be done here."""
        raise ReadBackUnavailable(f"orders of {email} not read back: {self.reason}")

    def clean_up(self, item: Created) -> CleanupResult:
        """Report ``item`` as left in the shop."""
        return CleanupResult(item.kind, item.key, False, f"left in the shop: {self.reason}")

    def close(self) -> None:
        """Nothing to release."""


class LockedOrders:
    """An adapter whose calls are taken one at a time (see the module docstring)."""

    def __init__(self, adapter: OrderAdapter) -> None:
        self._adapter = adapter
        self._lock = threading.Lock()

    def get(self, number: str) -> StoredOrder | None:
        """The adapter's ``get``."""
        with self._lock:
            return self._adapter.get(number)

    def find_by_email(self, email: str) -> list[StoredOrder]:
        """The adapter's ``find_by_email``."""
        with self._lock:
            return self._adapter.find_by_email(email)

    def clean_up(self, item: Created) -> CleanupResult:
        """The adapter's ``clean_up``."""
        with self._lock:
            return self._adapter.clean_up(item)

    def close(self) -> None:
        """The adapter's ``close``."""
        with self._lock:
            self._adapter.close()

    def __getattr__(self, name: str) -> Any:
        # Anything else the project's adapter offers (its own helpers), unlocked as it is.
        return getattr(self._adapter, name)


class LockedChargeOrders(LockedOrders):
    """A locked adapter that can also look up charges (:class:`ChargeLookup`)."""

    def charges(self, *, order: str | None = None, email: str | None = None) -> list[Charge]:
        """The adapter's ``charges``."""
        with self._lock:
            return self._adapter.charges(order=order, email=email)  # type: ignore[attr-defined, no-any-return]


class SharedOrders:
    """One :class:`OrderAccess` per process: built on first use, shared, closed once."""

    def __init__(self, settings: Settings, target: Target) -> None:
        self._settings = settings
        self._target = target
        self._lock = threading.Lock()
        self._access: OrderAccess | None = None

    def get(self) -> OrderAccess:
        """The access, connecting the project's adapter the first time only."""
        with self._lock:
            if self._access is None:
                access = open_orders(self._settings, self._target)
                adapter = access.adapter
                if adapter is not None:
                    locked = (
                        LockedChargeOrders(adapter) if isinstance(adapter, ChargeLookup)
                        else LockedOrders(adapter)
                    )  # fmt: skip
                    access = OrderAccess(locked, access.unavailable)
                self._access = access
            return self._access

    def close(self) -> None:
        """Release the adapter, if it was ever connected."""
        with self._lock:
            if self._access is not None:
                self._access.close()
                self._access = None
