"""Self-test: generated shoppers are reproducible, with phone numbers valid where they live."""

from __future__ import annotations

import phonenumbers
import pytest

from checkout_probe.pytest_plugin.shoppers import attempt_seed
from checkout_probe.shop.shoppers import LOCALES, ShopperFactory


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


def test_a_retried_attempt_gets_a_shopper_of_its_own_and_the_first_keeps_the_replay_seed() -> None:
    # A registered checkout's retry must not re-register the account its first attempt
    # left in the shop (no token to clean it up): that fails as "ui_broken", not the fault.
    factory = ShopperFactory(("en_US",), "synthetic.example")
    test = "tests/test_registered_checkout.py::test_x[chromium]"
    first, replayed, retry = (attempt_seed(48817, test, n) for n in (1, 1, 2))
    assert first == replayed == attempt_seed(48817, test)
    assert factory.make(first).email != factory.make(retry).email
    assert attempt_seed(48817, test, 2) == retry  # a replayed retry meets the same shopper


#: The first letter of a Canadian postal code → its province (Canada Post).
_CA_FIRST_LETTER = {
    "A": {"NL"}, "B": {"NS"}, "C": {"PE"}, "E": {"NB"}, "G": {"QC"}, "H": {"QC"}, "J": {"QC"},
    "K": {"ON"}, "L": {"ON"}, "M": {"ON"}, "N": {"ON"}, "P": {"ON"}, "R": {"MB"}, "S": {"SK"},
    "T": {"AB"}, "V": {"BC"}, "X": {"NT", "NU"}, "Y": {"YT"},
}  # fmt: skip


def test_every_shopper_has_a_region_of_their_country_matching_the_postcode() -> None:
    factory = ShopperFactory(tuple(LOCALES), "synthetic.example")
    for seed in range(240):
        address = factory.make(seed).address
        assert address.region, address
        if address.country_code == "CA":
            assert address.region in _CA_FIRST_LETTER[address.postal_code[0]], address
        if address.country_code == "AU" and address.region != "ACT":
            state_of = {"0": "NT", "2": "NSW", "3": "VIC", "4": "QLD", "5": "SA", "6": "WA",
                        "7": "TAS"}  # fmt: skip
            assert state_of[address.postal_code[0]] == address.region, address
        if address.country_code == "IE":
            assert address.region not in {"Antrim", "Armagh", "Down", "Fermanagh", "Tyrone"}
