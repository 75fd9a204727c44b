"""Who may use the token API: ``POST /api/session`` and the check every token endpoint makes.

The API token keeps working everywhere (older harnesses send it with every request);
``POST /api/session`` trades it for a session token that the same endpoints accept for
15 minutes, and refuses logins over the shop's limit with 429, as real shops do.
"""

from __future__ import annotations

import logging
import math

from flask import Blueprint, Response, jsonify, request

from demo_shop.api_sessions import SESSION_SECONDS, LoginLimitError
from demo_shop.auth import bearer_token, bearer_token_matches, unauthorized
from demo_shop.context import get_shop

log = logging.getLogger(__name__)

bp = Blueprint("api_access", __name__)

TOO_MANY_LOGINS = "too many logins, try again later"


def api_authorized() -> bool:
    """Whether the request's bearer token is the API token or a live session token."""
    shop = get_shop()
    if bearer_token_matches(shop.config.api_token):
        return True
    token = bearer_token()
    return token is not None and shop.api_sessions.is_valid(token)


@bp.post("/api/session")
def create_session() -> tuple[Response, int]:
    """Log in with the API token (bearer): 200 ``{"session", "expires_in"}``, or 429."""
    shop = get_shop()
    # Only the API token logs in: a session must not be able to renew itself for ever.
    if not bearer_token_matches(shop.config.api_token):
        return unauthorized()
    try:
        login = shop.api_sessions.login()
    except LoginLimitError as exc:
        # Worded apart from a login's line, so counting "api login from" counts logins.
        log.warning("api login refused for %s: %s", request.remote_addr, exc)
        response = jsonify({"error": TOO_MANY_LOGINS})
        response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
        return response, 429
    # One line per login, so a run's logins can be counted in the shop's log.
    log.info("api login from %s (%d this process)", request.remote_addr, login.count)
    return jsonify({"session": login.token, "expires_in": SESSION_SECONDS}), 200
