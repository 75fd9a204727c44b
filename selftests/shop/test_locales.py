"""The storefront writes prices in the locale the browser asks for (Accept-Language), over
real HTTP: pages, ``<html lang>`` and the shipping options' JSON alike; fault locale-format
gets German wrong and every other locale right."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from demo_shop.storefront.locales import negotiate

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

#: Accept-Language → the page's lang and a Trail Mug's price there (12.99 dollars).
ASKED = {
    None: ("en-US", "$12.99"),
    "de-DE,de;q=0.9,en;q=0.5": ("de-DE", "12,99\u00a0$"),
    "en-CA,en;q=0.9": ("en-CA", "US$12.99"),
    "en-GB,en;q=0.9": ("en-GB", "US$12.99"),
    # None of its languages, then English: American.
    "fr-FR,fr;q=0.9,en;q=0.5": ("en-US", "$12.99"),
    # German by quality, not by order.
    "en-GB;q=0.4,de;q=0.8": ("de-DE", "12,99\u00a0$"),
}


def _product(driver: ShopDriver, accept_language: str | None) -> tuple[str, str, str]:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = driver.http.get("/products/trail-mug", headers=headers)
    assert response.status_code == 200
    lang = re.search(r'<html lang="([^"]+)"', response.text)
    assert lang is not None
    return lang.group(1), driver.text_of(response.text, "price"), response.headers["Vary"]


@pytest.mark.parametrize("asked", list(ASKED), ids=lambda a: a or "no header")
def test_the_storefront_answers_in_the_negotiated_locale_with_its_price_format(
    driver: ShopDriver, asked: str | None
) -> None:
    lang, price, vary = _product(driver, asked)
    assert (lang, price) == ASKED[asked]
    assert "Accept-Language" in vary


def test_negotiation_falls_back_to_american_english() -> None:
    assert negotiate([]) == "en-US"
    assert negotiate(["ja-JP", "ja"]) == "en-US"
    assert negotiate(["de"]) == "de-DE"


def test_the_shipping_options_json_writes_prices_as_the_pages_do(driver: ShopDriver) -> None:
    driver.add("trail-mug")
    assert driver.http.post("/checkout/contact", data=driver.CONTACT).status_code == 302
    german = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
    options = driver.http.get("/api/shipping-options", headers=german).json()["methods"]
    assert [m["price"] for m in options] == ["4,99\u00a0$", "14,99\u00a0$"]
    page = driver.http.get("/checkout/shipping", headers=german).text
    assert "Standard — 4,99\u00a0$" in page
    options = driver.http.get("/api/shipping-options").json()["methods"]
    assert [m["price"] for m in options] == ["$4.99", "$14.99"]


def test_locale_format_writes_german_prices_in_english_numbers_and_no_other_locale(
    driver: ShopDriver,
) -> None:
    driver.switch_fault("locale-format")
    assert _product(driver, "de-DE,de;q=0.9,en;q=0.5")[:2] == ("de-DE", "12.99\u00a0$")
    for asked in ("en-CA,en;q=0.9", "en-GB,en;q=0.9", None):
        assert _product(driver, asked)[:2] == ASKED[asked]
