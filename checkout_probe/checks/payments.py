"""Payments reconciled: one successful charge per order, for the order's total.

Nothing a shopper sees tells how many times, or for how much, the card was
charged; a double charge passes every page check. A project whose order
adapter also implements :class:`~checkout_probe.shop.orders.ChargeLookup` (the shop's
or its provider's record of charges) lets the journeys check it: a confirmed
order must have exactly one successful charge equal to its total, and a
checkout that failed or was declined none at all. A difference is a
``data_mismatch``: the money taken is not the money the order says.
"""

from __future__ import annotations

from collections.abc import Sequence

from checkout_probe.diagnosis import DataMismatch
from checkout_probe.shop.orders import Charge, ChargeLookup, OrderAdapter, money


def lookup(orders: OrderAdapter | None) -> ChargeLookup | None:
    """The adapter's charge lookup, or None when it has none."""
    return orders if isinstance(orders, ChargeLookup) else None


def _listed(charges: Sequence[Charge]) -> str:
    return ", ".join(f"{c.id} {money(c.amount)} {c.status}" for c in charges)


def check_one_charge(charges: Sequence[Charge], number: str, total: int) -> None:
    """Raise :class:`DataMismatch` unless exactly one charge succeeded, for ``total``."""
    taken = [c for c in charges if c.succeeded]
    if len(taken) != 1:
        raise DataMismatch(
            f"payments of order {number}: {len(taken)} successful charges "
            f"({_listed(taken) or 'none'}), expected exactly one of {money(total)}"
        )
    (charge,) = taken
    if charge.amount != total:
        raise DataMismatch(
            f"payments of order {number}: charge {charge.id} took {money(charge.amount)}, "
            f"the order total is {money(total)}"
        )


def check_no_charge(charges: Sequence[Charge], whose: str) -> None:
    """Raise :class:`DataMismatch` when a checkout that placed no order took money."""
    taken = [c for c in charges if c.succeeded]
    if taken:
        raise DataMismatch(
            f"payments of {whose}: no order was placed, but {len(taken)} charge(s) "
            f"succeeded ({_listed(taken)})"
        )
