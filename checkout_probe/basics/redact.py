"""Mask card data and secrets in any text that could reach a report or a log."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[redacted]"

# 13-19 digits, optionally grouped by spaces or dashes: the shape of a card number.
_PAN = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with card-number-shaped digit runs and the given secrets masked."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, MASK)
    return _PAN.sub(lambda m: f"[card …{m.group(0)[-4:]}]", text)
