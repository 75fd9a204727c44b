"""Payment cards of the environment's card profile (the project's ``Shop.cards``)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.settings.config import Settings
from checkout_probe.shop.data import TestCard


@pytest.fixture(scope="session")
def cards(settings: Settings) -> Mapping[str, TestCard]:
    """The environment's test cards by name (``Shop.cards[card_profile]``)."""
    return settings.cards


@pytest.fixture
def card(settings: Settings, shopper_seed: int) -> TestCard:
    """A card of the environment's profile that the payment provider approves (the profile's
    approved cards in turn, by the test's seed, so a charge on the wrong card shows)."""
    try:
        return settings.approved_card(shopper_seed)
    except ConfigError as exc:
        pytest.fail(str(exc), pytrace=False)
