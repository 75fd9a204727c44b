"""The oscar shop's card profile: its default checkout takes no card, so none is ever typed."""

from __future__ import annotations

from checkout_probe.shop.data import TestCard

#: Oscar's stock payment-details page is a placeholder ("Continue"): a real shop plugs in a
#: provider there (django-oscar-paypal, -adyen, …) and lists that provider's test cards here.
NO_PAYMENT_STEP = TestCard("0000 0000 0000 0000", "", "", "approved")

CARD_PROFILES: dict[str, dict[str, TestCard]] = {"no-payment-step": {"approved": NO_PAYMENT_STEP}}
