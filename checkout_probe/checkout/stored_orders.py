"""After the journey: the checkout's orders read back by the engine, as a step of its own.

Every checkout ends with the step ``stored orders`` (wherever the project's adapter can read
orders back): each order the journey confirmed is read back and must have the status the
project declares (``Shop.order_life``), exactly one successful charge of its total, on the
card the shopper entered (``journey.pays_with``); and the shop must hold no other order, and
have taken no other money, for the checkout's shoppers. A failure is a ``data_mismatch``
that names the order and what differs, in pytest, ``verify`` and the probe alike.

When the journey itself failed, orders of its shoppers that it never confirmed are still
looked for, remembered (so cleanup removes them) and, where one was charged although the
card the shopper entered must be refused, that becomes the diagnosis: money taken for a
refused card matters more than the page that did not say so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx

from checkout_probe.basics.mismatch import DataMismatch
from checkout_probe.checkout.journey import STORED_ORDERS, Journey
from checkout_probe.checks.order_life import (
    charges_of,
    describe_unconfirmed,
    money_problems,
    status_problems,
    unconfirmed_orders,
)
from checkout_probe.checks.payments import lookup
from checkout_probe.shop import APPROVED
from checkout_probe.shop.data import Shopper
from checkout_probe.shop.orders import OrderAdapter, ReadBackUnavailable, money

log = logging.getLogger(__name__)

STEP = STORED_ORDERS


def settle_orders(
    journey: Journey,
    adapter: OrderAdapter | None,
    shoppers: Sequence[Shopper],
    failure: BaseException | None,
) -> None:
    """Run the ``stored orders`` step after the journey (see the module docstring).

    ``failure`` is what the journey raised (None: it passed). Raises
    :class:`CheckoutFailure` when the step fails.
    """
    if adapter is None:
        return  # said once elsewhere: read-back not done (no adapter, no token)
    __tracebackhide__ = True
    confirmed = [c.key for c in journey.created if c.kind == "order"]
    emails = [s.email for s in shoppers]
    if failure is None:
        what = ", ".join(confirmed) or f"the orders of {', '.join(emails) or 'nobody'}"
        with journey.step(STEP, f"read back {what}"):
            problems = _problems(journey, adapter, confirmed, emails)
            if problems:
                raise DataMismatch("; ".join(problems))
        return
    _after_failure(journey, adapter, confirmed, emails, failure)


def _problems(
    journey: Journey, adapter: OrderAdapter, confirmed: list[str], emails: list[str]
) -> list[str]:
    problems: list[str] = []
    life = journey.settings.shop.order_life
    extra = unconfirmed_orders(adapter, emails, confirmed)
    for order in extra:
        journey.remember("order", order.number)  # cleanup removes it, whoever made it
    for number in confirmed:
        stored = adapter.get(number)
        if stored is None:
            problems.append(f"order {number} was confirmed to the shopper but is not stored")
            continue
        problems += status_problems(stored, life)
        found, told = money_problems(adapter, stored, journey.card)
        problems += found
        if not told and journey.card is not None:
            journey.note_not_done("the charge lookup does not say which card it charged")
    problems += [
        f"{describe_unconfirmed(adapter, o)} is stored for {o.email}, but the checkout "
        f"confirmed {', '.join(confirmed) or 'no order'}"
        for o in extra
    ]
    problems += _stray_charges(adapter, emails, confirmed + [o.number for o in extra])
    return problems


def _stray_charges(adapter: OrderAdapter, emails: list[str], orders: list[str]) -> list[str]:
    charges = lookup(adapter)
    if charges is None:
        return []
    stray = [
        c for email in dict.fromkeys(emails) for c in charges.charges(email=email)
        if c.succeeded and c.order_number not in orders
    ]  # fmt: skip
    return [
        f"charge {c.id} took {money(c.amount)}"
        + (f" from card …{c.card}" if c.card else "")
        + f" for {c.order_number or 'no order'}, which the checkout did not confirm"
        for c in stray
    ]


def _after_failure(
    journey: Journey,
    adapter: OrderAdapter,
    confirmed: list[str],
    emails: list[str],
    failure: BaseException,
) -> None:
    __tracebackhide__ = True
    try:
        extra = unconfirmed_orders(adapter, emails, confirmed)
        charged = [o for o in extra if charges_of(adapter, o)]
    except (ReadBackUnavailable, httpx.HTTPError) as exc:
        # The journey's own failure is the finding; cleanup says what it could not remove.
        log.warning("orders of %s not read back after the failure: %s", emails, exc)
        return
    for order in extra:
        journey.remember("order", order.number)
    card = journey.card
    if card is None or card.outcome == APPROVED or not charged:
        return
    first = str(failure).strip().splitlines()[0] if str(failure).strip() else type(failure).__name__
    with journey.step(STEP, f"read back the orders of {', '.join(emails)}"):
        raise DataMismatch(
            "; ".join(
                f"{describe_unconfirmed(adapter, o)} was created and charged although the card "
                f"the shopper entered (…{card.last4}, {card.outcome}) must be refused"
                for o in charged
            )
            + f" (before this, {first})"
        )
