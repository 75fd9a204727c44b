"""Show round history: a plain-text table, or one self-contained HTML page with an SVG chart."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from pathlib import Path

from checkout_probe.probe.history_schema import RoundRecord
from checkout_probe.settings.vital_budgets import GOOD, describe

COLUMNS = ("time (UTC)", "version", "K", "failures", "rate", "interval", "top category", "verdict")
STEP_COLUMN = "slowest step p50/p95"
VITAL_COLUMN = "worst vital p75 (of its good threshold)"
# Chart geometry (SVG user units).
WIDTH, LEFT, RIGHT = 960, 64, 24
RATE_TOP, RATE_BOTTOM = 40, 250
STEP_TOP, STEP_BOTTOM = 310, 500
#: Below the step times: p75 of LCP, CLS and INP per step (what the shopper felt).
VITAL_PANELS = (
    ("LCP", "p75 LCP per step (largest paint)", lambda v: f"{v / 1000:.1f}s"),
    ("CLS", "p75 CLS per step (layout shift)", lambda v: f"{v:.2f}"),
    ("INP", "p75 INP per step (interaction)", lambda v: f"{v:.0f}ms"),
)
VITAL_TOP, VITAL_HEIGHT, VITAL_GAP = 560, 150, 60
LAST_BOTTOM = VITAL_TOP + len(VITAL_PANELS) * (VITAL_HEIGHT + VITAL_GAP) - VITAL_GAP
HEIGHT = LAST_BOTTOM + 60
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin-top: 16px; }
th, td { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }
tr.failing td { color: #b00020; }
p.summary { font-size: 16px; }
svg text { font: 12px system-ui, sans-serif; fill: #333; }
"""


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


def _x_scale(rounds: Sequence[RoundRecord]) -> Callable[[datetime], float]:
    t0, t1 = rounds[0].started_at, rounds[-1].started_at
    span = (t1 - t0).total_seconds()
    width = WIDTH - LEFT - RIGHT

    def x(t: datetime) -> float:
        if span <= 0:
            return LEFT + width / 2
        return LEFT + width * (t - t0).total_seconds() / span

    return x


def _y_scale(top: int, bottom: int, vmax: float) -> Callable[[float], float]:
    return lambda v: bottom - (bottom - top) * min(v, vmax) / vmax


def _points(pairs: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def _axis(top: int, bottom: int, vmax: float, fmt: Callable[[float], str], label: str) -> str:
    y = _y_scale(top, bottom, vmax)
    parts = [f'<text x="{LEFT}" y="{top - 12}">{escape(label)}</text>']
    for frac in (0.0, 0.5, 1.0):
        yy = y(vmax * frac)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e5e5e5"/>'
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{fmt(vmax * frac)}</text>'
        )
    return "".join(parts)


def _rate_panel(rounds: Sequence[RoundRecord], x: Callable[[datetime], float]) -> str:
    vmax = max(0.05, math.ceil(max(r.high for r in rounds) * 20) / 20)
    y = _y_scale(RATE_TOP, RATE_BOTTOM, vmax)
    band = [(x(r.started_at), y(r.high)) for r in rounds]
    band += [(x(r.started_at), y(r.low)) for r in reversed(rounds)]
    line = [(x(r.started_at), y(r.rate)) for r in rounds]
    parts = [
        _axis(RATE_TOP, RATE_BOTTOM, vmax, lambda v: f"{v:.0%}", "failure rate (95% interval)"),
        f'<polygon points="{_points(band)}" fill="#1f77b4" fill-opacity="0.15"/>',
        f'<polyline class="rate" points="{_points(line)}" fill="none" stroke="#1f77b4" '
        'stroke-width="2"/>',
    ]
    for r, (px, py) in zip(rounds, line, strict=True):
        colour = "#b00020" if r.verdict == "failing" else "#1f77b4"
        tip = f"{r.started_at:%Y-%m-%d %H:%M} {r.shop_version or '?'}: {r.rate:.1%} ({r.verdict})"
        parts.append(
            f'<circle class="round {escape(r.verdict)}" cx="{px:.1f}" cy="{py:.1f}" r="3" '
            f'fill="{colour}">'
            f"<title>{escape(tip)}</title></circle>"
        )
    return "".join(parts)


def _series_panel(
    rounds: Sequence[RoundRecord],
    x: Callable[[datetime], float],
    top: int,
    bottom: int,
    values_of: Callable[[RoundRecord], dict[str, float]],
    fmt: Callable[[float], str],
    label: str,
    css: str,
    floor: float,
) -> str:
    """One line per step of ``values_of(round)`` over time, labelled at the right."""
    steps = list(dict.fromkeys(step for r in rounds for step in values_of(r)))
    values = [v for r in rounds for v in values_of(r).values()]
    vmax = max(floor, max(values, default=floor) * 1.1)
    y = _y_scale(top, bottom, vmax)
    parts = [_axis(top, bottom, vmax, fmt, label)]
    for i, step in enumerate(steps):
        colour = PALETTE[i % len(PALETTE)]
        pts = [(x(r.started_at), y(values_of(r)[step])) for r in rounds if step in values_of(r)]
        parts.append(
            f'<polyline class="{css}" data-step="{escape(step)}" points="{_points(pts)}" '
            f'fill="none" stroke="{colour}" stroke-width="1.5"><title>{escape(step)}</title>'
            "</polyline>"
            f'<text x="{WIDTH - RIGHT}" y="{top + 14 * i}" text-anchor="end" '
            f'fill="{colour}">{escape(step)}</text>'
        )
    if not steps:
        parts.append(f'<text x="{LEFT + 8}" y="{(top + bottom) // 2}">not measured</text>')
    return "".join(parts)


