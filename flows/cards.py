"""The demo gateway's test cards, by card profile (``card_profile`` in environments.toml)."""

from __future__ import annotations

from checkout_probe.shop.data import TestCard

#: The gateway's test mode: the outcome each card number gets.
TEST_CARDS: dict[str, TestCard] = {
    "approved": TestCard("4242 4242 4242 4242", "12 / 34", "123", "approved"),
    # A second approved card: checkouts pay with them in turn, so a charge on the wrong
    # card (another shopper's) shows in reconciliation.
    "approved_mastercard": TestCard("5555 5555 5555 4444", "12 / 34", "123", "approved"),
    "declined": TestCard("4000 0000 0000 0002", "12 / 34", "123", "declined"),
    "insufficient_funds": TestCard("4000 0000 0000 9995", "12 / 34", "123", "insufficient_funds"),
    "invalid": TestCard("1234 5678 9012 3456", "12 / 34", "123", "invalid"),
}

#: Card profiles an environment may name; the first is the default.
CARD_PROFILES: dict[str, dict[str, TestCard]] = {"test": TEST_CARDS}
