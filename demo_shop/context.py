"""The shop's shared services, attached to the storefront app, and per-session fault routing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from flask import Flask, current_app, session

from demo_shop import faults as fault_names
from demo_shop.api_sessions import ApiSessions
from demo_shop.config import ShopConfig
from demo_shop.db import Database
from demo_shop.faults import FaultState
from demo_shop.gateway.client import GatewayClient
from demo_shop.orders.attempts import PlacementCounter

EXTENSION_KEY = "demo_shop"
DRAW_KEY = "fault_draw"


@dataclass
class ShopContext:
    """Everything the storefront and the order service share within one app."""

    config: ShopConfig
    faults: FaultState
    catalog: Database
    broken_catalog: Database
    orders: Database
    broken_orders: Database
    gateway: GatewayClient
    # The stand-in CDN every page loads a script from ("" = none).
    cdn_url: str
    # Session tokens from POST /api/session and its login limit, per process like the counter.
    api_sessions: ApiSessions
    # Every POST /api/orders this shop (one per process) has seen: intermittent-orders.
    placements: PlacementCounter = field(default_factory=PlacementCounter)

    def dispose(self) -> None:
        """Dispose every engine and close the gateway client."""
        for database in (self.catalog, self.broken_catalog, self.orders, self.broken_orders):
            database.dispose()
        self.gateway.close()


def shop_context(app: Flask) -> ShopContext:
    """The :class:`ShopContext` of a storefront app."""
    context = app.extensions[EXTENSION_KEY]
    assert isinstance(context, ShopContext)
    return context


def get_shop() -> ShopContext:
    """The :class:`ShopContext` of the app handling the current request."""
    return shop_context(current_app)


def session_draw() -> float:
    """This session's sticky random number in [0, 1); decides which faults hit it."""
    draw = session.get(DRAW_KEY)
    if not isinstance(draw, float):
        draw = random.random()
        session[DRAW_KEY] = draw
    return draw


def fault_hits(name: str) -> bool:
    """Whether fault ``name`` is active and this session falls within its rate."""
    snapshot = get_shop().faults.snapshot()
    # Only consult (and possibly create) the draw when the fault is on at all.
    return snapshot.fault == name and snapshot.hits(name, session_draw())


def order_replica() -> str:
    """The order-service replica this session is routed to: "a" (healthy) or "b"."""
    return "b" if fault_hits(fault_names.PARTIAL) else "a"


def order_db() -> Database:
    """The order-service database this session's requests use."""
    if fault_hits(fault_names.BAD_DB_CONNECTION_STRING) or order_replica() == "b":
        return get_shop().broken_orders
    return get_shop().orders


def catalog_db() -> Database:
    """The storefront database this session's requests use."""
    if fault_hits(fault_names.CATALOG_DB_DOWN):
        return get_shop().broken_catalog
    return get_shop().catalog
