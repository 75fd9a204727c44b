"""The one exception every check raises when the shop's data is not what it must be.

It sits with the basics because it is raised on every layer that reads the shop's data:
the project's money format (:mod:`checkout_probe.shop.money`), the checks, the project's
journeys; the diagnosis turns it into the ``data_mismatch`` category. Projects import it
as ``checkout_probe.diagnosis.DataMismatch``.
"""

from __future__ import annotations


class DataMismatch(AssertionError):
    """What the shop showed or stored is not what the shopper ordered."""
