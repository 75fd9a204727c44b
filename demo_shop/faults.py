"""Injected faults: which one is active, for what share of sessions, and the shop version.

The state is shared by the storefront, the order service and the payment gateway,
and is switched at run time through the admin API, so every access takes a lock.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

BAD_DB_CONNECTION_STRING = "bad-db-connection-string"
PARTIAL = "partial"
PAYMENT_GATEWAY_DOWN = "payment-gateway-down"
PAYMENT_GATEWAY_SLOW = "payment-gateway-slow"
DECLINE_ALL = "decline-all"
PRICE_MISMATCH = "price-mismatch"
CHECKOUT_BUTTON_BROKEN = "checkout-button-broken"
JS_ERROR = "js-error"
CONFIRMATION_WITHOUT_ORDER = "confirmation-without-order"
CATALOG_DB_DOWN = "catalog-db-down"
# Bugs rather than outages: every component stays healthy, the data is wrong.
TAX_ROUNDING = "tax-rounding"
DOUBLE_CHARGE = "double-charge"
OTHER_SHOPPER_ON_CONFIRMATION = "other-shopper-on-confirmation"
STALE_ORDER_NUMBER = "stale-order-number"
WRONG_STORED_QUANTITY = "wrong-stored-quantity"
SLOW_ORDER_ENDPOINT = "slow-order-endpoint"
PAYMENT_FRAME_404 = "payment-frame-404"
ERROR_WITH_200 = "error-with-200"
# What the shopper feels: the page works, and jumps.
LAYOUT_SHIFT = "layout-shift"
# More bugs that leave every component healthy.
# Every round(1 / rate)-th order placement in the process fails like bad-db-connection-string
# (a round-robin over connections, one of them misconfigured); counted, never drawn.
INTERMITTENT_ORDERS = "intermittent-orders"
# Cancelling an order answers "cancelled" but its transaction is never committed.
NOOP_CANCEL = "noop-cancel"
# Charged orders are stored "pending" and never marked paid.
ORDER_LEFT_PENDING = "order-left-pending"
# The payment client charges the first card it ever charged, whatever the shopper entered.
CHARGE_FIRST_CARD = "charge-first-card"
# The review page shows money with the euro sign.
MISFORMATTED_AMOUNT = "misformatted-amount"
# German pages (Accept-Language de-DE) write prices as "1,234.50 $": the sign after the
# amount as German has it, the numbers in the en-US format; every other locale is right.
LOCALE_FORMAT = "locale-format"
# The review page's totals are cached in the session and never invalidated.
STALE_SESSION_TOTALS = "stale-session-totals"
# Placing an order does not empty the cart.
CART_KEPT_AFTER_ORDER = "cart-kept-after-order"
# Every decline shows the generic message instead of the reason's own.
GENERIC_DECLINE_MESSAGE = "generic-decline-message"
# What a third-party React/Next.js storefront does to the shopper's browser.
# The provider's browser-facing edge is down: its card frame and tokenising answer 503,
# while its API for merchants (charges, health) still works.
PAYMENT_PROVIDER_DOWN = "payment-provider-down"
# Server-rendered pages that hydrate late: buttons do nothing and what is typed is
# thrown away until a script takes over, --fault-delay seconds after DOMContentLoaded.
HYDRATION_DELAY = "hydration-delay"
# The shipping step renders on the client: a transient "Saving your details…" alert and
# placeholders for --fault-delay seconds, then the real options.
RERENDER_WHILE_SAVING = "rerender-while-saving"
# Every storefront HTML page answers --fault-delay seconds late (server-side rendering
# under load); the APIs, static files and /health are as fast as ever.
SLOW_PAGES = "slow-pages"
# What a phone on a slow network feels (issue 26): each shows on one device or profile only.
# On narrow screens (under 600 px) a "Get the app" banner fixed to the bottom covers the
# review page's sticky "Place order" bar; desktop shoppers never see it.
COVERED_ON_NARROW_SCREENS = "covered-on-narrow-screens"
# The catalog shows an unoptimised hero image (about 1.5 MB): nothing on loopback or a fast
# line, seconds of Largest Contentful Paint on a throttled 4G phone.
HEAVY_HERO_IMAGE = "heavy-hero-image"
# What only some shoppers feel: the card frame's number field loses its <label> (a styled
# text stands in for it), so a screen reader announces an unnamed text box; it still works
# for everyone who sees it.
UNLABELLED_PAYMENT_FIELD = "unlabelled-payment-field"

FAULT_NAMES: tuple[str, ...] = (
    BAD_DB_CONNECTION_STRING,
    PARTIAL,
    PAYMENT_GATEWAY_DOWN,
    PAYMENT_GATEWAY_SLOW,
    DECLINE_ALL,
    PRICE_MISMATCH,
    CHECKOUT_BUTTON_BROKEN,
    JS_ERROR,
    CONFIRMATION_WITHOUT_ORDER,
    CATALOG_DB_DOWN,
    TAX_ROUNDING,
    DOUBLE_CHARGE,
    OTHER_SHOPPER_ON_CONFIRMATION,
    STALE_ORDER_NUMBER,
    WRONG_STORED_QUANTITY,
    SLOW_ORDER_ENDPOINT,
    PAYMENT_FRAME_404,
    ERROR_WITH_200,
    LAYOUT_SHIFT,
    INTERMITTENT_ORDERS,
    NOOP_CANCEL,
    ORDER_LEFT_PENDING,
    CHARGE_FIRST_CARD,
    MISFORMATTED_AMOUNT,
    LOCALE_FORMAT,
    STALE_SESSION_TOTALS,
    CART_KEPT_AFTER_ORDER,
    GENERIC_DECLINE_MESSAGE,
    PAYMENT_PROVIDER_DOWN,
    HYDRATION_DELAY,
    RERENDER_WHILE_SAVING,
    SLOW_PAGES,
    COVERED_ON_NARROW_SCREENS,
    HEAVY_HERO_IMAGE,
    UNLABELLED_PAYMENT_FIELD,
)

# Only a share of sessions lands on the broken replica by default, and every fourth
# placement fails with intermittent-orders (whose rate is a period, not a share);
# every other fault hits everyone unless a rate is given.
DEFAULT_RATES: dict[str, float] = {PARTIAL: 0.2, INTERMITTENT_ORDERS: 0.25}

# Seconds of latency when no delay is given (--fault-delay or the admin API): long enough
# that a slow payment or order stands out; the page faults' delays are what real pages
# take, so a checkout that waits for them still passes.
DEFAULT_DELAY = 8.0
DEFAULT_DELAYS: dict[str, float] = {
    HYDRATION_DELAY: 1.5,
    RERENDER_WHILE_SAVING: 1.0,
    SLOW_PAGES: 1.0,
}

# Where the broken engines point: a directory that does not exist, so SQLite
# raises a real "unable to open database file" on connect.
BROKEN_ORDER_DATABASE_URL = "sqlite:////nonexistent/order-service/orders.db"
BROKEN_STOREFRONT_DATABASE_URL = "sqlite:////nonexistent/storefront/shop.db"


class UnknownFaultError(ValueError):
    """Raised for a fault name that is not in :data:`FAULT_NAMES`."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown fault {name!r}; valid faults: {', '.join(FAULT_NAMES)}")


