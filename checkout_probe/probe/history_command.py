"""``checkout-probe history``: is checkout failing, since when, and did a deploy start it?

Reads the round history that ``checkout-probe probe`` writes (any SQLAlchemy URL)
without writing to it, prints the recent rounds of one environment and then one
line that answers the question, followed by the latest failed checkouts and
their evidence while it is failing. ``--html`` also writes a self-contained page
with the chart, the decision rule's thresholds and the failed checkouts linked to
their evidence; ``--json`` prints the same data for scripts.

Exit codes:
  0  history shown, whatever its verdict (no rounds yet included)
  2  usage or configuration error: malformed URL, no history there, which --env?
  3  the history database cannot be reached
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from checkout_probe.basics.errors import ConfigError
from checkout_probe.basics.redact import mask_url, redact
from checkout_probe.probe.alert import MAX_EVIDENCE
from checkout_probe.probe.correlation import FAILING_NOW, NEVER_PASSED, NO_DATA, Correlation
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_buckets import Chart
from checkout_probe.probe.history_rows import FailedCheckout
from checkout_probe.probe.history_schema import RoundRecord
from checkout_probe.probe.history_url import open_history, reading
from checkout_probe.probe.options import DEFAULT_HISTORY
from checkout_probe.probe.render import render_table
from checkout_probe.probe.render_html import render_html
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.settings.argtypes import OneLineParser, fraction, positive_int

RATE_NOTE = "rate, interval: the decision window's failure rate (this round and the ones before)"
#: Failed checkouts the --html page lists (the newest of the rounds it shows).
FAILED_LISTED = 20


def build_parser(environ: Mapping[str, str] | None = None) -> argparse.ArgumentParser:
    """history's options (``checkout-probe history --help``); ``environ``: os.environ if None."""
    env = os.environ if environ is None else environ
    intro, details, codes = __doc__.split("\n\n", 2)
    parser = OneLineParser(
        prog="checkout-probe history",
        description=f"{intro}\n\n{details}",
        epilog=codes,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--history", default=env.get("CHECKOUT_PROBE_HISTORY_URL", DEFAULT_HISTORY), metavar="URL",
        help="SQLAlchemy URL of the round history "
        f"(default $CHECKOUT_PROBE_HISTORY_URL, else {DEFAULT_HISTORY})",
    )  # fmt: skip
    parser.add_argument(
        "--env", default=None, metavar="NAME",
        help="environment to show (default: the only one in the history)",
    )  # fmt: skip
    parser.add_argument(
        "--limit", type=positive_int, default=20, metavar="N",
        help="rounds to show (default 20); the verdict line always uses the whole history",
    )  # fmt: skip
    parser.add_argument(
        "--html", type=Path, default=None, metavar="FILE",
        help="also write a self-contained HTML page with the chart to FILE",
    )  # fmt: skip
    parser.add_argument(
        "--days", type=positive_int, default=None, metavar="N",
        help="the period the --html chart covers, in days back from the newest round "
        "(default: the rounds shown); a long one is charted one point per time bucket",
    )  # fmt: skip
    # The history does not keep the rule the probe judged with: the page draws these.
    rule = DecisionRule()
    parser.add_argument(
        "--threshold", type=fraction, default=rule.threshold, metavar="F",
        help=f"the probe's --threshold, drawn on the page's chart (default {rule.threshold})",
    )  # fmt: skip
    parser.add_argument(
        "--recover-below", type=fraction, default=rule.recover_below, metavar="F",
        help="the probe's --recover-below, drawn on the page's chart "
        f"(default {rule.recover_below})",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def pick_env(store: HistoryStore, requested: str | None) -> str | None:
    """``--env``, else the history's only environment; None when the history has no rounds."""
    if requested is not None:
        return requested
    envs = store.envs()
    if len(envs) > 1:
        raise ConfigError(f"the history has several environments, pass --env: {', '.join(envs)}")
    return envs[0] if envs else None


def _first_line(message: str) -> str:
    return redact(message.strip().splitlines()[0]) if message.strip() else ""


def failure_groups(failures: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failed checkouts grouped by (category, step, first message line), largest group first."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in failures:
        key = (f["category"] or "unknown", f["failing_step"] or "?", _first_line(f["message"]))
        group = groups.setdefault(
            key,
            {"category": key[0], "failing_step": key[1], "message": key[2], "count": 0,
             "evidence": [], "devices": {}},
        )  # fmt: skip
        group["count"] += 1
        if f.get("device"):
            group["devices"][f["device"]] = group["devices"].get(f["device"], 0) + 1
        group["evidence"].extend(f["evidence"])
    return sorted(groups.values(), key=lambda g: -int(g["count"]))


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _as_json(record: RoundRecord | Correlation) -> dict[str, Any]:
    return {key: _iso(value) for key, value in asdict(record).items()}


@dataclass(frozen=True)
class View:
    """What the command shows of one environment, read in one go."""

    env: str
    total: int  # rounds stored
    rounds: list[RoundRecord]  # the newest --limit, oldest first
    correlation: Correlation  # over the whole history
    latest_failed: RoundRecord | None  # while failing: the newest round with failures
    groups: list[dict[str, Any]]  # its failed checkouts, grouped
    #: The newest failed checkouts of the rounds shown, newest first (the page lists them).
    failed: list[FailedCheckout] = field(default_factory=list)
    #: The page's chart (:meth:`HistoryStore.chart`): its points and their bucket width.
    chart: Chart = field(default_factory=lambda: ([], None))

    @property
    def summary(self) -> str:
        """``env: <the correlation's one line>``."""
        return f"{self.env}: {self.correlation.describe()}"

    @property
    def onset_hidden(self) -> bool:
        """True when the round before the failures began is older than the rounds shown."""
        c = self.correlation
        boundary = c.last_healthy_at if c.state == FAILING_NOW else c.first_failure_at
        failing = c.state in (FAILING_NOW, NEVER_PASSED)
        return failing and boundary is not None and boundary < self.rounds[0].started_at

    def to_json(self, shown: str, html: Path | None) -> dict[str, Any]:
        """The machine-readable form (``--json``)."""
        latest = self.latest_failed
        return {
            "env": self.env,
            "history": shown,
            "rounds_stored": self.total,
            "rounds": [_as_json(r) for r in self.rounds],
            "correlation": {
                **_as_json(self.correlation),
                "summary": self.correlation.describe(),
                "suspect_deploy": self.correlation.suspect_deploy,
            },
            "latest_failures": (
                {"round": _as_json(latest), "groups": self.groups} if latest else None
            ),
            "html": str(html) if html else None,
        }

    def text(self, shown: str) -> str:
        """The terminal form: table, note, verdict line, latest failures."""
        lines = [
            f"env {self.env} · history {shown} · last {len(self.rounds)} of {self.total} rounds",
            render_table(self.rounds, steps=True).rstrip("\n"),
            RATE_NOTE,
            "",
            self.summary,
        ]
        if self.onset_hidden:
            # The deploy boundary is older than the table: say so rather than hide it.
            lines.append(
                f"(it began before the oldest round shown: raise --limit above {len(self.rounds)})"
            )
        if self.latest_failed is not None:
            lines += ["", *_failures_text(self.latest_failed, self.groups)]
        return "\n".join(lines)


def read_view(store: HistoryStore, env: str, limit: int) -> View:
    """The newest ``limit`` rounds, the correlation over all of them, and the latest failures
    (for the page, :func:`with_chart` adds its chart)."""
    correlation = store.deploy_correlation(env)
    latest = None
    if correlation.state in (FAILING_NOW, NEVER_PASSED):
        latest = store.latest_with_failures(env)
    groups = failure_groups(store.failures(latest.id)) if latest else []
    rounds = store.recent(env, limit)
    failed = store.failed_checkouts(env, rounds[0].started_at, FAILED_LISTED) if rounds else []
    return View(env, store.count(env), rounds, correlation, latest, groups, failed)


def with_chart(store: HistoryStore, view: View, limit: int, days: int | None) -> View:
    """``view`` with the page's chart: the last ``days`` (default: the newest ``limit`` rounds,
    read from the index, not loaded) and the failed checkouts of that period."""
    until = view.rounds[-1].started_at
    if days:  # never before the first round: the buckets share the period that has rounds
        since = max(until - timedelta(days=days), store.start_of(view.env) or until)
    else:
        since = store.start_of(view.env, limit) or until
    failed = store.failed_checkouts(view.env, since, FAILED_LISTED)
    return replace(view, chart=store.chart(view.env, since, until), failed=failed)


def _failures_text(latest: RoundRecord, groups: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"latest round with failures: {latest.started_at:%Y-%m-%d %H:%M} UTC on "
        f"{latest.shop_version or 'an unknown version'}, "
        f"{latest.failures} of {latest.k} checkouts failed"
    ]
    for g in groups:
        devices: dict[str, int] = g.get("devices") or {}
        on = f" on {', '.join(f'{d} ({n})' for d, n in devices.items())}" if devices else ""
        lines.append(
            f"  {g['count']} × {g['category']} at step '{g['failing_step']}'{on}: {g['message']}"
        )
        evidence: list[str] = g["evidence"]
        lines += [f"      {path}" for path in evidence[:MAX_EVIDENCE]]
        if len(evidence) > MAX_EVIDENCE:
            lines.append(f"      … and {len(evidence) - MAX_EVIDENCE} more")
    return lines


def main(argv: list[str]) -> int:
    """Show one environment's history and whether (and since when) checkout is failing."""
    args = build_parser().parse_args(argv)
    shown = mask_url(args.history)
    store = open_history(args.history)
    try:
        with reading(shown):
            env = pick_env(store, args.env)
            if env is None or not store.recent(env, 1):  # (count() reads every round)
                print(_no_rounds(store, env, shown, args.json))
                return 0
            view = read_view(store, env, args.limit)
            if args.html:
                view = with_chart(store, view, args.limit, args.days)
    finally:
        store.close()
    rule = DecisionRule(threshold=args.threshold, recover_below=args.recover_below)
    html = _write_html(args.html, view, rule) if args.html else None
    if args.json:
        print(json.dumps(view.to_json(shown, html), indent=2))
        return 0
    print(view.text(shown))
    if html is not None:
        print(f"\nhtml: {html}")
    return 0


def _no_rounds(store: HistoryStore, env: str | None, shown: str, as_json: bool) -> str:
    others = [e for e in store.envs() if e != env]
    text = f"no rounds yet for env {env}" if env else f"no rounds yet in {shown}"
    if others:
        text += f" (the history has: {', '.join(others)})"
    if not as_json:
        return text
    correlation = {"state": NO_DATA, "summary": text}
    return json.dumps({"env": env, "history": shown, "rounds_stored": 0, "rounds": [],
                       "correlation": correlation}, indent=2)  # fmt: skip


def _write_html(path: Path, view: View, rule: DecisionRule) -> Path:
    title = f"checkout-probe history: {view.env}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Relative evidence paths are the probe's, which runs in the project's folder too.
        out = render_html(
            view.rounds, path, title=title, summary=view.summary, rule=rule,
            failures=view.failed, evidence_base=Path.cwd(), chart=view.chart,
        )  # fmt: skip
    except OSError as exc:
        raise ConfigError(f"cannot write --html {path}: {exc.strerror or exc}") from None
    return out.resolve()
