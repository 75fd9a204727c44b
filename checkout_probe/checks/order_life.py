"""An order's life after "thank you": its stored status, the money behind it, and every order
of the checkout's shoppers that the checkout did not confirm.

A confirmation page proves that the shop said "thank you", not that the order was paid,
charged once on the shopper's card, or that no other order was made on the side. After
every checkout the engine reads its orders back (:mod:`checkout_probe.checkout.stored_orders`
runs these checks as the step ``stored orders``); after cleanup, it reads them again
(:mod:`checkout_probe.checks.cleanup`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from checkout_probe.checks.payments import charge_problems, lookup
from checkout_probe.shop.data import TestCard
from checkout_probe.shop.orders import Charge, OrderAdapter, OrderLife, StoredOrder, money


def status_problems(order: StoredOrder, life: OrderLife | None) -> list[str]:
    """An order just confirmed must have one of the statuses the project declares."""
    if life is None or order.status in life.placed:
        return []
    return [
        f"order {order.number} is stored as {order.status!r}, expected "
        f"{life.describe(life.placed)} (Shop.order_life.placed)"
    ]


def money_problems(
    adapter: OrderAdapter, order: StoredOrder, card: TestCard | None
) -> tuple[list[str], bool]:
    """What is wrong with the charges behind ``order``; and whether the lookup said which
    card it charged (False: the card could not be checked)."""
    charges = lookup(adapter)
    if charges is None:
        return [], True
    found = charges.charges(order=order.number)
    told = all(c.card is not None for c in found if c.succeeded)
    return charge_problems(found, order.number, order.totals.total, card), told


def unconfirmed_orders(
    adapter: OrderAdapter, emails: Iterable[str], confirmed: Iterable[str]
) -> list[StoredOrder]:
    """Orders the shop stored for these shoppers that the checkout never confirmed."""
    known = set(confirmed)
    found: list[StoredOrder] = []
    for email in dict.fromkeys(emails):
        found += [o for o in adapter.find_by_email(email) if o.number not in known]
        known.update(o.number for o in found)
    return found


def charges_of(adapter: OrderAdapter, order: StoredOrder) -> Sequence[Charge]:
    """The successful charges of ``order`` (none when the adapter cannot look them up)."""
    charges = lookup(adapter)
    if charges is None:
        return ()
    return [c for c in charges.charges(order=order.number) if c.succeeded]


def describe_unconfirmed(adapter: OrderAdapter, order: StoredOrder) -> str:
    """``order A-17 (Product X ×2, 52.43, 'paid', charged ch_1 52.43 on …1111)``."""
    items = ", ".join(f"{i.name} ×{i.quantity}" for i in order.items)
    taken = charges_of(adapter, order)
    charged = (
        "charged " + ", ".join(
            f"{c.id} {money(c.amount)}" + (f" on …{c.card}" if c.card else "") for c in taken
        )
        if taken else "not charged"
    )  # fmt: skip
    return f"order {order.number} ({items}, {money(order.totals.total)}, {order.status!r}, " \
           f"{charged})"  # fmt: skip
