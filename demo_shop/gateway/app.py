"""The payment gateway: a separate Flask app on its own origin.

It serves the card iframe (``/elements/card``), tokenises cards for that iframe
(``/v1/tokens``) and charges tokens for the storefront, server to server
(``/v1/charges``, bearer-secret protected; ``GET /v1/charges`` lists attempts,
``?order=`` and ``?email=`` narrow the list to the merchant's metadata).
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template, request

from demo_shop import faults as fault_names
from demo_shop import tracing
from demo_shop.config import ShopConfig
from demo_shop.faults import FaultState
from demo_shop.gateway.cards import (
    CARD_DECLINED,
    ChargeLedger,
    ChargeRecord,
    StoredCard,
    TokenVault,
    charge_outcome,
)
from demo_shop.paths import STATIC_DIR, TEMPLATES_DIR

# An origin the iframe may talk to: scheme, host and optional port, nothing else.
ORIGIN_PATTERN = re.compile(r"https?://(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?")
MAX_METADATA_LENGTH = 200
PROVIDER_UNAVAILABLE = "The payment provider is unavailable."


def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status


def _authorized(secret: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, supplied = header.partition(" ")
    return scheme == "Bearer" and hmac.compare_digest(supplied.encode(), secret.encode())


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@dataclass(frozen=True)
class ChargeMetadata:
    """What the merchant attaches to a charge so it can find it again."""

    order_number: str | None = None
    email: str | None = None


def _metadata(body: dict[str, Any]) -> ChargeMetadata:
    """The charge's ``metadata`` object; raises ``ValueError`` when it is malformed."""
    raw = body.get("metadata", {})
    if not isinstance(raw, dict):
        raise ValueError("metadata must be an object.")
    values: dict[str, str | None] = {}
    for key in ("order_number", "email"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_METADATA_LENGTH):
            raise ValueError(f"metadata.{key} must be a string of at most 200 characters.")
        values[key] = value
    return ChargeMetadata(**values)


def _query(name: str) -> str | None:
    """A non-blank query parameter, or ``None``."""
    value = request.args.get(name, "").strip()
    return value or None


def _browser_facing() -> bool:
    """Whether the request is one a shopper's browser makes: the card frame, its files, tokens."""
    path = request.path
    return path in ("/elements/card", "/v1/tokens") or path.startswith("/static/")


def _provider_unavailable() -> tuple[Response, int]:
    """The provider's outage answer: a 503 page for the frame, JSON for its script."""
    if request.path == "/v1/tokens":
        response, status = _error(503, "provider_unavailable", PROVIDER_UNAVAILABLE)
    else:
        response = Response(
            "<!doctype html><title>503 Service Unavailable</title>"
            f"<h1>Service Unavailable</h1><p>{PROVIDER_UNAVAILABLE}</p>",
            mimetype="text/html",
        )
        status = 503
    response.headers["Retry-After"] = "30"
    return response, status


