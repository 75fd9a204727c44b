"""The history page's chart: one inline SVG of panels stacked on a shared time axis.

Top to bottom: the decision window's failure rate with its 95 % interval and the decision
rule's two thresholds; p95 time per step; p75 LCP, CLS and INP per step. A deploy (the shop
version changed between two rounds) is a dashed line through every panel, labelled once in a
band above them. A step keeps one colour and dash on every panel
(:mod:`~checkout_probe.probe.render_styles`). Legends and threshold labels sit in a gutter
right of the plots, titles above them and times below, so no label covers another.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from checkout_probe.probe.history_buckets import Bucket
from checkout_probe.probe.history_schema import RoundRecord
from checkout_probe.probe.render import deploys
from checkout_probe.probe.render_styles import (
    FIRE,
    RATE,
    RECOVER,
    StepStyle,
    page_steps,
    percent,
    step_styles,
)
from checkout_probe.probe.render_time import LEFT, PLOT_RIGHT, time_ticks, x_scale
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.settings.vital_budgets import GOOD

WIDTH = 1080
GUTTER = PLOT_RIGHT + 16  # legends and threshold labels start here
ROW = 16  # one legend entry, one row of deploy labels
TITLE_ROOM, TICK_ROOM, PANEL_GAP = 26, 24, 12
RATE_HEIGHT, SERIES_HEIGHT, EMPTY_HEIGHT = 200, 140, 8
LEGEND_CHARS, VERSION_CHARS = 26, 20  # longer names lose their middle (<title> has them whole)
#: Deploys too close together for this many rows of labels keep their line and tooltip only.
DEPLOY_ROWS = 3
#: Generous width of one character at 12px, to place labels before a browser lays them out.
CHAR_WIDTH = 7.5
RATE_TITLE = "failure rate of the decision window (red: judged failing) and its 95% interval (band)"
BUCKET_TITLE = (
    "failure rate of each bucket's checkouts (red: a round in it judged failing); band: the "
    "decision window's rate in it, lowest to highest"
)
Scale = Callable[[datetime], float]


@dataclass(frozen=True)
class Series:
    """A panel with one line per step."""

    css: str  # the class of its lines, and its legend's data-for
    title: str
    values_of: Callable[[RoundRecord], dict[str, float]]
    fmt: Callable[[float], str]
    floor: float  # the value axis reaches at least this far (a vital: its "good" threshold)


def _vital(metric: str) -> Callable[[RoundRecord], dict[str, float]]:
    return lambda r: {step: v[metric] for step, v in r.vitals_p75.items() if metric in v}


SERIES = (
    Series("step", "p95 time per step", lambda r: r.step_p95, lambda v: f"{v:.1f}s", 1.0),
    Series("vital lcp", "p75 LCP per step (largest paint)", _vital("LCP"),
           lambda v: f"{v / 1000:.1f}s", GOOD["LCP"]),
    Series("vital cls", "p75 CLS per step (layout shift)", _vital("CLS"),
           lambda v: f"{v:.2f}", GOOD["CLS"]),
    Series("vital inp", "p75 INP per step (interaction)", _vital("INP"),
           lambda v: f"{v:.0f}ms", GOOD["INP"]),
)  # fmt: skip
NICE = (1.0, 1.2, 1.6, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # halves print in one decimal


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.2, 1.6, 2, 3, 4, 5, 6, 8 times a power of ten that is >= ``value``."""
    power = 10.0 ** math.floor(math.log10(value))
    return next(n * power for n in NICE if n * power >= value * (1 - 1e-9))


def rate_ceiling(rounds: Sequence[RoundRecord], rule: DecisionRule) -> float:
    """The failure-rate axis's top: above every interval and both thresholds, in quarters
    that print as whole percents."""
    highest = max([r.high for r in rounds] + [rule.threshold, rule.recover_below])
    step = 0.04 if highest < 0.19 else 0.2
    return min(1.0, math.ceil(highest * 1.05 / step - 1e-9) * step)


def _y_scale(top: float, bottom: float, vmax: float) -> Callable[[float], float]:
    return lambda v: bottom - (bottom - top) * min(v, vmax) / vmax


