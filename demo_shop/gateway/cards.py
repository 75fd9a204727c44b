"""The payment provider's card rules and its in-memory token vault."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

# Several approved test cards (Visa, Mastercard), as real providers have, so a
# harness can rotate cards and see which one each charge went to.
APPROVED_CARDS: frozenset[str] = frozenset({"4242424242424242", "5555555555554444"})
# Test card number → (error code, shopper-facing message).
DECLINED_CARDS: dict[str, tuple[str, str]] = {
    "4000000000000002": ("card_declined", "Your card was declined."),
    "4000000000009995": ("insufficient_funds", "Your card has insufficient funds."),
}
INVALID_NUMBER = ("invalid_number", "Your card number is invalid.")
CARD_DECLINED = DECLINED_CARDS["4000000000000002"]

# Tokens are only needed for the length of a checkout; cap memory use.
MAX_TOKENS = 10_000


def normalize_number(number: str) -> str:
    """The card number without spaces (spaces are ignored; anything else is kept)."""
    return "".join(number.split())


def card_brand(number: str) -> str:
    """Brand from the leading digit: 4 Visa, 5 Mastercard, 3 Amex, otherwise "Card"."""
    brands = {"4": "Visa", "5": "Mastercard", "3": "Amex"}
    return brands.get(number[:1], "Card")


def card_last4(number: str) -> str:
    """The last four digits of the number."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits[-4:]


def charge_outcome(number: str) -> tuple[str, str] | None:
    """``None`` when the card approves, else ``(code, message)``."""
    normalized = normalize_number(number)
    if normalized in APPROVED_CARDS:
        return None
    return DECLINED_CARDS.get(normalized, INVALID_NUMBER)


@dataclass(frozen=True)
class StoredCard:
    """What the vault keeps for a token: the number, never the CVC."""

    number: str
    brand: str
    last4: str


class TokenVault:
    """Thread-safe token → card store, oldest tokens evicted first."""

    def __init__(self, max_tokens: int = MAX_TOKENS) -> None:
        self._cards: OrderedDict[str, StoredCard] = OrderedDict()
        self._lock = threading.Lock()
        self._max_tokens = max_tokens

    def tokenize(self, number: str) -> tuple[str, StoredCard]:
        """Store ``number`` and return a new token for it."""
        normalized = normalize_number(number)
        card = StoredCard(normalized, card_brand(normalized), card_last4(normalized))
        token = "tok_" + secrets.token_hex(12)
        with self._lock:
            self._cards[token] = card
            while len(self._cards) > self._max_tokens:
                self._cards.popitem(last=False)
        return token, card

    def lookup(self, token: str) -> StoredCard | None:
        """The card behind ``token``, or ``None`` if unknown."""
        with self._lock:
            return self._cards.get(token)


@dataclass(frozen=True)
class ChargeRecord:
    """One charge attempt as the provider saw it (no card number).

    ``card_last4`` and ``card_brand`` are those of the card behind the token that
    was charged, so the merchant can tell which card paid for an order.
    ``order_number`` and ``email`` are the merchant's metadata, kept so charges
    can be reconciled with orders; failed attempts carry them too.
    """

    id: str
    amount_cents: int
    currency: str
    card_last4: str
    card_brand: str
    status: str
    failure_code: str | None
    order_number: str | None = None
    email: str | None = None

    def matches(self, order_number: str | None, email: str | None) -> bool:
        """Whether this charge fits both filters (``None`` = any; e-mail ignores case)."""
        if order_number is not None and self.order_number != order_number:
            return False
        if email is None:
            return True
        return self.email is not None and self.email.lower() == email.strip().lower()


class ChargeLedger:
    """Thread-safe, bounded list of charge attempts, newest last."""

    def __init__(self, max_records: int = MAX_TOKENS) -> None:
        self._records: list[ChargeRecord] = []
        self._lock = threading.Lock()
        self._max_records = max_records

    def record(self, charge: ChargeRecord) -> None:
        """Remember a charge attempt."""
        with self._lock:
            self._records.append(charge)
            del self._records[: -self._max_records]

    def all(self) -> list[ChargeRecord]:
        """All remembered charge attempts, oldest first."""
        with self._lock:
            return list(self._records)

    def matching(self, order_number: str | None, email: str | None) -> list[ChargeRecord]:
        """The remembered attempts for ``order_number`` and/or ``email``, oldest first."""
        return [charge for charge in self.all() if charge.matches(order_number, email)]
