"""Self-test: generated shoppers are reproducible, with phone numbers valid where they live."""

from __future__ import annotations

import phonenumbers
import pytest

from checkout_probe.shoppers import LOCALES, ShopperFactory


@pytest.mark.parametrize("locale", list(LOCALES))
def test_every_locales_shoppers_have_phones_valid_for_their_country(locale: str) -> None:
    factory = ShopperFactory((locale,), "synthetic.example")
    for seed in range(40):
        shopper = factory.make(seed)
        number = phonenumbers.parse(shopper.phone, None)
        assert phonenumbers.is_valid_number(number), (locale, shopper.phone)
        assert phonenumbers.region_code_for_number(number) == LOCALES[locale]
        assert shopper.address.country_code == LOCALES[locale]
        assert shopper.address.postal_code.strip() and shopper.address.city.strip()
        assert shopper.email.endswith("@synthetic.example") and shopper.email.isascii()


def test_the_same_seed_gives_the_same_shopper_and_locales_take_turns() -> None:
    first = ShopperFactory(("en_GB", "de_DE"), "synthetic.example")
    again = ShopperFactory(("en_GB", "de_DE"), "synthetic.example")
    assert first.make(7) == again.make(7)
    assert [first.make(s).address.country_code for s in (10, 11)] == ["GB", "DE"]


def test_an_unknown_locale_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown shopper locale xx_XX: known: en_US"):
        ShopperFactory(("xx_XX",), "synthetic.example")
