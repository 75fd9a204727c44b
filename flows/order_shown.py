"""What the shopper was shown of their order: the review step and the confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from checkout_probe.shop.data import Shopper
from checkout_probe.shop.pricing import ExpectedOrder
from flows.money import Totals
from flows.pages import ReviewPage


@dataclass(frozen=True)
class Review:
    """The review step as the shopper reached it, with the totals they are asked to pay,
    and (where the shop declares its pricing) what the order must come to."""

    page: ReviewPage
    totals: Totals
    expected: ExpectedOrder | None = None
    shopper: Shopper | None = None


@dataclass(frozen=True)
class OrderConfirmation:
    """What the confirmation page told the shopper."""

    order_number: str
    totals: Totals
    expected: ExpectedOrder | None = None
