"""Money as the oscar shop shows it ("£1,234.50"), in pence."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"(-)?\s*£\s*([\d,]+)(?:\.(\d{2}))?")


def parse_pence(text: str) -> int:
    """``"£1,234.50"`` → ``123450``."""
    match = _AMOUNT.search(text)
    if match is None:
        raise ValueError(f"no amount of money in {text!r}")
    sign, whole, pence = match.group(1), match.group(2).replace(",", ""), match.group(3) or "00"
    return (-1 if sign else 1) * (int(whole) * 100 + int(pence))


def format_pence(pence: int) -> str:
    """``123450`` → ``"£1,234.50"``."""
    return f"£{pence / 100:,.2f}"
