"""Send writes of the order app to the ``orders`` database (only set up for the fault).

Reads stay on the default database, so every page renders; it is placing an order,
the write, that meets the connection that cannot be opened.
"""

from typing import Any


class OrdersDatabaseRouter:
    """Route the writes of Oscar's ``order`` app to the ``orders`` connection."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        # Explicit: without it Django reads related rows where the instance "lives".
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "orders" if model._meta.app_label == "order" else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True