def create_gateway_app(
    config: ShopConfig,
    faults: FaultState,
    vault: TokenVault | None = None,
    ledger: ChargeLedger | None = None,
) -> Flask:
    """Build the payment gateway app; ``faults`` is shared with the storefront."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
        static_url_path="/static",
    )
    tracing.instrument(app, "gateway")
    cards = vault or TokenVault()
    charges = ledger or ChargeLedger()

    def settle(
        card: StoredCard, amount: int, failure: tuple[str, str] | None, metadata: ChargeMetadata
    ) -> str:
        # Declined attempts are recorded too, with the order they were for.
        charge_id = "ch_" + secrets.token_hex(12)
        status = "failed" if failure else "succeeded"
        code = failure[0] if failure else None
        charges.record(
            ChargeRecord(
                charge_id,
                amount,
                "usd",
                card.last4,
                card.brand,
                status,
                code,
                order_number=metadata.order_number,
                email=metadata.email,
            )
        )
        return charge_id

    @app.before_request
    def outage() -> tuple[Response, int] | None:
        # payment-gateway-down: the API answers 503 (the iframe page still loads).
        if request.path.startswith("/v1/") and faults.roll(fault_names.PAYMENT_GATEWAY_DOWN):
            return jsonify({"error": "service unavailable"}), 503
        # payment-provider-down: the edge that serves shoppers' browsers is down (the card
        # frame, its files, tokenising), while the merchants' API and /health still answer.
        if _browser_facing() and faults.roll(fault_names.PAYMENT_PROVIDER_DOWN):
            return _provider_unavailable()
        return None

    @app.get("/health")
    def health() -> tuple[Response, int]:
        if faults.snapshot().is_active(fault_names.PAYMENT_GATEWAY_DOWN):
            return jsonify({"status": "unavailable", "error": "service unavailable"}), 503
        return jsonify({"status": "ok"}), 200

    @app.get("/elements/card")
    def card_element() -> str:
        if faults.roll(fault_names.PAYMENT_FRAME_404):
            # payment-frame-404: a deploy that dropped the iframe's route.
            abort(404)
        parent_origin = request.args.get("parent_origin", "")
        if not ORIGIN_PATTERN.fullmatch(parent_origin):
            abort(400, "parent_origin must be an http(s) origin")
        return render_template(
            "gateway/card.html",
            parent_origin=parent_origin,
            unlabelled=faults.roll(fault_names.UNLABELLED_PAYMENT_FIELD),
        )

    @app.post("/v1/tokens")
    def create_token() -> tuple[Response, int]:
        body = _json_body()
        fields = {name: body.get(name) for name in ("number", "exp", "cvc")}
        missing = [
            name
            for name, value in fields.items()
            if not isinstance(value, str) or not value.strip()
        ]
        if missing:
            return _error(400, "missing_fields", f"Missing card fields: {', '.join(missing)}.")
        token, card = cards.tokenize(str(fields["number"]))
        return jsonify({"token": token, "brand": card.brand, "last4": card.last4}), 200

    @app.get("/v1/tokens/<token>")
    def get_token(token: str) -> tuple[Response, int]:
        if not _authorized(config.gateway_secret):
            return _error(401, "unauthorized", "Missing or invalid secret key.")
        card = cards.lookup(token)
        if card is None:
            return _error(404, "invalid_token", "No such token.")
        return jsonify({"token": token, "brand": card.brand, "last4": card.last4}), 200

    @app.post("/v1/charges")
    def create_charge() -> tuple[Response, int]:
        if not _authorized(config.gateway_secret):
            return _error(401, "unauthorized", "Missing or invalid secret key.")
        body = _json_body()
        token, amount, currency = body.get("token"), body.get("amount_cents"), body.get("currency")
        if not isinstance(token, str) or not token:
            return _error(400, "invalid_request", "token is required.")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            return _error(400, "invalid_request", "amount_cents must be a positive integer.")
        if currency != "usd":
            return _error(400, "invalid_request", "currency must be 'usd'.")
        try:
            metadata = _metadata(body)
        except ValueError as exc:
            return _error(400, "invalid_request", str(exc))
        card = cards.lookup(token)
        if card is None:
            return _error(400, "invalid_token", "No such token.")
        if faults.roll(fault_names.PAYMENT_GATEWAY_SLOW):
            # Deliberately injected latency (fault payment-gateway-slow).
            time.sleep(faults.snapshot().delay)
        outcome = charge_outcome(card.number)
        if faults.roll(fault_names.DECLINE_ALL):
            outcome = CARD_DECLINED
        charge_id = settle(card, amount, outcome, metadata)
        if outcome is not None:
            return _error(402, *outcome)
        return jsonify({"id": charge_id, "status": "succeeded"}), 200

    @app.get("/v1/charges")
    def list_charges() -> tuple[Response, int]:
        if not _authorized(config.gateway_secret):
            return _error(401, "unauthorized", "Missing or invalid secret key.")
        found = charges.matching(_query("order"), _query("email"))
        return jsonify({"data": [asdict(charge) for charge in found]}), 200

    return app
