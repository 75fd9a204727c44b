"""Money as the demo shop writes it ("$1,234.50"), read strictly; totals themselves are cents.

The shop's format is declared once (``MONEY``, the demo's ``Shop.money``): an amount a page
shows that is not written that way ("$89.5", "€52.43") is a data mismatch naming the page,
never a misread number.
"""

from __future__ import annotations

from checkout_probe.shop.money import MoneyFormat
from checkout_probe.shop.orders import Totals

#: US dollars as en_US writes them: "$1,234.50".
MONEY = MoneyFormat("USD", "en_US")

__all__ = ["MONEY", "Totals", "format_cents", "parse_cents"]


def parse_cents(text: str, where: str) -> int:
    """``"$1,234.50"`` → ``123450``; anything else raises a data mismatch naming ``where``."""
    return MONEY.parse(text, where)


def format_cents(cents: int) -> str:
    """``123450`` → ``"$1,234.50"``."""
    return MONEY.format(cents)
