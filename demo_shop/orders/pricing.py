"""Prices, shipping, tax and totals, all in integer cents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency

TAX_PERCENT = 8


@dataclass(frozen=True)
class ShippingMethod:
    """A shipping option offered at checkout."""

    code: str
    label: str
    price_cents: int


SHIPPING_METHODS: Mapping[str, ShippingMethod] = {
    "standard": ShippingMethod("standard", "Standard", 499),
    "express": ShippingMethod("express", "Express", 1499),
}
DEFAULT_SHIPPING_METHOD = "standard"
# The shop's currency is the dollar: prices are shown in it (ISO 4217), in the page's locale,
PRICE_CURRENCY = "USD"
# ... and charged in it (the payment provider's code for it).
CURRENCY = "usd"


@dataclass(frozen=True)
class PricedLine:
    """One cart line at the product's current price."""

    slug: str
    name: str
    unit_price_cents: int
    quantity: int

    @property
    def line_total_cents(self) -> int:
        """unit price × quantity."""
        return self.unit_price_cents * self.quantity


@dataclass(frozen=True)
class Totals:
    """Order totals; ``total_cents`` = subtotal + shipping + tax."""

    subtotal_cents: int
    shipping_cents: int
    tax_cents: int

    @property
    def total_cents(self) -> int:
        """The amount charged."""
        return self.subtotal_cents + self.shipping_cents + self.tax_cents


def format_money(
    cents: int, locale: str = "en_US", currency: str = PRICE_CURRENCY, pattern: str | None = None
) -> str:
    """``123450`` → ``"$1,234.50"`` (en_US), ``"US$1,234.50"`` (en_CA, en_GB), ``"1.234,50 $"``
    (de_DE, with a no-break space): the CLDR's format of ``locale`` (Babel), or ``pattern``."""
    return format_currency(Decimal(cents).scaleb(-2), currency, format=pattern, locale=locale)


def tax_cents(subtotal_cents: int) -> int:
    """8 % of the subtotal, rounded half up to whole cents."""
    # Integer arithmetic avoids float rounding; +50 before // 100 rounds half up.
    return (subtotal_cents * TAX_PERCENT + 50) // 100


def truncated_tax_cents(subtotal_cents: int) -> int:
    """8 % of the subtotal, truncated to whole cents (the tax-rounding fault's bug)."""
    return subtotal_cents * TAX_PERCENT // 100


def subtotal_cents(lines: Iterable[PricedLine]) -> int:
    """Σ unit price × quantity."""
    return sum(line.line_total_cents for line in lines)


def compute_totals(
    lines: Iterable[PricedLine], shipping_method: str, *, truncate_tax: bool = False
) -> Totals:
    """Totals for ``lines`` shipped with ``shipping_method`` (tax is not on shipping).

    ``truncate_tax`` (fault tax-rounding) floors the tax instead of rounding it.
    """
    subtotal = subtotal_cents(lines)
    tax = truncated_tax_cents if truncate_tax else tax_cents
    return Totals(
        subtotal_cents=subtotal,
        shipping_cents=SHIPPING_METHODS[shipping_method].price_cents,
        tax_cents=tax(subtotal),
    )
