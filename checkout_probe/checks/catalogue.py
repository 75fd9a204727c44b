"""The catalogue as a listing page shows it, against the catalogue the project declares.

Only the products bought are compared on their own pages; a wrong price on a product
nobody happened to buy this run would pass. The listing shows them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from checkout_probe.basics.mismatch import DataMismatch
from checkout_probe.shop.orders import money
from checkout_probe.shop.pricing import Pricing


def listing_problems(pricing: Pricing, listed: Mapping[str, int], *, complete: bool) -> list[str]:
    """Every listed product's price against ``Pricing.prices``; with ``complete`` (the page
    lists the whole catalogue), also every catalogue product missing from it."""
    problems = [
        f"'{name}' is listed at {money(cents)}, expected {money(pricing.prices[name])}"
        if name in pricing.prices else f"'{name}' is listed but not in the catalogue"
        for name, cents in listed.items()
        if pricing.prices.get(name) != cents
    ]  # fmt: skip
    if complete:
        problems += [f"'{name}' is not listed" for name in pricing.prices if name not in listed]
    return problems


def check_listing(
    pricing: Pricing, listed: Mapping[str, int], where: str, *, complete: bool = False
) -> None:
    """Raise :class:`DataMismatch` naming every product of ``listed`` that differs."""
    problems = listing_problems(pricing, listed, complete=complete)
    if problems:
        raise DataMismatch(f"{where}: " + "; ".join(problems))
