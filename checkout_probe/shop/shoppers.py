"""Generated test shoppers (Faker), shared by the pytest fixtures and the probe.

A shopper lives where their Faker locale says: the address's country, postal
code and phone number belong together, so they pass a shop's real validation
(phone numbers are checked with ``phonenumbers``, the library shops such as
django-oscar validate with). :data:`LOCALES` are the locales offered; a project
names the ones its shop ships to in ``Shop.shopper_locales``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

import phonenumbers
from faker import Faker

from checkout_probe.shop.data import Address, Shopper

#: Faker locale → the ISO country its addresses are in.
LOCALES: Mapping[str, str] = {
    "en_US": "US",
    "en_CA": "CA",
    "en_GB": "GB",
    "en_IE": "IE",
    "de_DE": "DE",
    "fr_FR": "FR",
    "es_ES": "ES",
    "it_IT": "IT",
    "nl_NL": "NL",
    "sv_SE": "SE",
    "pl_PL": "PL",
    "en_AU": "AU",
}


def _local_part(name: str, tag: str) -> str:
    # Mail shops accept ASCII local parts: drop accents and everything else.
    ascii_name = name.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".") or "shopper"
    return f"{slug}.{tag}"


def phone_number(country: str, rng: random.Random) -> str:
    """A phone number valid for ``country`` (international format), varied by ``rng``.

    Starts from the numbering plan's example mobile number and changes its last
    digits until ``phonenumbers`` says the result is valid; the example itself is
    valid, so there always is an answer.
    """
    example = phonenumbers.example_number_for_type(
        country, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(country)
    if example is None:
        raise ValueError(f"no phone numbering plan known for {country!r}")
    national = str(example.national_number)
    for _ in range(50):
        tail = "".join(rng.choice("0123456789") for _ in range(4))
        candidate = phonenumbers.parse(national[:-4] + tail, country)
        if phonenumbers.is_valid_number(candidate):
            return phonenumbers.format_number(
                candidate, phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


#: Australian states and territories → the first digits of their postcodes.
_AU_POSTCODES: Mapping[str, tuple[str, ...]] = {
    "NSW": ("20", "21", "22", "23", "24", "25", "27", "28"), "VIC": ("30", "31", "32", "33"),
    "QLD": ("40", "41", "42", "43", "44", "45", "46", "47"), "SA": ("50", "51", "52", "53"),
    "WA": ("60", "61", "62", "63", "64", "65", "66", "67"), "TAS": ("70", "71", "72", "73"),
    "NT": ("08",), "ACT": ("26",),
}  # fmt: skip
#: Counties Faker's en_IE lists that are in Northern Ireland (the UK), not Ireland.
_NOT_IRISH = frozenset({"Antrim", "Armagh", "Down", "Fermanagh", "Londonderry", "Tyrone"})


def region_and_postcode(fake: Faker, country: str) -> tuple[str, str]:
    """A region of ``country`` and a postal code that belongs to it."""
    if country == "US":
        state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
        return state, fake.postcode_in_state(state)
    if country == "CA":
        province = fake.province_abbr()
        return province, fake.postalcode_in_province(province)
    if country == "AU":
        state = fake.random_element(sorted(_AU_POSTCODES))
        prefix = fake.random_element(_AU_POSTCODES[state])
        return state, prefix + fake.numerify("##")
    region = fake.administrative_unit()
    for _ in range(20):
        if not (country == "IE" and region in _NOT_IRISH):
            break
        region = fake.administrative_unit()
    return region, fake.postcode()


def make_shopper(
    fake: Faker,
    seed: int,
    email_domain: str,
    password: str | None,
    country: str = "US",
    locale: str = "en_US",
) -> Shopper:
    """A new test shopper: name, e-mail on a reserved test domain, address in ``country``, phone.

    ``fake`` should be of ``locale``, which lives in ``country`` (:data:`LOCALES`),
    seeded with ``seed``; a tag from the seed keeps e-mails unique per shopper yet
    identical on replay. Without ``password`` one is generated.
    """
    name = f"{fake.first_name()} {fake.last_name()}"
    tag = f"{seed % 16**6:06x}"
    street = fake.street_address().replace("\n", ", ")
    city = fake.city()
    region, postal_code = region_and_postcode(fake, country)
    return Shopper(
        full_name=name,
        email=f"{_local_part(name, tag)}@{email_domain}",
        phone=phone_number(country, random.Random(seed)),
        address=Address(street, city, postal_code, country, region),
        password=password or fake.password(length=14),
        locale=locale,
    )


class ShopperFactory:
    """Shoppers from the shop's locales, one Faker per locale (building one costs ~30 ms)."""

    def __init__(self, locales: tuple[str, ...], email_domain: str) -> None:
        unknown = [loc for loc in locales if loc not in LOCALES]
        if unknown or not locales:
            raise ValueError(
                f"unknown shopper locale {unknown[0] if unknown else '(none)'}: "
                f"known: {', '.join(LOCALES)}"
            )
        self.locales = locales
        self.email_domain = email_domain
        self._fakers = {loc: Faker(loc) for loc in locales}

    def make(self, seed: int, password: str | None = None) -> Shopper:
        """The shopper of ``seed``: its locale and everything else follow from the seed."""
        locale = self.locales[seed % len(self.locales)]
        fake = self._fakers[locale]
        fake.seed_instance(seed)
        return make_shopper(fake, seed, self.email_domain, password, LOCALES[locale], locale)
