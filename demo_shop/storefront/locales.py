"""The storefront's languages: the shopper's browser picks one, every price is written in it.

The shop ships to the US, Canada, Britain and Germany, and writes its (dollar) prices as
each of their locales does: ``$1,234.50`` (en-US), ``US$1,234.50`` (en-CA, en-GB),
``1.234,50 $`` (de-DE), with the CLDR's formats (Babel). Which one a page uses is
negotiated from the request's ``Accept-Language`` (Babel's ``negotiate_locale``, over
the languages in the order of their quality); a request that asks for none of them, or
for nothing, gets en-US. Pages say which in ``<html lang>``, and ``Vary: Accept-Language``.

Fault ``locale-format``: German pages write prices with a hard-coded "amount, then sign"
pattern on the default locale's number symbols ("1,234.50 $", not "1.234,50 $"), as a
template that moved the sign for Germany but formats numbers in English does; every
other locale is right.
"""

from __future__ import annotations

from babel.core import negotiate_locale
from flask import g, request

from demo_shop import faults as fault_names
from demo_shop.context import fault_hits
from demo_shop.orders.pricing import PRICE_CURRENCY, format_money

#: The locales the storefront writes, as language tags (BCP 47).
SUPPORTED = ("en-US", "en-CA", "en-GB", "de-DE")
DEFAULT = "en-US"
#: What the locale-format fault writes German prices with: the sign after the amount, as
#: German does, on the number symbols of the default locale.
_GERMAN_ON_ENGLISH_NUMBERS = "#,##0.00\u00a0¤"


def negotiate(accept_language: list[str]) -> str:
    """The supported locale for the languages a browser asks for, best first."""
    return negotiate_locale(accept_language, SUPPORTED, sep="-") or DEFAULT


def page_locale() -> str:
    """This request's locale (a tag of :data:`SUPPORTED`), negotiated once per request."""
    if "page_locale" not in g:
        g.page_locale = negotiate(list(request.accept_languages.values()))
    return str(g.page_locale)


def price(cents: int, currency: str = PRICE_CURRENCY) -> str:
    """``cents`` as this request's page writes an amount (``currency``: the shop's dollar,
    unless a fault shows another)."""
    tag = page_locale()
    if tag == "de-DE" and fault_hits(fault_names.LOCALE_FORMAT):
        return format_money(cents, DEFAULT.replace("-", "_"), currency, _GERMAN_ON_ENGLISH_NUMBERS)
    return format_money(cents, tag.replace("-", "_"), currency)
