"""``/health`` (each component really checked) and ``/version``."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, jsonify

from demo_shop import faults as fault_names
from demo_shop.context import ShopContext, get_shop
from demo_shop.errors import first_line

bp = Blueprint("health", __name__)

Component = dict[str, str]


def _check(probe: Callable[[], None]) -> Component:
    try:
        probe()
    except Exception as exc:  # any failure means the component is down
        return {"status": "down", "error": first_line(exc)}
    return {"status": "ok"}


def check_components(shop: ShopContext) -> dict[str, Component]:
    """Probe each component: ``SELECT 1`` on both databases, GET on the gateway's /health.

    While a database fault is on, the engine the faulty sessions use is probed.
    """
    snapshot = shop.faults.snapshot()
    catalog = shop.catalog
    if snapshot.is_active(fault_names.CATALOG_DB_DOWN):
        catalog = shop.broken_catalog
    orders = shop.orders
    if snapshot.is_active(fault_names.BAD_DB_CONNECTION_STRING):
        orders = shop.broken_orders
    components = {
        "storefront database": _check(catalog.ping),
        "order-service database": _check(orders.ping),
    }
    if snapshot.is_active(fault_names.PARTIAL):
        components["order-service database (replica b)"] = _check(shop.broken_orders.ping)
    components["payment gateway"] = _check(shop.gateway.check_health)
    return components


@bp.get("/health")
def health() -> tuple[Response, int]:
    """200 with status "ok" when every component is ok, else 503 "degraded"."""
    shop = get_shop()
    components = check_components(shop)
    healthy = all(component["status"] == "ok" for component in components.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "version": shop.faults.version,
        "components": components,
    }
    return jsonify(body), 200 if healthy else 503


@bp.get("/version")
def version() -> Response:
    """The version the shop currently reports."""
    return jsonify({"version": get_shop().faults.version})
