"""Money as the demo shop shows it ("$1,234.50"); totals themselves are integer cents."""

from __future__ import annotations

import re

from checkout_probe.shop.orders import Totals

_AMOUNT = re.compile(r"-?\$?\s*([\d,]+)(?:\.(\d{2}))?")

__all__ = ["Totals", "format_cents", "parse_cents"]


def parse_cents(text: str) -> int:
    """``"$1,234.50"`` → ``123450``."""
    match = _AMOUNT.search(text)
    if match is None:
        raise ValueError(f"no amount of money in {text!r}")
    whole, cents = match.group(1).replace(",", ""), match.group(2) or "00"
    sign = -1 if text.strip().startswith("-") else 1
    return sign * (int(whole) * 100 + int(cents))


def format_cents(cents: int) -> str:
    """``123450`` → ``"$1,234.50"``."""
    return f"${cents / 100:,.2f}"
