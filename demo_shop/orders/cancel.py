"""Cancelling an order (harness cleanup): status to cancelled, items back in stock."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from demo_shop.db import Database
from demo_shop.errors import first_line
from demo_shop.orders.store import CANCELLED, mark_cancelled, reopen
from demo_shop.storefront.products import restock

log = logging.getLogger(__name__)


def cancel_order(
    orders: Database, catalog: Database, number: str, *, commit: bool = True
) -> dict[str, str] | None:
    """Cancel order ``number`` and restock its items; ``None`` when it does not exist.

    Idempotent: cancelling a cancelled order changes nothing. Raises
    ``SQLAlchemyError`` when a database fails; the order is then left as it was
    whenever possible, so the caller can simply retry. ``commit=False`` is fault
    noop-cancel: the cancel is rolled back, nothing is restocked, and the answer
    is the usual one all the same.
    """
    cancellation = mark_cancelled(orders, number, commit=commit)
    if cancellation is None:
        return None
    # Restocking follows the committed cancel, so a cancel that was never committed
    # restocks nothing either.
    if cancellation.quantities and commit:
        # Stock lives in the storefront database. Both databases may be one SQLite
        # file behind two engines, so the order's write transaction cannot stay open
        # while stock is written; instead the cancel is committed first and undone
        # if restocking fails, so a retry restocks rather than skipping it.
        try:
            restock(catalog, cancellation.quantities)
        except SQLAlchemyError as exc:
            log.error("order %s: stock not restored: %s", number, first_line(exc))
            _undo(orders, number, cancellation.previous_status)
            raise
    log.info("order %s cancelled", number)
    return {"number": number, "status": CANCELLED}


def _undo(orders: Database, number: str, status: str) -> None:
    try:
        reopen(orders, number, status)
    except SQLAlchemyError as exc:
        # Cancelled without its stock back: log it for manual reconciliation.
        log.error("order %s: cancelled but not restocked: %s", number, first_line(exc))
