"""The amounts a checkout's pages show, read in the page's locale and kept for its record.

The journey's :attr:`~checkout_probe.checkout.journey.Journey.money` is a
:class:`PageAmounts` when the shop declares its money (``Shop.money``): the project's page
objects read every amount with it, in the locale the page was asked in (the shopper's,
or the environment's pin), passing the amount they expect where they know it. Each
reading lands in the checkout's record (``summary.json``'s ``amounts``): where, the text
shown, and the amount expected as the page should write it and in minor units.
"""

from __future__ import annotations

from checkout_probe.evidence.record import ShownAmount
from checkout_probe.shop.money import MisreadAmount, MoneyFormat


class PageAmounts:
    """Reads amounts in ``format`` (the shop's money in the page's locale); see the module
    docstring."""

    def __init__(self, format: MoneyFormat) -> None:
        self.format = format
        #: Every amount read so far, in order.
        self.shown: list[ShownAmount] = []

    def read(self, text: str, where: str, expected: int | None = None) -> int:
        """The amount ``text`` shows in minor units (cents); a :class:`MisreadAmount` (a data
        mismatch naming ``where``, the text and ``expected``) when it is not written in the
        page's format. ``expected``: the amount the page should show, when the caller knows."""
        __tracebackhide__ = True
        record = ShownAmount(
            where=where,
            shown=" ".join(text.split()),
            expected=self.format.format(expected) if expected is not None else None,
            expected_minor=expected,
        )
        self.shown.append(record)
        try:
            record.read_minor = self.format.parse(text, where, expected)
        except MisreadAmount:
            record.read_minor = None
            raise
        return record.read_minor

    def write(self, minor: int) -> str:
        """``minor`` units as the page writes them (for step titles and messages)."""
        return self.format.format(minor)
