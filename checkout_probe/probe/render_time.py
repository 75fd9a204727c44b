"""The history chart's time axis: where a moment is drawn, and ticks at round clock times."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

LEFT, PLOT_RIGHT = 64, 828  # the plots' edges (value labels left of them, a gutter right)
PAD = 8  # the first and last round's markers stay clear of the edges
#: Tick spacings in minutes: the first that gives at most MOST_TICKS ticks is used.
SPACINGS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 43200)
MOST_TICKS = 7


def x_scale(t0: datetime, t1: datetime) -> Callable[[datetime], float]:
    """Time to x, ``t0`` at the left, ``t1`` at the right (a single moment: the middle)."""
    span = (t1 - t0).total_seconds()
    width = PLOT_RIGHT - LEFT - 2 * PAD

    def x(t: datetime) -> float:
        share = (t - t0).total_seconds() / span if span > 0 else 0.5
        return LEFT + PAD + width * share

    return x


def tick_times(t0: datetime, t1: datetime) -> list[datetime]:
    """Round clock times from ``t0`` to ``t1`` (UTC), at most :data:`MOST_TICKS`; ``[t0]``
    when none falls between them."""
    minutes = (t1 - t0).total_seconds() / 60
    spacing = next((s for s in SPACINGS if minutes / s <= MOST_TICKS - 1), None)
    if spacing is None:  # months: whole multiples of the longest spacing
        spacing = SPACINGS[-1] * math.ceil(minutes / (MOST_TICKS - 1) / SPACINGS[-1])
    start, end = t0.timestamp() / 60, t1.timestamp() / 60
    first = math.ceil(start / spacing - 1e-9) * spacing
    count = int((end - first) // spacing) + 1 if first <= end else 0
    ticks = [datetime.fromtimestamp((first + i * spacing) * 60, UTC) for i in range(count)]
    return ticks or [t0]


def time_ticks(t0: datetime, t1: datetime, x: Callable[[datetime], float], bottom: float) -> str:
    """Tick marks and their labels (UTC) under a panel whose plot ends at ``bottom``."""
    ticks = tick_times(t0, t1)
    days = {t.date() for t in ticks} | {t0.date(), t1.date()}
    if len(days) == 1:
        fmt = "%H:%M"
    else:  # midnights alone need no hour
        fmt = "%m-%d" if all(t.hour == t.minute == 0 for t in ticks) else "%m-%d %H:%M"
    parts = []
    for t in ticks:
        tx = x(t)
        # Near an edge a label starts (or ends) at its tick instead of straddling it.
        anchor = "start" if tx - LEFT < 40 else "end" if PLOT_RIGHT - tx < 40 else "middle"
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{bottom:.1f}" y2="{bottom + 4:.1f}" '
            f'stroke="#999"/><text class="tick" x="{tx:.1f}" y="{bottom + 17:.1f}" '
            f'text-anchor="{anchor}">{t.astimezone(UTC):{fmt}}</text>'
        )
    return "".join(parts)
