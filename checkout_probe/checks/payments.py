"""Payments reconciled: one successful charge per order, for the order's total.

Nothing a shopper sees tells how many times, or for how much, the card was
charged; a double charge passes every page check. A project whose order
adapter also implements :class:`~checkout_probe.shop.orders.ChargeLookup` (the shop's
or its provider's record of charges) lets the journeys check it: a confirmed
order must have exactly one successful charge equal to its total, on the card the
shopper entered (where the lookup says which card it charged: ``Charge.card``), and a
checkout that failed or was declined none at all. A difference is a
``data_mismatch``: the money taken is not the money the order says.
"""

from __future__ import annotations

from collections.abc import Sequence

from checkout_probe.diagnosis import DataMismatch
from checkout_probe.shop.data import TestCard
from checkout_probe.shop.orders import Charge, ChargeLookup, OrderAdapter, money


def lookup(orders: OrderAdapter | None) -> ChargeLookup | None:
    """The adapter's charge lookup, or None when it has none."""
    return orders if isinstance(orders, ChargeLookup) else None


def _listed(charges: Sequence[Charge]) -> str:
    return ", ".join(f"{c.id} {money(c.amount)} {c.status}" for c in charges)


def charge_problems(
    charges: Sequence[Charge], number: str, total: int, card: TestCard | None = None
) -> list[str]:
    """What is wrong with the money taken for order ``number``: anything but exactly one
    successful charge of ``total``, on ``card`` (the card the shopper entered) where the
    lookup says which card it charged."""
    taken = [c for c in charges if c.succeeded]
    if len(taken) != 1:
        return [
            f"payments of order {number}: {len(taken)} successful charges "
            f"({_listed(taken) or 'none'}), expected exactly one of {money(total)}"
        ]
    (charge,) = taken
    problems = []
    if charge.amount != total:
        problems.append(
            f"payments of order {number}: charge {charge.id} took {money(charge.amount)}, "
            f"the order total is {money(total)}"
        )
    if card is not None and charge.card is not None and charge.card != card.last4:
        problems.append(
            f"payments of order {number}: charge {charge.id} was taken from card "
            f"…{charge.card}, but the shopper entered the card ending {card.last4}"
        )
    return problems


def check_one_charge(
    charges: Sequence[Charge], number: str, total: int, card: TestCard | None = None
) -> None:
    """Raise :class:`DataMismatch` naming :func:`charge_problems`, if there are any."""
    problems = charge_problems(charges, number, total, card)
    if problems:
        raise DataMismatch("; ".join(problems))


def check_no_charge(charges: Sequence[Charge], whose: str) -> None:
    """Raise :class:`DataMismatch` when a checkout that placed no order took money."""
    taken = [c for c in charges if c.succeeded]
    if taken:
        raise DataMismatch(
            f"payments of {whose}: no order was placed, but {len(taken)} charge(s) "
            f"succeeded ({_listed(taken)})"
        )
