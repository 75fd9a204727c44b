"""Cleanup: undo what a checkout created in the shop, and report every item, failures included."""

from __future__ import annotations

from checkout_probe.shop.orders import CleanupResult, Created, OrderAdapter


def clean_up(
    adapter: OrderAdapter | None, created: list[Created], unavailable: str = ""
) -> list[CleanupResult]:
    """Undo every created thing, newest first; one result each, failures included.

    Without an adapter every item is reported as left behind, with ``unavailable``
    (why there is none), so a cleanup the project cannot do is never silent.
    """
    results = []
    for item in reversed(created):
        if adapter is None:
            why = unavailable or "the project has no order adapter (Shop.orders)"
            results.append(CleanupResult(item.kind, item.key, False, f"left in the shop: {why}"))
            continue
        try:
            results.append(adapter.clean_up(item))
        except Exception as exc:  # the report must hear of every item, whatever the adapter does
            detail = f"cleanup raised {type(exc).__name__}: {exc}"
            results.append(CleanupResult(item.kind, item.key, False, detail))
    return results
