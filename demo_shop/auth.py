"""Bearer-token checks for the token API and the admin API."""

from __future__ import annotations

import hmac

from flask import Response, jsonify, request

UNAUTHORIZED_MESSAGE = "missing or invalid API token"


def bearer_token() -> str | None:
    """The token of the request's ``Authorization: Bearer <token>``, if it has one."""
    scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
    return supplied if scheme == "Bearer" and supplied else None


def bearer_token_matches(expected: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <expected>`` (constant time)."""
    scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
    return scheme == "Bearer" and hmac.compare_digest(supplied.encode(), expected.encode())


def unauthorized() -> tuple[Response, int]:
    """The 401 answer for a missing or wrong token."""
    return jsonify({"error": UNAUTHORIZED_MESSAGE}), 401