def default_rate(name: str | None) -> float:
    """The share of sessions a fault applies to when no rate is given."""
    if name is None:
        return 0.0
    return DEFAULT_RATES.get(name, 1.0)


def default_delay(name: str | None) -> float:
    """The seconds of a fault's latency when no delay is given."""
    if name is None:
        return DEFAULT_DELAY
    return DEFAULT_DELAYS.get(name, DEFAULT_DELAY)


@dataclass(frozen=True)
class FaultSnapshot:
    """A consistent view of the fault state at one moment."""

    fault: str | None
    rate: float
    delay: float

    def hits(self, name: str, draw: float) -> bool:
        """Whether fault ``name`` applies to a session whose sticky draw is ``draw``."""
        return self.fault == name and draw < self.rate

    def is_active(self, name: str) -> bool:
        """Whether fault ``name`` is switched on for at least some sessions."""
        return self.fault == name and self.rate > 0.0

    def hits_nth(self, name: str, count: int) -> bool:
        """Whether fault ``name`` hits the ``count``-th event (1-based) of a counter.

        For faults that strike every N-th time rather than a random share, so a
        run can tell exactly which attempt fails: N = round(1 / rate) (rate 0.25:
        every 4th; rate 1: every one; rate 0: none).
        """
        if not self.is_active(name):
            return False
        return count % round(1.0 / self.rate) == 0

    def as_json(self) -> dict[str, object]:
        """The admin API's view of this state."""
        return {
            "fault": self.fault,
            "rate": self.rate,
            "delay": self.delay,
            "available": list(FAULT_NAMES),
        }


class FaultState:
    """Thread-safe holder of the active fault, its rate and delay, and the shop version.

    A delay once given (``--fault-delay``, the admin API) holds for every fault switched
    to later, until :meth:`reset_delay`; until then each fault has its own default.
    """

    def __init__(
        self,
        fault: str | None = None,
        rate: float | None = None,
        delay: float | None = None,
        version: str = "1.0.0",
    ) -> None:
        self._lock = threading.Lock()
        self._given_delay: float | None = None
        self._snapshot = FaultSnapshot(None, 0.0, default_delay(None))
        self._version = version
        self.set_fault(fault, rate, delay)

    def snapshot(self) -> FaultSnapshot:
        """The current fault, rate and delay."""
        with self._lock:
            return self._snapshot

    def set_fault(
        self, fault: str | None, rate: float | None = None, delay: float | None = None
    ) -> FaultSnapshot:
        """Switch to ``fault`` (``None`` = healthy); ``rate`` and ``delay`` default per fault.

        A ``delay`` of ``None`` keeps the delay given before, if any.
        """
        if fault is not None and fault not in FAULT_NAMES:
            raise UnknownFaultError(fault)
        if rate is not None and not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if delay is not None and delay < 0:
            raise ValueError("delay must not be negative")
        with self._lock:
            if delay is not None:
                self._given_delay = delay
            new_delay = default_delay(fault) if self._given_delay is None else self._given_delay
            new_rate = default_rate(fault) if rate is None else rate
            self._snapshot = FaultSnapshot(fault, new_rate, new_delay)
            return self._snapshot

    def reset_delay(self) -> FaultSnapshot:
        """Forget the delay given, so this fault and every later one take their own default."""
        with self._lock:
            self._given_delay = None
            fault, rate = self._snapshot.fault, self._snapshot.rate
            self._snapshot = FaultSnapshot(fault, rate, default_delay(fault))
            return self._snapshot

    @property
    def version(self) -> str:
        """The version the shop currently reports."""
        with self._lock:
            return self._version

    def set_version(self, version: str) -> None:
        """Change the reported version (simulates a deploy)."""
        with self._lock:
            self._version = version

    def roll(self, name: str) -> bool:
        """Per-request draw, for components without sessions (the payment gateway)."""
        snapshot = self.snapshot()
        return snapshot.fault == name and random.random() < snapshot.rate
