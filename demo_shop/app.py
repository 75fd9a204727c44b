"""The storefront app factory (web tier, order service, health and admin API)."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from jinja2 import pass_context
from jinja2.runtime import Context
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from demo_shop import admin, api_access, cleanup, health, tracing
from demo_shop import faults as fault_names
from demo_shop.api_sessions import ApiSessions
from demo_shop.config import ShopConfig
from demo_shop.context import EXTENSION_KEY, ShopContext, fault_hits, get_shop
from demo_shop.db import Database, seed_products
from demo_shop.errors import first_line
from demo_shop.faults import (
    BROKEN_ORDER_DATABASE_URL,
    BROKEN_STOREFRONT_DATABASE_URL,
    FaultState,
)
from demo_shop.gateway.client import GatewayClient
from demo_shop.models import OrderBase, StorefrontBase
from demo_shop.orders import api as orders_api
from demo_shop.paths import STATIC_DIR, TEMPLATES_DIR
from demo_shop.storefront import (
    account,
    cart,
    catalog,
    checkout,
    confirmation,
    frontend_api,
    locales,
    state,
)

log = logging.getLogger(__name__)

SESSION_COOKIE_NAME = "demo_shop_session"
ERROR_TITLES = {404: "Page not found", 405: "Method not allowed"}


def build_context(
    config: ShopConfig, gateway_url: str, faults: FaultState, cdn_url: str = ""
) -> ShopContext:
    """Create the engines and the gateway client; try to create both schemas.

    A database that cannot be reached now is retried on first use, so the shop
    still starts (and /health reports it).
    """
    context = ShopContext(
        config=config,
        faults=faults,
        catalog=Database(
            config.database_url, StorefrontBase.metadata, "storefront database", seed_products
        ),
        broken_catalog=Database(
            BROKEN_STOREFRONT_DATABASE_URL, StorefrontBase.metadata, "storefront database"
        ),
        orders=Database(config.order_database_url, OrderBase.metadata, "order-service database"),
        broken_orders=Database(
            BROKEN_ORDER_DATABASE_URL, OrderBase.metadata, "order-service database (replica b)"
        ),
        gateway=GatewayClient(gateway_url, config.gateway_secret),
        cdn_url=cdn_url,
        api_sessions=ApiSessions(config.login_limit),
    )
    context.catalog.try_ensure_schema()
    context.orders.try_ensure_schema()
    return context


@pass_context
def money(context: Context, cents: int) -> str:
    """The ``money`` template filter: cents in the page's locale (:mod:`.storefront.locales`),
    in the page's ``price_currency`` (the shop's dollar unless a fault sets another).

    Read from the page's context, so a page (and the partials it includes) shows
    every amount alike without passing the currency to each use.
    """
    currency = context.get("price_currency")
    return locales.price(cents, *([currency] if isinstance(currency, str) else []))


def _wants_json_errors() -> bool:
    return request.path.startswith(("/api/", "/admin/")) or request.path in ("/health", "/version")


def _error_page(status: int, title: str) -> tuple[str, int]:
    return render_template("error.html", title=title, status=status), status


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Any, int]:
        status = exc.code or 500
        if _wants_json_errors():
            return jsonify({"error": exc.name}), status
        return _error_page(status, ERROR_TITLES.get(status, "Something went wrong"))

    @app.errorhandler(SQLAlchemyError)
    def database_error(exc: SQLAlchemyError) -> tuple[Any, int]:
        # A fault or an outage, not a bug: one log line instead of a traceback.
        detail = first_line(exc)
        log.error("%s %s: database error: %s", request.method, request.path, detail)
        if _wants_json_errors():
            return jsonify({"error": "Internal Server Error", "detail": detail}), 500
        return _error_page(500, "Something went wrong")

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> tuple[Any, int]:
        log.exception("%s %s failed", request.method, request.path)
        if _wants_json_errors():
            return jsonify({"error": "Internal Server Error"}), 500
        return _error_page(500, "Something went wrong")


def _is_page(response: Response) -> bool:
    """Whether ``response`` is an HTML document (a page, not a redirect, API or file)."""
    return response.mimetype == "text/html" and not 300 <= response.status_code < 400


def _hydrate_after_ms() -> int | None:
    """With hydration-delay, when the page's script takes over (ms after DOMContentLoaded).

    ``None``: the page is live as served (``<html data-hydrated="true">``).
    """
    if not fault_hits(fault_names.HYDRATION_DELAY):
        return None
    return round(get_shop().faults.snapshot().delay * 1000)


def create_app(
    config: ShopConfig,
    *,
    gateway_url: str,
    faults: FaultState | None = None,
    cdn_url: str = "",
) -> Flask:
    """Build the storefront app, talking to the payment gateway at ``gateway_url``.

    Pass the same ``faults`` to the gateway app so both see the active fault. Every
    page loads the third-party script at ``cdn_url`` (none when empty).
    """
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR), static_folder=str(STATIC_DIR))
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME=SESSION_COOKIE_NAME,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if faults is None:
        faults = FaultState(
            config.fault, config.fault_rate, config.fault_delay, config.shop_version
        )
    app.extensions[EXTENSION_KEY] = build_context(config, gateway_url, faults, cdn_url)
    tracing.instrument(app, "storefront")

    for module in (
        catalog,
        cart,
        checkout,
        confirmation,
        account,
        orders_api,
        frontend_api,
        api_access,
        cleanup,
        health,
        admin,
    ):
        app.register_blueprint(module.bp)
    app.add_template_filter(money, "money")
    _register_error_handlers(app)

    @app.context_processor
    def page_context() -> dict[str, Any]:
        return {
            "cart_count": state.cart_count(),
            "signed_in_user": state.get_user(),
            "shop_version": get_shop().faults.version,
            "cdn_url": get_shop().cdn_url,
            "hydrate_after_ms": _hydrate_after_ms(),
            "page_lang": locales.page_locale(),
        }

    @app.after_request
    def vary_by_language(response: Response) -> Response:
        # Pages and the storefront's JSON write prices in the language asked for.
        response.vary.add("Accept-Language")
        return response

    @app.after_request
    def version_header(response: Response) -> Response:
        response.headers["X-Shop-Version"] = get_shop().faults.version
        return response

    @app.after_request
    def slow_pages(response: Response) -> Response:
        # Only pages, after they are rendered: a server rendering under load, while the
        # APIs, static files and /health answer as fast as ever.
        if _is_page(response) and fault_hits(fault_names.SLOW_PAGES):
            # Deliberately injected latency (fault slow-pages).
            time.sleep(get_shop().faults.snapshot().delay)
        return response

    return app
