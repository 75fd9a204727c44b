"""What checkout-probe needs to know about the demo shop (``[tool.checkout-probe] shop``)."""

from __future__ import annotations

from checkout_probe.shop import Shop, ShopErrors
from checkout_probe.shop.orders import OrderLife
from checkout_probe.shop.origins import Origins
from checkout_probe.shop.pricing import Pricing
from flows.cards import CARD_PROFILES
from flows.journeys import checkout_as_guest
from flows.money import MONEY
from flows.pages.errors import error_indicators
from flows.shop_api import OrderApi, payment_provider_origin

#: How the demo shop prices an order, as its product owner specified it: the catalogue,
#: 8 % tax on the items (not on shipping) rounded half up to the cent, flat shipping.
#: Prices end in odd cents so that tax rounding is exercised by most carts.
PRICING = Pricing(
    prices={
        "Trail Mug": 1299,
        "Summit Backpack": 8950,
        "Camp Lantern": 3449,
        "Merino Socks": 1795,
        "Water Bottle": 2137,
        "Rain Shell": 12999,
    },
    shipping={"Standard": 499, "Express": 1499},
    tax_percent="8",
    rounding="half_up",
)

SHOP = Shop(
    name="demo shop",
    # Every journey step and its time budget (seconds): generous for a shop on loopback;
    # staging and production tighten them in environments.toml.
    steps={
        "open catalog": 5.0,
        "add to cart": 5.0,
        "review cart": 5.0,
        "contact and address": 5.0,
        "shipping method": 5.0,
        "pay": 6.0,
        "place order": 6.0,
        "confirmation": 5.0,
        "verify stored order": 5.0,
        "register": 5.0,
        "sign in": 5.0,
        "sign out": 5.0,
    },
    cards=CARD_PROFILES,
    errors=ShopErrors(
        shown=error_indicators,
        payment_failed=r"payment processing error|payment could not be processed"
        r"|could not complete your order|checkout (?:is )?unavailable"
        r"|something went wrong with your payment",
        declined=r"declined|insufficient funds|card number is invalid|card was refused",
    ),
    orders=OrderApi.connect,
    journeys={"guest checkout": checkout_as_guest},
    pricing=PRICING,
    # What the order API reports: paid once placed, cancelled by cleanup.
    order_life=OrderLife(placed=("paid",), cleaned_up=("cancelled",)),
    # Dollars in the page's locale: the storefront writes prices as the shopper's browser asks.
    money=MONEY,
    # The countries the shop ships to (demo_shop/storefront/validation.py): their shoppers
    # have valid postcodes, phones and regions, and browsers in their languages.
    shopper_locales=("en_US", "en_CA", "en_GB", "de_DE"),
    health_path="/health",
    version_path="/version",
    version_header="X-Shop-Version",
    # The payment gateway is another origin (its card frame); the shop publishes where it
    # is. Any other origin (the CDN's analytics script) is evidence, never the cause.
    origins=Origins(payment=(payment_provider_origin,)),
    # The storefront marks <html data-hydrated> once its scripts have taken over; before
    # that, a server-rendered page loses typing and clicks (the hydration-delay fault).
    ready="document.documentElement.dataset.hydrated === 'true'",
)
