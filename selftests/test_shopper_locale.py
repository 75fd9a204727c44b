"""Self-tests: a shopper's locale becomes its browser's (language, time zone, Accept-Language),
an environment pins them, ``--shopper-locale`` restricts a run's shoppers to one locale."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.core import get_global

from checkout_probe.basics.errors import ConfigError
from checkout_probe.checkout.context import context_options, page_locale
from checkout_probe.settings.config import Settings, build_settings
from checkout_probe.shop.shopper_locale import MAIN_ZONES, accept_language, browser_locale, zone_of
from checkout_probe.shop.shoppers import LOCALES, ShopperFactory
from demo_shop.storefront.validation import validate_contact
from flows.shop import SHOP

DEMO_SHOPPERS = {
    "en_US": ("en-US", "America/New_York", "en-US,en;q=0.9"),
    "en_CA": ("en-CA", "America/Toronto", "en-CA,en;q=0.9"),
    "en_GB": ("en-GB", "Europe/London", "en-GB,en;q=0.9"),
    "de_DE": ("de-DE", "Europe/Berlin", "de-DE,de;q=0.9,en;q=0.5"),
}


def _settings(tmp_path: Path, table: str = "", **options: object) -> Settings:
    path = tmp_path / "environments.toml"
    path.write_text(f"[local]\ndemo_shop = true\n{table}")
    return build_settings({"config": str(path), **options}, {}, shop=SHOP)


@pytest.mark.parametrize("locale", sorted(DEMO_SHOPPERS))
def test_a_shoppers_context_has_their_language_time_zone_and_accept_language(
    locale: str, tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    options = context_options(settings, "http://127.0.0.1:1", "120.0.1", shopper_locale=locale)
    tag, zone, languages = DEMO_SHOPPERS[locale]
    assert (options["locale"], options["timezone_id"]) == (tag, zone)
    headers = options["extra_http_headers"]
    assert headers["Accept-Language"] == languages
    # The synthetic-traffic mark is kept, whatever the locale.
    assert headers[settings.environment.synthetic_header] == settings.run_id
    assert page_locale(settings, locale).babel == locale


def test_context_options_without_a_shopper_set_no_locale(tmp_path: Path) -> None:
    options = context_options(_settings(tmp_path), None, "120.0.1")
    assert "locale" not in options and "timezone_id" not in options
    assert "Accept-Language" not in options["extra_http_headers"]


def test_an_environment_pins_the_browser_locale_and_time_zone_over_the_shoppers(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, 'browser_locale = "en-US"\ntimezone = "Asia/Tokyo"\n')
    options = context_options(settings, None, "120.0.1", shopper_locale="de_DE")
    assert (options["locale"], options["timezone_id"]) == ("en-US", "Asia/Tokyo")
    assert options["extra_http_headers"]["Accept-Language"] == "en-US,en;q=0.9"
    # The amounts are read in the pinned locale: the pages were asked in it.
    assert page_locale(settings, "de_DE").babel == "en_US"
    only_zone = _settings(tmp_path, 'timezone = "Europe/Berlin"\n')
    assert page_locale(only_zone, "en_CA") == browser_locale("en_CA", pinned_zone="Europe/Berlin")
    assert page_locale(only_zone, "en_CA").tag == "en-CA"


def test_the_environments_headers_and_options_already_chosen_win_over_the_shoppers(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, '[local.headers]\n"Accept-Language" = "fr-FR"\n')
    chosen = {"locale": "sv-SE", "extra_http_headers": {"X-Team": "checkout"}}
    options = context_options(settings, None, "120.0.1", chosen, shopper_locale="de_DE")
    assert options["locale"] == "sv-SE"
    assert options["timezone_id"] == "Europe/Berlin"
    assert options["extra_http_headers"]["Accept-Language"] == "fr-FR"
    assert options["extra_http_headers"]["X-Team"] == "checkout"


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ('browser_locale = "xx-YY"\n', "browser_locale 'xx-YY' is not a locale the CLDR knows"),
        ("browser_locale = 7\n", "browser_locale must be"),
        ('timezone = "Europe/Atlantis"\n', "timezone 'Europe/Atlantis' is not an IANA time zone"),
    ],
)
def test_a_bad_pin_is_a_one_line_error_naming_the_environment_and_key(
    table: str, says: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as error:
        _settings(tmp_path, table)
    assert says in str(error.value) and "\n" not in str(error.value)
    assert str(error.value).startswith("environment 'local' in environments.toml: ")


def test_every_shopper_country_gets_one_of_its_cldr_zones() -> None:
    zones = get_global("territory_zones")
    for country in set(LOCALES.values()):
        assert zone_of(country) in zones[country], country
    for country, zone in MAIN_ZONES.items():
        assert zone in zones[country], (country, zone)
    assert zone_of(None) == "UTC"


def test_accept_language_asks_for_the_language_then_english() -> None:
    assert accept_language("fr-FR") == "fr-FR,fr;q=0.9,en;q=0.5"
    assert accept_language("de") == "de,en;q=0.5"
    assert accept_language("en") == "en"


def test_shopper_locale_option_restricts_the_runs_shoppers_to_that_locale(tmp_path: Path) -> None:
    settings = _settings(tmp_path, shopper_locale="de_DE")
    assert settings.shopper_locales == ("de_DE",)
    factory = ShopperFactory(settings.shopper_locales, settings.email_domain)
    shoppers = [factory.make(seed) for seed in range(6)]
    assert {s.locale for s in shoppers} == {"de_DE"}
    assert {s.address.country_code for s in shoppers} == {"DE"}
    assert _settings(tmp_path).shopper_locales == SHOP.shopper_locales


def test_shopper_locale_the_shop_does_not_ship_to_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        _settings(tmp_path, shopper_locale="fr_FR")
    assert str(error.value) == (
        "shopper locale 'fr_FR' is not one of the shop's: pass one of "
        "en_US, en_CA, en_GB, de_DE (Shop.shopper_locales)"
    )


def test_the_demo_shop_accepts_the_address_of_every_shopper_it_ships_to() -> None:
    factory = ShopperFactory(SHOP.shopper_locales, "synthetic.example")
    for seed in range(200):
        shopper = factory.make(seed)
        assert shopper.locale == SHOP.shopper_locales[seed % 4]
        form = {
            "email": shopper.email,
            "full_name": shopper.full_name,
            "address": shopper.address.street,
            "city": shopper.address.city,
            "postal_code": shopper.address.postal_code,
            "country": shopper.address.country_code,
            "phone": shopper.phone,
        }
        assert validate_contact(form) == {}, (shopper.locale, shopper.address, shopper.phone)
