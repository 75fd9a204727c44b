"""Show round history as a plain-text table, and the cells the history page shares with it.

The page itself: :mod:`~checkout_probe.probe.render_html` (its chart:
:mod:`~checkout_probe.probe.render_charts`, its failed checkouts:
:mod:`~checkout_probe.probe.render_failures`).
"""

from __future__ import annotations

from collections.abc import Sequence

from checkout_probe.probe.history_schema import RoundRecord
from checkout_probe.settings.vital_budgets import GOOD, describe

COLUMNS = ("time (UTC)", "version", "K", "failures", "rate", "interval", "top category", "verdict")
STEP_COLUMN = "slowest step p50/p95"
VITAL_COLUMN = "worst vital p75 (of its good threshold)"


def _row(r: RoundRecord) -> tuple[str, ...]:
    return (
        f"{r.started_at:%Y-%m-%d %H:%M}",
        r.shop_version or "?",
        str(r.k),
        str(r.failures),
        f"{r.rate:.1%}",
        f"{r.low:.1%}–{r.high:.1%}",
        r.top_category or "-",
        r.verdict,
    )


def slowest_step(r: RoundRecord) -> str:
    """The step with the highest p95 and its p50/p95 seconds, e.g. ``pay 1.0/4.0 s``."""
    if not r.step_p95:
        return "-"
    step = max(r.step_p95, key=lambda s: r.step_p95[s])
    return f"{step} {r.step_p50.get(step, 0.0):.1f}/{r.step_p95[step]:.1f} s"


def _with_steps(cells: tuple[str, ...], step: str) -> tuple[str, ...]:
    return (*cells[:-1], step, cells[-1])  # just before the verdict


def render_table(rounds: Sequence[RoundRecord], *, steps: bool = False) -> str:
    """Rounds as an aligned plain-text table (rate and interval are the window's).

    ``steps`` adds the slowest step's p50/p95 before the verdict.
    """
    columns = _with_steps(COLUMNS, STEP_COLUMN) if steps else COLUMNS
    cells = [_with_steps(_row(r), slowest_step(r)) if steps else _row(r) for r in rounds]
    rows = [columns, *cells]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


#: The page's table of rounds: the text table's columns, the slowest step and the worst vital.
PAGE_COLUMNS = (*_with_steps(COLUMNS, STEP_COLUMN)[:-1], VITAL_COLUMN, COLUMNS[-1])


def page_cells(r: RoundRecord) -> tuple[str, ...]:
    """One round's cells under :data:`PAGE_COLUMNS` (plain text, not yet escaped)."""
    with_step = _with_steps(_row(r), slowest_step(r))
    return (*with_step[:-1], worst_vital(r), with_step[-1])


def worst_vital(r: RoundRecord) -> str:
    """The step and metric whose p75 is furthest over (or nearest to) its "good" threshold,
    e.g. ``contact and address CLS 0.16 (1.6×)``."""
    scored = [
        (value / GOOD[metric], step, metric, value)
        for step, values in r.vitals_p75.items()
        for metric, value in values.items()
        if metric in GOOD
    ]
    if not scored:
        return "-"
    share, step, metric, value = max(scored)
    return f"{step} {describe(metric, value)} ({share:.1f}×)"


def deploys(rounds: Sequence[RoundRecord]) -> list[tuple[int, str]]:
    """``(index, version)`` of each round whose shop version differs from the round before."""
    return [
        (i, rounds[i].shop_version or "?")
        for i in range(1, len(rounds))
        if rounds[i].shop_version != rounds[i - 1].shop_version
    ]
