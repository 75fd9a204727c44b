"""Full read-back: every place that shows an order is compared with what it must show.

A place (the review page, the confirmation, the stored order) is described as an
:class:`OrderView` by the project's page objects or order adapter, with whatever
that place shows; :func:`check_order` compares it with the independent
:class:`~checkout_probe.shop.pricing.ExpectedOrder` and with the shopper who typed
the details, and raises one :class:`~checkout_probe.diagnosis.DataMismatch`
naming every field that differs, its expected and found value, and the order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checkout_probe.diagnosis import DataMismatch
from checkout_probe.shop.data import Shopper
from checkout_probe.shop.orders import StoredOrder, Totals, money
from checkout_probe.shop.pricing import ExpectedOrder, Line


@dataclass(frozen=True)
class OrderView:
    """An order as one place shows it; a field the place does not show is None.

    ``address`` is the delivery address as shown, in one string (street, city and
    postal code must all appear in it).
    """

    where: str
    number: str | None = None
    lines: tuple[Line, ...] | None = None
    totals: Totals | None = None
    shipping_method: str | None = None
    name: str | None = None
    email: str | None = None
    address: str | None = None


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def line_differences(expected: Sequence[Line], shown: Sequence[Line]) -> list[str]:
    """What differs between two sets of lines, by product, in words."""
    found = {line.name: line for line in shown}
    problems = []
    for want in expected:
        got = found.pop(want.name, None)
        if got is None:
            problems.append(
                f"line '{want.name}' is missing (expected {want.quantity} × "
                f"{money(want.unit_price)})"
            )
            continue
        if got.quantity != want.quantity:
            problems.append(
                f"quantity of '{want.name}' is {got.quantity}, expected {want.quantity}"
            )
        if got.unit_price != want.unit_price:
            problems.append(
                f"unit price of '{want.name}' is {money(got.unit_price)}, "
                f"expected {money(want.unit_price)}"
            )
        elif got.quantity == want.quantity and got.line_total != want.line_total:
            problems.append(
                f"line total of '{want.name}' is {money(got.line_total)}, "
                f"expected {money(want.line_total)}"
            )
    problems += [f"unexpected line {g.quantity} × '{g.name}'" for g in found.values()]
    return problems


def total_differences(expected: ExpectedOrder, shown: Totals) -> list[str]:
    """Which of the four totals differ, with the tax rule where the tax does."""
    want = expected.totals
    problems = []
    for field, rule in (
        ("subtotal", ""),
        ("shipping", f" ({expected.shipping_method})"),
        ("tax", f" ({expected.tax_rule})"),
        ("total", ""),
    ):
        got_cents, want_cents = getattr(shown, field), getattr(want, field)
        if got_cents != want_cents:
            problems.append(f"{field} is {money(got_cents)}, expected {money(want_cents)}{rule}")
    return problems


def shopper_differences(shopper: Shopper, view: OrderView) -> list[str]:
    """Whose order the place shows, compared with the shopper who placed it."""
    problems = []
    if view.email is not None and _squash(view.email) != _squash(shopper.email):
        problems.append(f"e-mail is {view.email!r}, expected {shopper.email!r}")
    if view.name is not None and _squash(view.name) != _squash(shopper.full_name):
        problems.append(f"name is {view.name!r}, expected {shopper.full_name!r}")
    if view.address is not None:
        shown = _squash(view.address)
        address = shopper.address
        missing = [
            part
            for part in (address.street, address.city, address.postal_code)
            if _squash(part) not in shown
        ]
        if missing:
            problems.append(
                f"address is {' '.join(view.address.split())!r}, expected one with "
                f"{', '.join(repr(m) for m in missing)}"
            )
    return problems


def check_order(
    expected: ExpectedOrder,
    shopper: Shopper | None,
    view: OrderView,
    number: str | None = None,
) -> None:
    """Raise :class:`DataMismatch` naming every field of ``view`` that is not as expected.

    ``number`` is the order this is about (the one shown to the shopper), named
    in the message; ``view.number``, when shown, must be that number.
    """
    problems: list[str] = []
    if number is not None and view.number is not None and view.number != number:
        problems.append(f"order number is {view.number}, expected {number}")
    if view.lines is not None:
        problems += line_differences(expected.lines, view.lines)
    if view.shipping_method is not None and _squash(view.shipping_method) != _squash(
        expected.shipping_method
    ):
        problems.append(
            f"shipping method is {view.shipping_method!r}, expected {expected.shipping_method!r}"
        )
    if view.totals is not None:
        problems += total_differences(expected, view.totals)
    if shopper is not None:
        problems += shopper_differences(shopper, view)
    if problems:
        of = f" of order {number}" if number else ""
        raise DataMismatch(f"{view.where}{of}: " + "; ".join(problems))


def stored_view(order: StoredOrder) -> OrderView:
    """The stored order as an :class:`OrderView` (fields the adapter cannot read stay None)."""
    return OrderView(
        where="stored order",
        number=order.number,
        lines=tuple(Line(i.name, i.quantity, i.unit_price_cents) for i in order.items),
        totals=order.totals,
        shipping_method=order.shipping_method,
        name=order.full_name,
        email=order.email,
        address=order.address,
    )
