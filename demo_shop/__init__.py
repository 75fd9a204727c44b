"""The demo shop: the real web shop checkout-probe tests by default.

A storefront (catalog, cart, checkout, accounts), an order service with its own
database engine, and a payment gateway on its own origin, all run in one process
by :class:`demo_shop.server.ShopServer` or ``python -m demo_shop``.
"""

from __future__ import annotations
