"""Which other origins a shop's pages talk to, and what their failures may mean.

A checkout page loads scripts and frames from other origins: the payment provider's SDK and
card form, analytics, chat widgets, fonts. Any of them can fail (an isolated staging
network, a corporate proxy, the vendor's outage) while the shop itself is fine. A failed
request to another origin is therefore evidence, listed with its scheme and host, and never
the cause of a diagnosis unless the project declares that origin its payment provider:

``payment``    origins of the payment provider; their failures are ``payment_provider``
``important``  other origins whose failures matter (shown right after the shop's own)
``ignore``     origins never shown at all (analytics, ads)

An entry is a pattern of ``scheme://host[:port]`` with ``*`` wildcards
(``"https://*.stripe.com"``), or a callable given the shop's base URL that returns such
patterns, for a provider whose address the shop tells at run time (called once per run).
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

#: An origin pattern, or a function of the shop's base URL returning patterns.
OriginEntry = str | Callable[[str], Iterable[str]]


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def matches(origin: str, patterns: Iterable[str]) -> bool:
    """True when ``origin`` matches one of ``patterns`` (case-insensitive, ``*`` wildcards)."""
    return any(fnmatch.fnmatch(origin.lower(), p.lower()) for p in patterns)


@dataclass(frozen=True)
class KnownOrigins:
    """The declared origins, resolved for one shop (patterns only)."""

    payment: tuple[str, ...] = ()
    important: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Origins:
    """The project's declaration (``Shop.origins``); see the module docstring."""

    payment: tuple[OriginEntry, ...] = ()
    important: tuple[OriginEntry, ...] = ()
    ignore: tuple[OriginEntry, ...] = ()

    def resolve(self, base_url: str) -> KnownOrigins:
        """The patterns for the shop at ``base_url`` (callables called now; one that fails
        gives none, and says so in the log: the diagnosis then treats its origin as any
        other third party's)."""
        return KnownOrigins(
            _patterns(self.payment, base_url),
            _patterns(self.important, base_url),
            _patterns(self.ignore, base_url),
        )


def _patterns(entries: tuple[OriginEntry, ...], base_url: str) -> tuple[str, ...]:
    found: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            found.append(entry)
            continue
        try:
            found += [str(p) for p in entry(base_url)]
        except Exception as exc:  # a shop that cannot say: its provider is an unknown origin
            name = f"{getattr(entry, '__module__', '?')}.{getattr(entry, '__qualname__', entry)}"
            log.warning("Shop.origins: %s could not tell the origins: %s", name, exc)
    return tuple(found)
