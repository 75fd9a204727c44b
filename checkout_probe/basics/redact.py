"""Mask card data and secrets in any text that could reach a report or a log."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

MASK = "[redacted]"

# 13-19 digits, optionally grouped by spaces or dashes: the shape of a card number.
_PAN = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with card-number-shaped digit runs and the given secrets masked."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, MASK)
    return _PAN.sub(lambda m: f"[card …{m.group(0)[-4:]}]", text)


def redact_exception(exc: BaseException, secrets: Iterable[str]) -> None:
    """Mask ``secrets`` (and card numbers) in the text arguments of ``exc`` and of the
    exceptions it was raised from, in place: reports that print an exception and its chain
    (pytest's traceback, Allure's, a log's) then show it masked. A project's own check may
    well put the token or a password into its message."""
    secrets = tuple(secrets)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        # (suppressed: an exception type that fixes its args keeps them)
        with contextlib.suppress(AttributeError, TypeError):
            current.args = tuple(
                redact(a, secrets) if isinstance(a, str) else a for a in current.args
            )
        current = current.__cause__ or current.__context__


#: ``scheme://user:password@host``: the user info of a URL, password or not.
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]*@)")


def mask_url(url: str) -> str:
    """``url`` with any user info masked (``https://***@shop.example/``), for echoing it in
    an error or a log; also where the URL does not parse (an unencoded ``@`` in a password:
    everything up to the last ``@`` before the host goes)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
    except ValueError:
        netloc = ""
    if "@" in netloc:
        return url.replace(netloc, "***@" + netloc.rsplit("@", 1)[1], 1)
    return _USERINFO.sub(lambda m: f"{m['scheme']}***@", url)
