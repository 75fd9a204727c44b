"""Cleanup: undo what a checkout created in the shop, and report every item, failures included.

An adapter's "done" is not proof: a cancel that answers 200 and changes nothing would leave
a paid order behind while the summary said "cleanup failed: 0". Where the project declares
its orders' life (``Shop.order_life``), every order is read back after cleanup, and one not
in a cleaned-up status is reported as not cleaned up, naming the status found.
"""

from __future__ import annotations

from checkout_probe.shop.orders import GONE, CleanupResult, Created, OrderAdapter, OrderLife


def clean_up(
    adapter: OrderAdapter | None,
    created: list[Created],
    unavailable: str = "",
    life: OrderLife | None = None,
) -> list[CleanupResult]:
    """Undo every created thing, newest first; one result each, failures included.

    Without an adapter every item is reported as left behind, with ``unavailable``
    (why there is none), so a cleanup the project cannot do is never silent. With
    ``life``, an order the adapter says it cleaned up is read back and checked.
    """
    results = []
    for item in reversed(created):
        if adapter is None:
            why = unavailable or "the project has no order adapter (Shop.orders)"
            results.append(CleanupResult(item.kind, item.key, False, f"left in the shop: {why}"))
            continue
        try:
            result = adapter.clean_up(item)
        except Exception as exc:  # the report must hear of every item, whatever the adapter does
            detail = f"cleanup raised {type(exc).__name__}: {exc}"
            result = CleanupResult(item.kind, item.key, False, detail)
        if result.ok and item.kind == "order" and life is not None:
            result = _read_back(adapter, result, life)
        results.append(result)
    return results


def _read_back(adapter: OrderAdapter, result: CleanupResult, life: OrderLife) -> CleanupResult:
    try:
        stored = adapter.get(result.key)
    except Exception as exc:
        return CleanupResult(
            result.kind, result.key, False,
            f"{result.detail}, but reading the order back failed: {type(exc).__name__}: {exc}",
        )  # fmt: skip
    status = GONE if stored is None else stored.status
    if status in life.cleaned_up:
        return result
    found = "no longer found" if status == GONE else f"still {status!r}"
    return CleanupResult(
        result.kind, result.key, False,
        f"{result.detail}, but the order is {found} (expected "
        f"{life.describe(life.cleaned_up)}, Shop.order_life.cleaned_up): not cleaned up",
    )  # fmt: skip
