"""The admin API: switch faults and the reported version at run time (admin token)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from demo_shop.auth import bearer_token_matches, unauthorized
from demo_shop.config import VERSION_PATTERN
from demo_shop.context import get_shop
from demo_shop.faults import FAULT_NAMES, UnknownFaultError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin_token() -> tuple[Response, int] | None:
    """Every admin endpoint needs ``Authorization: Bearer <admin token>``."""
    if not bearer_token_matches(get_shop().config.admin_token):
        return unauthorized()
    return None


def _bad_request(message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": message, **extra}), 400


def _number(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    return float(value)


@bp.get("/faults")
def read_faults() -> Response:
    """The active fault, its rate and delay, and the valid fault names."""
    return jsonify(get_shop().faults.snapshot().as_json())


@bp.post("/faults")
def switch_fault() -> tuple[Response, int]:
    """Switch to ``{"fault": name | null, "rate"?: 0..1, "delay"?: seconds | null}``.

    A delay holds for later switches too; ``"delay": null`` goes back to each fault's own.
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "fault" not in body:
        return _bad_request('expected JSON {"fault": <name> | null}', valid_faults=FAULT_NAMES)
    fault = body["fault"]
    if fault is not None and not isinstance(fault, str):
        return _bad_request("fault must be a string or null", valid_faults=FAULT_NAMES)
    faults = get_shop().faults
    try:
        delay = _number(body, "delay")
        snapshot = faults.set_fault(fault, _number(body, "rate"), delay)
        if "delay" in body and delay is None:
            snapshot = faults.reset_delay()
    except UnknownFaultError as exc:
        return _bad_request(str(exc), valid_faults=FAULT_NAMES)
    except ValueError as exc:
        return _bad_request(str(exc))
    return jsonify(snapshot.as_json()), 200


@bp.get("/version")
def read_version() -> Response:
    """The version the shop currently reports."""
    return jsonify({"version": get_shop().faults.version})


@bp.post("/version")
def switch_version() -> tuple[Response, int]:
    """Report ``{"version": "1.4.3"}`` from now on (simulates a deploy)."""
    body = request.get_json(silent=True)
    version = body.get("version") if isinstance(body, dict) else None
    if not isinstance(version, str) or not VERSION_PATTERN.fullmatch(version):
        return _bad_request("version must be 1-64 characters of letters, digits and . + _ -")
    get_shop().faults.set_version(version)
    return jsonify({"version": version}), 200
