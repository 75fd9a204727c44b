"""Counting order placements, for a fault that strikes every N-th one (intermittent-orders)."""

from __future__ import annotations

import threading


class PlacementCounter:
    """Thread-safe count of the order placement attempts one shop has seen.

    Counted, not drawn: which attempt fails must be predictable, so a run that
    places several orders can tell the failures from chance.
    """

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        """Count one more attempt and return its number (1 for the first)."""
        # Werkzeug serves requests on threads: without the lock two could get one number.
        with self._lock:
            self._count += 1
            return self._count
