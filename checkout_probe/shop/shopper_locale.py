"""A shopper's locale as their browser shows it to the shop: language, time zone, languages asked.

A German shopper's browser says ``de-DE`` (``navigator.language``, ``Intl``), runs on
Berlin time and asks for ``Accept-Language: de-DE,de;q=0.9,en;q=0.5``; a shop that
localises answers in German formats. :func:`browser_locale` maps a shopper's Faker
locale (``"de_DE"``) to those three, with the project's pins (``browser_locale`` and
``timezone`` in ``environments.toml``) over them. The pytest ``context`` fixture and the
probe's checkouts both build their browser context's options from it
(:func:`checkout_probe.checkout.context.context_options`), and the amounts a page shows are
read in its :attr:`BrowserLocale.babel` locale (``MoneyFormat.for_locale``).

The time zone comes from the CLDR (Babel's ``territory_zones``): a country with one zone
has it. For the countries the CLDR lists several zones for and names none the main one,
:data:`MAIN_ZONES` names the zone most of its people live in (checked against the CLDR's
list by ``selftests/test_shopper_locale.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.core import get_global

#: Countries with several CLDR zones → the zone of most of their people.
MAIN_ZONES: Mapping[str, str] = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "AU": "Australia/Sydney",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
}
#: Where a locale names no country: UTC.
NO_ZONE = "UTC"


def _parse(tag: str) -> Locale:
    """``"de-DE"`` or ``"de_DE"`` as a Babel locale (ValueError when Babel knows none)."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"{tag!r} is not a locale the CLDR knows (e.g. 'en-US', 'de-DE')") from exc


def locale_problem(tag: Any) -> str | None:
    """Why ``tag`` cannot be a browser locale (None: it can), e.g. for ``browser_locale``."""
    if not isinstance(tag, str) or not tag.strip():
        return "must be a language tag such as 'en-US' or 'de-DE'"
    try:
        _parse(tag)
    except ValueError as exc:
        return str(exc)
    return None


def zone_problem(zone: Any) -> str | None:
    """Why ``zone`` cannot be a time zone (None: it can), e.g. for ``timezone``."""
    if not isinstance(zone, str) or not zone.strip():
        return "must be an IANA time zone such as 'Europe/Berlin'"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{zone!r} is not an IANA time zone (e.g. 'Europe/Berlin', 'America/Toronto')"
    return None


def zone_of(country: str | None) -> str:
    """The time zone of a shopper in ``country`` (ISO 3166), see the module docstring."""
    zones = get_global("territory_zones").get(country or "", ())
    if not zones:
        return NO_ZONE
    return MAIN_ZONES.get(country or "", zones[0])


def accept_language(tag: str) -> str:
    """What a browser set to ``tag`` asks for: ``"de-DE,de;q=0.9,en;q=0.5"``.

    Its language, then the language alone, then English, as Chromium's defaults do.
    """
    language = _parse(tag).language
    asked = [tag]
    if language != tag:
        asked.append(f"{language};q=0.9")
    if language != "en":
        asked.append("en;q=0.5")
    return ",".join(asked)


@dataclass(frozen=True)
class BrowserLocale:
    """The browser locale of one checkout: ``tag`` (BCP 47, ``"de-DE"``) and ``timezone``."""

    tag: str
    timezone: str

    @property
    def babel(self) -> str:
        """The same locale as Babel and the CLDR name it (``"de_DE"``)."""
        return str(_parse(self.tag))

    def context_options(self) -> dict[str, Any]:
        """``new_context`` keyword arguments: locale, time zone and ``Accept-Language``."""
        return {
            "locale": self.tag,
            "timezone_id": self.timezone,
            "extra_http_headers": {"Accept-Language": accept_language(self.tag)},
        }


def browser_locale(
    shopper_locale: str, *, pinned_locale: str | None = None, pinned_zone: str | None = None
) -> BrowserLocale:
    """The browser locale of a shopper of Faker locale ``shopper_locale`` (``"de_DE"``),
    with a project's pins over it (each on its own)."""
    shopper = _parse(shopper_locale)
    tag = pinned_locale or "-".join(p for p in (shopper.language, shopper.territory) if p)
    return BrowserLocale(tag, pinned_zone or zone_of(shopper.territory))
