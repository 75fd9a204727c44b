"""What checkout-probe needs to know about the oscar shop (``[tool.checkout-probe] shop``)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from checkout_probe.shop import Shop, ShopErrors
from checkout_probe.shop.orders import OrderLife
from checkout_probe.shop.pricing import Pricing
from flows.cards import CARD_PROFILES
from flows.dashboard import DashboardOrders
from flows.journeys import checkout_as_guest
from flows.pages.errors import error_indicators

#: The catalogue the shop was loaded from (``shop/catalogue.csv``, Oscar's import format:
#: title in the 4th column, price in the 8th).
CATALOGUE = Path(__file__).resolve().parent.parent / "shop" / "catalogue.csv"


def _catalogue_prices() -> dict[str, int]:
    with CATALOGUE.open(newline="", encoding="utf-8") as rows:
        return {row[3]: int(Decimal(row[7]) * 100) for row in csv.reader(rows) if row}


#: How the oscar shop prices an order: its catalogue, no tax (Oscar's default strategy
#: adds none), and the three fixed-price methods of ``shop/oscar_shop/shipping.py``.
PRICING = Pricing(
    prices=_catalogue_prices(),
    shipping={"Standard": 499, "Express": 1499, "Free shipping": 0},
    tax_percent="0",
)

SHOP = Shop(
    name="oscar shop",
    steps={
        "open catalogue": 8.0,
        "add to basket": 8.0,
        "review basket": 8.0,
        "who are you": 8.0,
        "shipping address": 8.0,
        "shipping method": 8.0,
        "payment details": 8.0,
        "place order": 10.0,
        "confirmation": 5.0,
        "verify stored order": 10.0,
    },
    cards=CARD_PROFILES,
    errors=ShopErrors(
        shown=error_indicators,
        # Oscar's own words when placing or paying for an order fails.
        payment_failed=r"problem occurred while (?:placing this order|processing payment)",
        declined=r"declined|payment (?:was )?refused",
    ),
    orders=DashboardOrders.connect,
    # Oscar's status pipeline (shop/oscar_shop/settings.py): a new order is "Pending", and
    # the dashboard's cleanup moves it to "Cancelled"; the engine reads both back.
    order_life=OrderLife(placed=("Pending",), cleaned_up=("Cancelled",)),
    journeys={"guest checkout": checkout_as_guest},
    pricing=PRICING,
    health_path="/health",
    version_path="/version",
    version_header="X-Shop-Version",
    # Oscar validates phone numbers for the address's country: shoppers from several.
    shopper_locales=("en_GB", "de_DE", "fr_FR", "nl_NL"),
)