def _points(pairs: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def _title(top: float, text: str) -> str:
    return f'<text class="panel-title" x="{LEFT}" y="{top - 10:.1f}">{escape(text)}</text>'


def _axis(top: float, bottom: float, vmax: float, fmt: Callable[[float], str],
          fractions: Sequence[float]) -> str:  # fmt: skip
    y = _y_scale(top, bottom, vmax)
    return "".join(
        f'<line x1="{LEFT}" x2="{PLOT_RIGHT}" y1="{y(vmax * f):.1f}" y2="{y(vmax * f):.1f}" '
        f'stroke="#e5e5e5"/><text x="{LEFT - 6}" y="{y(vmax * f) + 4:.1f}" '
        f'text-anchor="end">{escape(fmt(vmax * f))}</text>'
        for f in fractions
    )


def _spread(ys: Sequence[float], gap: float) -> list[float]:
    """``ys`` moved apart (downwards) until neighbours are at least ``gap`` apart."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = list(ys)
    for before, after in itertools.pairwise(order):
        placed[after] = max(placed[after], placed[before] + gap)
    return placed


def _thresholds(rule: DecisionRule, y: Callable[[float], float]) -> str:
    drawn = (
        ("fire", rule.threshold, FIRE, f"fire: lower bound > {percent(rule.threshold)}",
         "the window turns failing once its interval's lower bound is above this"),
        ("recover", rule.recover_below, RECOVER,
         f"recover: upper bound < {percent(rule.recover_below)}",
         "a failing window turns healthy once its interval's upper bound is below this"),
    )  # fmt: skip
    labels = _spread([y(value) for _, value, *_ in drawn], ROW - 2)
    return "".join(
        f'<g class="threshold {name}" data-value="{value:g}"><title>{escape(tip)}</title>'
        f'<line x1="{LEFT}" x2="{PLOT_RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
        f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        f'<text x="{GUTTER}" y="{label_y + 4:.1f}" fill="{colour}">{escape(text)}</text></g>'
        for (name, value, colour, text, tip), label_y in zip(drawn, labels, strict=True)
    )


def _rate_panel(rounds: Sequence[RoundRecord], x: Scale, top: float, rule: DecisionRule) -> str:
    bottom = top + RATE_HEIGHT
    vmax = rate_ceiling(rounds, rule)
    y = _y_scale(top, bottom, vmax)
    band = [(x(r.started_at), y(r.high)) for r in rounds]
    band += [(x(r.started_at), y(r.low)) for r in reversed(rounds)]
    line = [(x(r.started_at), y(r.rate)) for r in rounds]
    title = BUCKET_TITLE if rounds and isinstance(rounds[0], Bucket) else RATE_TITLE
    parts = [
        _title(top, title),
        _axis(top, bottom, vmax, percent, (0.0, 0.25, 0.5, 0.75, 1.0)),
        f'<polygon points="{_points(band)}" fill="{RATE}" fill-opacity="0.15"/>',
        _thresholds(rule, y),
        f'<polyline class="rate" points="{_points(line)}" fill="none" stroke="{RATE}" '
        'stroke-width="2"/>',
    ]
    for r, (px, py) in zip(rounds, line, strict=True):
        colour = "#b00020" if r.verdict == "failing" else RATE
        tip = f"{r.started_at:%Y-%m-%d %H:%M} {r.shop_version or '?'}: {r.rate:.1%} ({r.verdict})"
        if isinstance(r, Bucket):
            tip = r.tip()
        parts.append(
            f'<circle class="round {escape(r.verdict)}" cx="{px:.1f}" cy="{py:.1f}" r="3" '
            f'fill="{colour}"><title>{escape(tip)}</title></circle>'
        )
    return "".join(parts)


def _short(text: str, chars: int) -> str:
    """``text`` in at most ``chars`` characters; a longer one keeps both ends (names that
    share a beginning, "checkout step 1" and "checkout step 2", stay apart)."""
    if len(text) <= chars:
        return text
    tail = (chars - 1) // 2
    return text[: chars - 1 - tail] + "…" + text[len(text) - tail :]


def _legend_entry(step: str, style: StepStyle, y: float) -> str:
    return (
        f'<g class="legend-entry" data-step="{escape(step)}"><title>{escape(step)}</title>'
        f'<line x1="{GUTTER}" x2="{GUTTER + 24}" y1="{y - 4:.1f}" y2="{y - 4:.1f}" '
        f'{style.stroke(2)}/><text x="{GUTTER + 30}" y="{y:.1f}" fill="{style.colour}">'
        f"{escape(_short(step, LEGEND_CHARS))}</text></g>"
    )


def _series_panel(
    rounds: Sequence[RoundRecord], x: Scale, top: float, series: Series,
    styles: dict[str, StepStyle],
) -> tuple[str, float]:  # fmt: skip
    """One line per step, its legend in the gutter; returns the SVG and the panel's bottom."""
    steps = sorted({step for r in rounds for step in series.values_of(r)})
    if not steps:
        note = f'<text x="{LEFT + 8}" y="{top + 4:.1f}">not measured</text>'
        return _title(top, series.title) + note, top + EMPTY_HEIGHT
    bottom = top + max(SERIES_HEIGHT, len(steps) * ROW + 4)
    values = [v for r in rounds for v in series.values_of(r).values()]
    vmax = nice_ceiling(max(series.floor, max(values) * 1.05))
    y = _y_scale(top, bottom, vmax)
    parts = [_title(top, series.title), _axis(top, bottom, vmax, series.fmt, (0.0, 0.5, 1.0))]
    legend = []
    for i, step in enumerate(steps):
        pts = [(x(r.started_at), y(v[step])) for r in rounds if step in (v := series.values_of(r))]
        if len(pts) == 1:  # one round: a short dash, since a one-point line draws nothing
            (px, py), = pts  # fmt: skip
            pts = [(px - 3, py), (px + 3, py)]
        parts.append(
            f'<polyline class="{series.css}" data-step="{escape(step)}" points="{_points(pts)}" '
            f'fill="none" {styles[step].stroke(2)} stroke-linejoin="round">'
            f"<title>{escape(step)}</title></polyline>"
        )
        legend.append(_legend_entry(step, styles[step], top + 8 + i * ROW))
    parts.append(f'<g class="legend" data-for="{series.css}">{"".join(legend)}</g>')
    return "".join(parts), bottom


@dataclass(frozen=True)
class _Deploy:
    index: int  # of the first round on the new version
    version: str
    x: float  # where its line is drawn: midway between the two rounds
    label_x: float  # the middle of its label, kept clear of its neighbours' and the edges
    row: int  # of the band above the panels; DEPLOY_ROWS or more: not labelled


def _place_deploys(rounds: Sequence[RoundRecord], x: Scale) -> list[_Deploy]:
    placed: list[_Deploy] = []
    row_ends: list[float] = []
    for i, version in deploys(rounds):
        mx = (x(rounds[i - 1].started_at) + x(rounds[i].started_at)) / 2
        width = len(_short(version, VERSION_CHARS)) * CHAR_WIDTH
        left = min(max(mx - width / 2, LEFT), PLOT_RIGHT - width)
        row = next((k for k, end in enumerate(row_ends) if end + 8 <= left), len(row_ends))
        if row == len(row_ends) < DEPLOY_ROWS:
            row_ends.append(left + width)
        elif row < DEPLOY_ROWS:
            row_ends[row] = left + width
        placed.append(_Deploy(i, version, mx, left + width / 2, row))
    return placed


def _deploy_markers(rounds: Sequence[RoundRecord], placed: Sequence[_Deploy],
                    panels: Sequence[tuple[float, float]]) -> str:  # fmt: skip
    caption = f'<text x="{LEFT - 6}" y="{ROW - 2}" text-anchor="end">deploys</text>'
    parts = [caption] if placed else []
    for d in placed:
        before = rounds[d.index - 1].shop_version or "?"
        first = rounds[d.index].started_at
        tip = f"shop {d.version} first seen {first:%Y-%m-%d %H:%M} UTC (was {before})"
        # One dashed segment per panel: the line never crosses a title or a time label.
        path = "".join(f"M{d.x:.1f},{top:.1f}V{bottom:.1f}" for top, bottom in panels)
        label = (
            f'<text x="{d.label_x:.1f}" y="{(d.row + 1) * ROW - 2}" text-anchor="middle">'
            f"{escape(_short(d.version, VERSION_CHARS))}</text>"
            if d.row < DEPLOY_ROWS
            else ""
        )
        parts.append(
            f'<g class="deploy" data-version="{escape(d.version)}" data-from="{escape(before)}">'
            f'<title>{escape(tip)}</title><path d="{path}" fill="none" stroke="#555" '
            f'stroke-dasharray="4 3"/>{label}</g>'
        )
    return "".join(parts)


def _svg(label: str, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def chart_svg(rounds: Sequence[RoundRecord], label: str, rule: DecisionRule) -> str:
    """The inline SVG: failure rate and ``rule``'s thresholds over time; p95 step times and
    p75 web vitals per step below; deploy markers across. ``label`` is its accessible name."""
    if not rounds:
        return _svg(label, 80, f'<text x="{LEFT}" y="40">no rounds recorded</text>')
    x = x_scale(rounds[0].started_at, rounds[-1].started_at)
    styles = step_styles(page_steps(rounds))
    placed = _place_deploys(rounds, x)
    rows = min(DEPLOY_ROWS, max((d.row for d in placed), default=-1) + 1)
    top: float = rows * ROW + 6 + TITLE_ROOM
    parts = [_rate_panel(rounds, x, top, rule)]
    panels = [(top, top + RATE_HEIGHT)]  # the measured ones: they get times and deploy lines
    end = top + RATE_HEIGHT
    for series in SERIES:
        top = end + TICK_ROOM + PANEL_GAP + TITLE_ROOM
        panel, end = _series_panel(rounds, x, top, series, styles)
        parts.append(panel)
        if end - top > EMPTY_HEIGHT:
            panels.append((top, end))
    t0, t1 = rounds[0].started_at, rounds[-1].started_at
    parts += [time_ticks(t0, t1, x, bottom) for _, bottom in panels]
    parts.append(_deploy_markers(rounds, placed, panels))
    return _svg(label, end + TICK_ROOM + 4, "".join(parts))
