"""An independent expectation of every order: what the shop should charge for a cart.

The suites used to compare the review page, the confirmation and the stored order
with each other, so a pricing bug that shows the same wrong number everywhere
passed. Here the project declares how its shop prices an order (:class:`Pricing`:
its catalogue prices, tax rate and rounding, shipping prices) and the engine
computes the lines and totals from what the journey put in the cart. Every page
and the stored order are then compared with that expectation, each on its own.

Carts are generated from the run seed (:func:`generate_cart`), so each run buys
other amounts, amounts that exercise rounding come up, and a failing cart is
replayed by running again with the same ``--faker-seed``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from types import MappingProxyType

from checkout_probe.basics.errors import ConfigError
from checkout_probe.shop.orders import Totals

#: Rounding modes a shop may use for tax, by the name a project writes.
ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "floor": ROUND_FLOOR}


@dataclass(frozen=True)
class CartItem:
    """A product (by the name the shopper sees) and how many of it to buy."""

    name: str
    quantity: int = 1

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


@dataclass(frozen=True)
class Line:
    """One order line: product, quantity and unit price in cents."""

    name: str
    quantity: int
    unit_price: int

    @property
    def line_total(self) -> int:
        """unit price × quantity."""
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class ExpectedOrder:
    """The lines, shipping method and totals an order must have, and how they were reached."""

    lines: tuple[Line, ...]
    shipping_method: str
    totals: Totals
    #: How the tax was computed ("8 % of $54.97, rounded half up"), for failure messages.
    tax_rule: str


@dataclass(frozen=True)
class Pricing:
    """How a shop prices an order, declared by its project (``Shop.pricing``).

    ``prices``          the catalogue: product name → unit price in cents, as the project
                        knows it (the journey also compares the price each product page
                        shows with it); carts are generated from these products
    ``shipping``        shipping method (as the shopper picks it) → price in cents
    ``tax_percent``     tax rate in percent, a string or Decimal ("8", "20", "0")
    ``tax_on_shipping`` whether shipping is taxed too
    ``rounding``        how tax is rounded to the cent: "half_up", "half_even" or "floor"
    ``prices_include_tax``  catalogue prices already include tax (no tax is added; the
                        tax shown is then the share of the total that is tax, not checked)
    ``max_quantity``    the most of one product a generated cart buys
    """

    prices: Mapping[str, int]
    shipping: Mapping[str, int]
    tax_percent: Decimal | str = "0"
    tax_on_shipping: bool = False
    rounding: str = "half_up"
    prices_include_tax: bool = False
    max_quantity: int = 3
    _rate: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prices", MappingProxyType(dict(self.prices)))
        object.__setattr__(self, "shipping", MappingProxyType(dict(self.shipping)))
        try:
            rate = Decimal(str(self.tax_percent))
        except ArithmeticError:
            raise ConfigError(f"Pricing.tax_percent {self.tax_percent!r} is not a number") from None
        if not rate.is_finite() or rate < 0:
            raise ConfigError(f"Pricing.tax_percent must be 0 or more, not {self.tax_percent!r}")
        object.__setattr__(self, "_rate", rate)
        if self.rounding not in ROUNDING:
            raise ConfigError(
                f"Pricing.rounding {self.rounding!r} is not one of {', '.join(ROUNDING)}"
            )
        if not self.prices:
            raise ConfigError("Pricing.prices is empty: name the products a cart may hold")
        for what, table in (("prices", self.prices), ("shipping", self.shipping)):
            for name, cents in table.items():
                if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
                    raise ConfigError(
                        f"Pricing.{what}['{name}'] must be a whole number of cents, not {cents!r}"
                    )
        if self.max_quantity < 1:
            raise ConfigError("Pricing.max_quantity must be at least 1")

    def unit_price(self, name: str) -> int:
        """The catalogue price of ``name``; a product the project does not list is its bug."""
        try:
            return self.prices[name]
        except KeyError:
            known = ", ".join(f"'{p}'" for p in self.prices)
            raise ConfigError(
                f"product '{name}' is not in Pricing.prices (known: {known})"
            ) from None

    def tax(self, taxable: int) -> int:
        """Tax on ``taxable`` cents, rounded the shop's way."""
        if self.prices_include_tax:
            return 0
        exact = Decimal(taxable) * self._rate / 100
        return int(exact.quantize(Decimal(1), rounding=ROUNDING[self.rounding]))

    def expect(self, items: Sequence[CartItem], shipping_method: str) -> ExpectedOrder:
        """The order ``items`` shipped by ``shipping_method`` must come to."""
        lines = tuple(Line(i.name, i.quantity, self.unit_price(i.name)) for i in items)
        try:
            shipping = self.shipping[shipping_method]
        except KeyError:
            known = ", ".join(f"'{m}'" for m in self.shipping)
            raise ConfigError(
                f"shipping method '{shipping_method}' is not in Pricing.shipping (known: {known})"
            ) from None
        subtotal = sum(line.line_total for line in lines)
        taxable = subtotal + (shipping if self.tax_on_shipping else 0)
        tax = self.tax(taxable)
        rule = (
            "prices include tax"
            if self.prices_include_tax
            else f"{self._rate.normalize():f} % of {taxable / 100:,.2f}, "
            f"rounded {self.rounding.replace('_', ' ')}"
        )
        totals = Totals(subtotal, shipping, tax, subtotal + shipping + tax)
        return ExpectedOrder(lines, shipping_method, totals, rule)


def generate_cart(pricing: Pricing, seed: int, max_products: int = 3) -> tuple[CartItem, ...]:
    """A cart drawn from the catalogue with ``seed``: 1 to ``max_products`` products,
    each 1 to ``Pricing.max_quantity`` of, in catalogue order. The same seed, the same cart.
    """
    rng = random.Random(seed)
    names = list(pricing.prices)
    count = rng.randint(1, min(max_products, len(names)))
    chosen = set(rng.sample(names, count))
    return tuple(
        CartItem(name, rng.randint(1, pricing.max_quantity)) for name in names if name in chosen
    )
