"""How the shop writes money, and reading an amount strictly against it.

A lenient parser that skips what it does not expect reads "$89.5" as 89.00 and "€52.43"
on a dollar shop as 52.43: the page is wrong and the check says nothing, or says something
false. A project therefore declares its money format once (``Shop.money``): the currency
and the locale whose conventions the shop follows (symbol and its position, decimal and
group separators, the currency's decimals), as Babel (the CLDR's data) knows them, or a
CLDR pattern of its own. Every amount a page shows is read with :meth:`MoneyFormat.parse`,
which accepts exactly what the format writes for some amount and nothing else: a text
that is not such an amount is a ``data_mismatch`` naming the page, the text shown and the
amount expected where the reader knows it (else an example of the format).

A shop that localises its prices writes them as the shopper's browser asks
(``follows_shopper=True``): its currency stays, the locale is the page's (Germany writes
dollars "1.234,50 $", Canada "US$1,234.50"); :meth:`MoneyFormat.for_locale` gives the
format of one page locale.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_currency_precision,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from checkout_probe.basics.errors import ConfigError
from checkout_probe.basics.mismatch import DataMismatch


class MisreadAmount(DataMismatch):
    """A page showed a text that is not an amount in the shop's declared format."""


def _squash(text: str) -> str:
    # Locales put (narrow) no-break spaces between amount and sign; a page may show any space.
    return " ".join(text.split())


@dataclass(frozen=True)
class MoneyFormat:
    """The shop's money: ``currency`` (ISO 4217) written as ``locale`` writes it.

    ``pattern`` overrides the locale's currency pattern (CLDR syntax, e.g. ``"¤#,##0.00"``)
    for a shop that writes amounts its own way. ``follows_shopper``: the shop writes them in
    the locale of the shopper's browser instead (``locale`` is then the default one, for a
    page asked in no locale); see :meth:`for_locale`.
    """

    currency: str = "USD"
    locale: str = "en_US"
    pattern: str | None = None
    follows_shopper: bool = False

    def __post_init__(self) -> None:
        try:
            Locale.parse(self.locale)
        except (UnknownLocaleError, ValueError, TypeError):
            raise ConfigError(f"Shop.money: {self.locale!r} is not a locale Babel knows") from None
        if not isinstance(self.currency, str) or len(self.currency) != 3:
            raise ConfigError(f"Shop.money: {self.currency!r} is not an ISO 4217 currency code")
        try:
            self.format(123456)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"Shop.money: pattern {self.pattern!r}: {exc}") from None

    def for_locale(self, locale: str) -> MoneyFormat:
        """The format of a page in ``locale`` (Babel's form, ``"de_DE"``): this one in that
        locale where the shop follows the shopper, else this one unchanged."""
        if not self.follows_shopper or locale == self.locale:
            return self
        return replace(self, locale=locale)

    @property
    def minor_digits(self) -> int:
        """Decimals of the currency: 2 for USD and EUR, 0 for JPY."""
        return int(get_currency_precision(self.currency))

    def format(self, minor: int) -> str:
        """The amount of ``minor`` units (cents) as the shop writes it: ``"$1,234.50"``."""
        amount = Decimal(minor).scaleb(-self.minor_digits)
        return _squash(
            format_currency(amount, self.currency, format=self.pattern, locale=self.locale)
        )

    def example(self) -> str:
        """A sample of the format, for messages."""
        return self.format(123456)

    def parse(self, text: str, where: str, expected: int | None = None) -> int:
        """The amount ``text`` shows, in minor units; :class:`MisreadAmount` (a data
        mismatch) when it is not exactly how the format writes an amount, naming ``where``,
        the text and the ``expected`` amount (minor units) when the caller knows it.

        A well-written amount other than ``expected`` is returned: comparing amounts is the
        checks' work, which say how the expectation was reached."""
        shown = _squash(text)
        number = "".join(
            ch for ch in shown
            if ch.isdigit() or ch in (get_decimal_symbol(self.locale),
                                      get_group_symbol(self.locale), "-", "−")
        ).replace("−", "-")  # fmt: skip
        try:
            value = parse_decimal(number, locale=self.locale, strict=True)
            minor_value = value.scaleb(self.minor_digits)
            minor = int(minor_value)
        except (NumberFormatError, InvalidOperation, ValueError):
            minor = None
        else:
            if minor_value != minor:
                minor = None
        if minor is None or self.format(minor) != shown:
            if expected is not None:
                raise MisreadAmount(
                    f"{where} shows {shown!r}, expected {self.format(expected)!r} "
                    f"({self.currency} in {self.locale})"
                )
            raise MisreadAmount(
                f"{where}: {shown!r} is not an amount in {self.currency} as the shop writes it "
                f"(Shop.money: {self.currency} in {self.locale}, e.g. {self.example()!r})"
            )
        return minor
