"""Money as the demo shop writes it: US dollars in the shopper's locale; totals are cents.

The shop's format is declared once (``MONEY``, the demo's ``Shop.money``): dollars, written
as the locale the page was asked in writes them ("$1,234.50" in en-US, "US$1,234.50" in
en-CA and en-GB, "1.234,50 $" in de-DE). The page objects read every amount with the
journey's reader (``journey.money``: this format in the page's locale), so an amount
written otherwise ("$89.5", "€52.43", "1,234.50 $" on a German page) is a data mismatch
naming the page, the text and the amount expected, never a misread number.
"""

from __future__ import annotations

from checkout_probe.checkout.amounts import PageAmounts
from checkout_probe.checkout.journey import Journey
from checkout_probe.shop.money import MoneyFormat
from checkout_probe.shop.orders import Totals

#: US dollars, written in the page's locale (en_US where a page is asked in none).
MONEY = MoneyFormat("USD", "en_US", follows_shopper=True)

__all__ = ["MONEY", "PageAmounts", "Totals", "amounts_of"]


def amounts_of(journey: Journey) -> PageAmounts:
    """The journey's reader of amounts (the demo shop declares ``Shop.money``)."""
    assert journey.money is not None, "the demo shop declares Shop.money"
    return journey.money
