"""Harness cleanup API (API token): synthetic leftovers and deleting test accounts.

Cancelling orders is ``DELETE /api/orders/<number>`` in the order API. Like the
rest of the token API, these always use the real databases, never a session's
fault routing, so a run can clean up even while a fault is on.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from demo_shop.api_access import api_authorized
from demo_shop.auth import unauthorized
from demo_shop.context import get_shop
from demo_shop.orders.store import synthetic_orders
from demo_shop.storefront.users import delete_user, synthetic_users
from demo_shop.synthetic import normalize_run

bp = Blueprint("cleanup", __name__, url_prefix="/api")


@bp.before_request
def require_api_token() -> tuple[Response, int] | None:
    """Every cleanup endpoint needs ``Authorization: Bearer <api token or session>``."""
    if not api_authorized():
        return unauthorized()
    return None


@bp.get("/synthetic")
def leftovers() -> tuple[Response, int]:
    """Synthetic orders not cancelled and synthetic accounts (``?run=`` narrows to one run)."""
    run = None
    if "run" in request.args:
        run = normalize_run(request.args["run"])
        # A blank run must not silently widen the listing to every run.
        if run is None:
            return jsonify({"error": "the run query parameter must not be empty"}), 400
    shop = get_shop()
    accounts = [
        {"email": user.email, "synthetic_run": user.synthetic_run}
        for user in synthetic_users(shop.catalog, run)
    ]
    return jsonify({"orders": synthetic_orders(shop.orders, run), "accounts": accounts}), 200


@bp.delete("/accounts/<email>")
def delete_account(email: str) -> tuple[Response, int]:
    """Delete the account for ``email`` (case-insensitive); 404 when there is none."""
    deleted = delete_user(get_shop().catalog, email)
    if deleted is None:
        return jsonify({"error": "account not found"}), 404
    return jsonify({"email": deleted, "deleted": True}), 200