def _step_panel(rounds: Sequence[RoundRecord], x: Callable[[datetime], float]) -> str:
    return _series_panel(
        rounds, x, STEP_TOP, STEP_BOTTOM, lambda r: r.step_p95, lambda v: f"{v:.1f}s",
        "p95 step time", "step", 1.0,
    )  # fmt: skip


def _vital_panels(rounds: Sequence[RoundRecord], x: Callable[[datetime], float]) -> str:
    parts = []
    for i, (metric, label, fmt) in enumerate(VITAL_PANELS):
        top = VITAL_TOP + i * (VITAL_HEIGHT + VITAL_GAP)

        def of(r: RoundRecord, metric: str = metric) -> dict[str, float]:
            return {s: v[metric] for s, v in r.vitals_p75.items() if metric in v}

        css = f"vital {metric.lower()}"
        bottom = top + VITAL_HEIGHT
        parts.append(_series_panel(rounds, x, top, bottom, of, fmt, label, css, GOOD[metric]))
    return "".join(parts)


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


def _deploy_markers(rounds: Sequence[RoundRecord], x: Callable[[datetime], float]) -> str:
    parts = []
    for i, version in deploys(rounds):
        # The deploy happened somewhere between the two rounds: mark the midpoint.
        mx = (x(rounds[i - 1].started_at) + x(rounds[i].started_at)) / 2
        before = rounds[i - 1].shop_version or "?"
        tip = f"shop {version} first seen {rounds[i].started_at:%Y-%m-%d %H:%M} UTC (was {before})"
        parts.append(
            f'<g class="deploy" data-version="{escape(version)}" data-from="{escape(before)}">'
            f"<title>{escape(tip)}</title>"
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{RATE_TOP - 8}" y2="{LAST_BOTTOM}" '
            'stroke="#555" stroke-dasharray="4 3"/>'
            f'<text x="{mx + 4:.1f}" y="{RATE_TOP - 8}">{escape(version)}</text></g>'
        )
    return "".join(parts)


def chart_svg(rounds: Sequence[RoundRecord], label: str) -> str:
    """The inline SVG: failure rate over time; p95 step times and p75 web vitals per step
    below; deploy markers across."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
        f"<title>{escape(label)}</title>"
    )
    if not rounds:
        return head + f'<text x="{LEFT}" y="{RATE_TOP}">no rounds recorded</text></svg>'
    x = _x_scale(rounds)
    times = (
        f'<text x="{LEFT}" y="{HEIGHT - 20}">{rounds[0].started_at:%Y-%m-%d %H:%M} UTC</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 20}" text-anchor="end">'
        f"{rounds[-1].started_at:%Y-%m-%d %H:%M} UTC</text>"
    )
    body = (
        _rate_panel(rounds, x)
        + _step_panel(rounds, x)
        + _vital_panels(rounds, x)
        + _deploy_markers(rounds, x)
    )
    return head + body + times + "</svg>"


def render_html(
    rounds: Sequence[RoundRecord],
    path: str | Path,
    title: str | None = None,
    summary: str | None = None,
) -> Path:
    """Write a self-contained page (inline CSS and SVG, no scripts) for ``rounds``, oldest first.

    ``summary`` is shown under the title (``checkout-probe history`` passes its verdict line).
    """
    envs = sorted({r.env for r in rounds})
    title = title or f"checkout-probe history: {', '.join(envs) or 'no data'}"
    label = f"Checkout failure rate, p95 step time and p75 web vitals, {len(rounds)} rounds"
    if rounds:
        first, last = rounds[0].started_at, rounds[-1].started_at
        label += f" from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC"
    changes = deploys(rounds)
    if changes:
        label += "; deploys: " + ", ".join(
            f"{v} at {rounds[i].started_at:%H:%M}" for i, v in changes
        )
    columns = (*_with_steps(COLUMNS, STEP_COLUMN)[:-1], VITAL_COLUMN, COLUMNS[-1])
    header = "".join(f"<th>{escape(c)}</th>" for c in columns)

    def cells(r: RoundRecord) -> tuple[str, ...]:
        with_step = _with_steps(_row(r), slowest_step(r))
        return (*with_step[:-1], worst_vital(r), with_step[-1])

    body_rows = "".join(
        f'<tr class="{escape(r.verdict)}">'
        + "".join(f"<td>{escape(c)}</td>" for c in cells(r))
        + "</tr>"
        for r in reversed(rounds)
    )
    intro = f'<p class="summary">{escape(summary)}</p>' if summary else ""
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{intro}{chart_svg(rounds, label)}"
        f"<table><thead><tr>{header}</tr></thead><tbody>{body_rows}</tbody></table>"
        "</body></html>\n"
    )
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out
