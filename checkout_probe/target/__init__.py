"""Reaching the shop: where it is (:class:`Target`), its health and version, the preflight
check before any browser starts, and starting the embedded demo shop for ``local``.

Projects import ``Target`` and ``LocalShop`` from here.
"""

from checkout_probe.target.endpoint import Target, make_target
from checkout_probe.target.local_shop import LocalShop

__all__ = ["LocalShop", "Target", "make_target"]
