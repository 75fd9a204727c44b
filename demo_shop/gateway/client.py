"""The storefront's server-to-server HTTP client for the payment gateway."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import httpx

from demo_shop import tracing
from demo_shop.errors import first_line

# Long enough that payment-gateway-slow (8 s by default) still succeeds.
CHARGE_TIMEOUT_SECONDS = 30.0
HEALTH_TIMEOUT_SECONDS = 2.0
TOKEN_PATTERN = re.compile(r"tok_[A-Za-z0-9]{1,64}")


class GatewayUnavailableError(Exception):
    """The provider could not be reached, timed out or answered with an error status."""


class CardError(Exception):
    """The provider refused the card (or the token); ``code`` is machine readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ChargeSummary:
    """One charge attempt as the storefront's back office shows it.

    ``card_last4`` and ``card_brand`` name the card that was charged (``None`` when
    the gateway does not say), which need not be the card the order shows.
    """

    id: str
    order_number: str | None
    email: str | None
    amount_cents: int
    currency: str
    status: str
    code: str | None
    card_last4: str | None
    card_brand: str | None


def _optional_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError("expected a string or null")


def _charge_summary(raw: Any) -> ChargeSummary:
    """Parse one entry of the gateway's ``GET /v1/charges``; raises on a malformed one."""
    if not isinstance(raw, dict):
        raise TypeError("expected an object")
    amount = raw["amount_cents"]
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("amount_cents must be an integer")
    return ChargeSummary(
        id=str(raw["id"]),
        order_number=_optional_str(raw.get("order_number")),
        email=_optional_str(raw.get("email")),
        amount_cents=amount,
        currency=str(raw["currency"]),
        status=str(raw["status"]),
        code=_optional_str(raw.get("failure_code")),
        card_last4=_optional_str(raw.get("card_last4")),
        card_brand=_optional_str(raw.get("card_brand")),
    )


@dataclass(frozen=True)
class CardDetails:
    """The displayable facts about a tokenised card."""

    token: str
    brand: str
    last4: str


def _error_text(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    detail = body.get("error") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        detail = detail.get("message")
    suffix = f": {detail}" if isinstance(detail, str) and detail else ""
    return f"HTTP {response.status_code}{suffix}"


def _card_error(response: httpx.Response) -> CardError:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return CardError(str(error.get("code", "payment_failed")), str(error.get("message", "")))
    return CardError("payment_failed", "Your payment could not be processed.")


class GatewayClient:
    """Charges tokens and checks health over real HTTP; thread-safe."""

    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        # trust_env=False: a proxy from the environment must never see loopback traffic.
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {secret}"},
            timeout=CHARGE_TIMEOUT_SECONDS,
            trust_env=False,
        )
        # The first token charged successfully in this process (fault charge-first-card).
        self._first_token: str | None = None
        self._first_token_lock = threading.Lock()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            # The caller's trace goes along, so the gateway's log lines carry its id.
            headers = tracing.inject(dict(kwargs.pop("headers", None) or {}))
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise GatewayUnavailableError(first_line(exc) or type(exc).__name__) from exc
        if response.status_code >= 500 or response.status_code in (401, 403):
            raise GatewayUnavailableError(_error_text(response))
        return response

    def charge(
        self,
        token: str,
        amount_cents: int,
        currency: str = "usd",
        *,
        order_number: str | None = None,
        email: str | None = None,
        charge_first_card: bool = False,
    ) -> str:
        """Charge ``amount_cents``; returns the charge id or raises :class:`CardError`.

        ``order_number`` and ``email`` travel as the charge's metadata, so the
        back office can find every attempt for an order or a shopper.
        ``charge_first_card`` is fault charge-first-card: the token of the first
        successful charge in this process is charged instead of ``token``.
        """
        with self._first_token_lock:
            remembered = self._first_token
        if charge_first_card and remembered is not None:
            # charge-first-card: a "cached payment source" that was never keyed by
            # shopper, so every order pays with the first card that ever paid.
            token = remembered
        response = self._request(
            "POST",
            "/v1/charges",
            json={
                "token": token,
                "amount_cents": amount_cents,
                "currency": currency,
                "metadata": {"order_number": order_number, "email": email},
            },
        )
        if response.status_code != 200:
            raise _card_error(response)
        charge_id = response.json().get("id")
        if not isinstance(charge_id, str):
            raise GatewayUnavailableError("malformed charge response")
        with self._first_token_lock:
            # Remembered whether or not the fault is on, so switching it on at run time
            # sends the very next order to the first card this shop ever charged.
            if self._first_token is None:
                self._first_token = token
        return charge_id

    def charges(
        self, order_number: str | None = None, email: str | None = None
    ) -> list[ChargeSummary]:
        """Charge attempts for an order and/or e-mail, oldest first.

        Raises :class:`GatewayUnavailableError` when the gateway cannot answer.
        """
        params = {
            key: value
            for key, value in (("order", order_number), ("email", email))
            if value is not None
        }
        response = self._request("GET", "/v1/charges", params=params)
        if response.status_code != 200:
            raise GatewayUnavailableError(_error_text(response))
        try:
            return [_charge_summary(raw) for raw in response.json()["data"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise GatewayUnavailableError(f"malformed charge list: {exc}") from exc

    def card_details(self, token: str) -> CardDetails:
        """Brand and last four digits of a token; raises :class:`CardError` if unknown."""
        # The token goes into a URL path: accept only the shape the gateway issues.
        if not TOKEN_PATTERN.fullmatch(token):
            raise CardError("invalid_token", "Your payment could not be processed.")
        response = self._request("GET", f"/v1/tokens/{token}")
        if response.status_code != 200:
            raise _card_error(response)
        body = response.json()
        return CardDetails(token=token, brand=str(body["brand"]), last4=str(body["last4"]))

    def check_health(self) -> None:
        """GET the provider's /health; raises :class:`GatewayUnavailableError` unless 200."""
        try:
            response = self._http.get("/health", timeout=HEALTH_TIMEOUT_SECONDS)
        except httpx.HTTPError as exc:
            raise GatewayUnavailableError(first_line(exc) or type(exc).__name__) from exc
        if response.status_code != 200:
            raise GatewayUnavailableError(_error_text(response))

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()
