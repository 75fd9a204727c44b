"""``checkout-probe history --html``: one self-contained page, inline CSS and SVG, no script.

The verdict line, the chart (:mod:`~checkout_probe.probe.render_charts`), the failed
checkouts with links to their evidence (:mod:`~checkout_probe.probe.render_failures`) and
the rounds as a table. Every text on it is escaped: step names, versions and above all the
diagnoses, which quote what the shop's pages said.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from html import escape
from pathlib import Path

from checkout_probe.probe.history_buckets import Bucket, Chart
from checkout_probe.probe.history_rows import FailedCheckout
from checkout_probe.probe.history_schema import RoundRecord
from checkout_probe.probe.render import (
    PAGE_COLUMNS,
    STEP_COLUMN,
    VITAL_COLUMN,
    deploys,
    page_cells,
)
from checkout_probe.probe.render_charts import chart_svg
from checkout_probe.probe.render_failures import failures_section
from checkout_probe.probe.render_styles import FIRE, RECOVER, percent
from checkout_probe.probe.rule import DecisionRule

#: Rounds the page's table lists at most (the newest): the chart covers the rest.
TABLE_ROUNDS = 200
STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h2 { font-size: 18px; margin: 28px 0 4px; }
table { border-collapse: collapse; margin-top: 8px; }
th, td { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
tr.failing td { color: #b00020; }
p.summary { font-size: 16px; }
p.note { color: #555; margin: 4px 0; }
table.failed { width: 100%; }
td.short, table.rounds td { white-space: nowrap; }
td.diagnosis { min-width: 24em; overflow-wrap: anywhere; }
td.diagnosis pre { white-space: pre-wrap; margin: 4px 0; font-size: 12px; }
ul.evidence { list-style: none; margin: 0; padding: 0; white-space: nowrap; }
ul.evidence .origin { display: block; color: #666; font-size: 12px; margin-bottom: 2px; }
svg text { font: 12px system-ui, sans-serif; }
/* A label that names its own colour (a legend, a threshold) keeps it: a stylesheet rule
   would beat the fill attribute, and every legend would turn grey. */
svg text:not([fill]) { fill: #333; }
svg text.panel-title { font-weight: 600; }
svg g.legend text { font-weight: 600; }
"""
#: In the rounds table figures stay on one line; step names (a project's, any length) wrap.
STYLE += (
    ", ".join(
        f"table.rounds td:nth-child({PAGE_COLUMNS.index(column) + 1})"
        for column in (STEP_COLUMN, VITAL_COLUMN)
    )
    + " { white-space: normal; min-width: 12em; }\n"
)


def _label(rounds: Sequence[RoundRecord], bucket: timedelta | None = None) -> str:
    label = f"Checkout failure rate, p95 step time and p75 web vitals, {len(rounds)} rounds"
    if bucket is not None:
        count = sum(r.rounds for r in rounds if isinstance(r, Bucket))
        label = label.replace(f"{len(rounds)} rounds", f"{count:,} rounds in {len(rounds)} "
                              f"buckets of {_duration(bucket)}")  # fmt: skip
    if rounds:
        first, last = rounds[0].started_at, rounds[-1].started_at
        label += f" from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC"
    changes = deploys(rounds)
    when = "%m-%d %H:%M" if bucket is not None else "%H:%M"
    if changes:
        label += "; deploys: " + ", ".join(
            f"{v} at {rounds[i].started_at:{when}}" for i, v in changes
        )
    return label


def _duration(width: timedelta) -> str:
    """``3 min``, ``2.5 h`` or ``1.2 days``."""
    seconds = width.total_seconds()
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h" if seconds < 86_400 else f"{seconds / 86_400:.1f} days"


def _bucket_note(bucket: timedelta) -> str:
    return (
        f'<p class="note">One point per {_duration(bucket)} of rounds: the failure rate of all '
        "its checkouts; the band, the lowest to highest decision-window rate within it; red, "
        "some round in it was judged failing. Step times, vitals and the shop version are "
        "each bucket's last round's; hover a point for its rounds and versions.</p>"
    )


def _rule_note(rule: DecisionRule) -> str:
    fire = f'<span style="color: {FIRE}">{percent(rule.threshold)}</span>'
    recover = f'<span style="color: {RECOVER}">{percent(rule.recover_below)}</span>'
    return (
        '<p class="note">Dashed lines on the failure rate: the decision rule\'s thresholds. '
        f"A window turns failing once its interval's lower bound is above {fire} (given "
        f"enough failures), and healthy again once its upper bound is below {recover}. "
        "Dashed verticals: deploys (the shop version changed).</p>"
    )


def _rounds_table(rounds: Sequence[RoundRecord]) -> str:
    header = "".join(f"<th>{escape(c)}</th>" for c in PAGE_COLUMNS)
    shown = rounds[-TABLE_ROUNDS:]
    rows = "".join(
        f'<tr class="{escape(r.verdict)}">'
        + "".join(f"<td>{escape(c)}</td>" for c in page_cells(r))
        + "</tr>"
        for r in reversed(shown)
    )
    more = f" The newest {len(shown)} of {len(rounds):,}." if len(shown) < len(rounds) else ""
    return (
        '<section><h2 id="rounds">Rounds</h2><p class="note">Newest first; rate and interval '
        f"are the decision window's.{more}</p>"
        f'<table class="rounds" aria-labelledby="rounds"><thead><tr>{header}</tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def render_html(
    rounds: Sequence[RoundRecord],
    path: str | Path,
    title: str | None = None,
    summary: str | None = None,
    *,
    rule: DecisionRule | None = None,
    failures: Sequence[FailedCheckout] = (),
    evidence_base: Path | None = None,
    chart: Chart | None = None,
) -> Path:
    """Write a self-contained page (inline CSS and SVG, no scripts) for ``rounds``, oldest first.

    ``summary`` is shown under the title (``checkout-probe history`` passes its verdict line).
    ``rule`` is the decision rule whose thresholds are drawn (the probe's defaults if None);
    ``failures`` the newest failed checkouts of these rounds, newest first, listed with links
    to their evidence, whose relative paths start at ``evidence_base`` (default: the current
    directory, where the probe and ``checkout-probe history`` usually run). ``chart``
    (:meth:`~checkout_probe.probe.history.HistoryStore.chart`) is what the chart draws, when
    it covers another period than ``rounds`` or buckets of them; the table lists at most the
    newest :data:`TABLE_ROUNDS` of ``rounds``.
    """
    out = Path(path)
    rule = rule or DecisionRule()
    envs = sorted({r.env for r in rounds})
    title = title or f"checkout-probe history: {', '.join(envs) or 'no data'}"
    intro = f'<p class="summary">{escape(summary)}</p>' if summary else ""
    base = (evidence_base or Path.cwd()).resolve()
    points, bucket = chart if chart is not None and chart[0] else (rounds, None)
    total = sum(r.failures for r in points)
    failed = failures_section(failures, total, out.resolve().parent, base)
    notes = (_rule_note(rule) if points else "") + (_bucket_note(bucket) if bucket else "")
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{intro}{chart_svg(points, _label(points, bucket), rule)}"
        f"{notes}{failed}{_rounds_table(rounds)}"
        "</body></html>\n"
    )
    out.write_text(page, encoding="utf-8")
    return out
