"""Prometheus metrics for probe rounds, in their own registry.

Exported three ways: a scrape endpoint (:meth:`ProbeMetrics.serve`), a file for
node_exporter's textfile collector (:meth:`ProbeMetrics.write_textfile`), or a
Pushgateway (:meth:`ProbeMetrics.push`), the last two suiting ``--once`` runs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    write_to_textfile,
)

from checkout_probe import __version__
from checkout_probe.probe.metrics_export import MetricsServer, PushResult, push, serve
from checkout_probe.probe.model import UNKNOWN_DEVICE, Round
from checkout_probe.probe.stats import Verdict

log = logging.getLogger("checkout_probe.probe")

#: Step durations in seconds: browser steps take from a fraction of a second to a timeout.
STEP_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0)
#: Web vitals in seconds (LCP, INP, FCP, TTFB): from a fast interaction to a slow paint.
VITAL_SECONDS_BUCKETS = (0.05, 0.1, 0.2, 0.5, 0.8, 1.0, 1.8, 2.5, 4.0, 6.0, 10.0)
#: CLS, a unitless score: 0.1 is "good", 0.25 "poor".
VITAL_SCORE_BUCKETS = (0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0)
#: The ``category`` label of passed checkouts (labels cannot be absent).
NO_CATEGORY = "none"
UNKNOWN_VERSION = "unknown"
#: The ``journey`` label of a checkout no journey name is known for (older history rows).
UNKNOWN_JOURNEY = "unknown"


class ProbeMetrics:
    """All probe metrics, updated once per round by :meth:`record_round`."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.checkouts = Counter(
            "checkout_probe_checkouts",
            "Checkouts run by the probe, by journey, device, outcome and failure category.",
            ["env", "journey", "device", "outcome", "category"],
            registry=r,
        )
        self.rounds = Counter(
            "checkout_probe_rounds", "Probe rounds completed.", ["env"], registry=r
        )
        self.step_duration = Histogram(
            "checkout_probe_step_duration_seconds",
            "Time each checkout step took, by journey and device.",
            ["env", "journey", "device", "step"],
            buckets=STEP_BUCKETS,
            registry=r,
        )
        self.web_vital_seconds = Histogram(
            "checkout_probe_web_vital_seconds",
            "Web vitals measured in seconds (LCP, INP, FCP, TTFB) per checkout step.",
            ["env", "journey", "device", "step", "metric"],
            buckets=VITAL_SECONDS_BUCKETS,
            registry=r,
        )
        self.web_vital_score = Histogram(
            "checkout_probe_web_vital_score",
            "Unitless web vitals (CLS) per checkout step.",
            ["env", "journey", "device", "step", "metric"],
            buckets=VITAL_SCORE_BUCKETS,
            registry=r,
        )
        self.a11y_violations = Counter(
            "checkout_probe_accessibility_violations",
            "Accessibility violations (axe-core rules per page) the checkouts found, by step "
            "and impact.",
            ["env", "journey", "device", "step", "impact"],
            registry=r,
        )
        self.failure_rate = Gauge(
            "checkout_probe_failure_rate",
            "Checkout failure rate over the decision window.",
            ["env"],
            registry=r,
        )
        self.failure_rate_upper = Gauge(
            "checkout_probe_failure_rate_upper",
            "Upper bound of the 95% Wilson interval of the window failure rate.",
            ["env"],
            registry=r,
        )
        self.failure_rate_lower = Gauge(
            "checkout_probe_failure_rate_lower",
            "Lower bound of the 95% Wilson interval of the window failure rate.",
            ["env"],
            registry=r,
        )
        self.last_round = Gauge(
            "checkout_probe_last_round_timestamp_seconds",
            "Unix time the last round finished (alert when this goes stale).",
            ["env"],
            registry=r,
        )
        self.shop_version = Gauge(
            "checkout_probe_shop_version_info",
            "Shop version seen in the last round (always 1).",
            ["env", "version"],
            registry=r,
        )
        self.dependency_up = Gauge(
            "checkout_probe_dependency_up",
            "Dependency health from the shop's /health (1 ok, 0 down).",
            ["env", "dependency"],
            registry=r,
        )
        self.verdict = Gauge(
            "checkout_probe_verdict",
            "Probe verdict: 1 failing, 0 healthy.",
            ["env"],
            registry=r,
        )
        self.round_duration = Gauge(
            "checkout_probe_round_duration_seconds",
            "How long the last round took, from its first checkout to its verdict.",
            ["env"],
            registry=r,
        )
        # The usual build_info: which checkout-probe a dashboard's figures come from.
        Gauge(
            "checkout_probe_build_info", "The running checkout-probe (always 1).", ["version"],
            registry=r,
        ).labels(__version__).set(1)  # fmt: skip
        self._versions: dict[str, str] = {}
        self._dependencies: dict[str, set[str]] = {}

    def record_round(self, round_: Round, verdict: Verdict) -> None:
        """Count the round's checkouts and set every gauge for its environment."""
        env = round_.env
        self.count_checkouts(round_)
        self.rounds.labels(env).inc()
        self.round_duration.labels(env).set(
            (round_.finished_at - round_.started_at).total_seconds()
        )
        self.failure_rate.labels(env).set(verdict.rate)
        self.failure_rate_lower.labels(env).set(verdict.low)
        self.failure_rate_upper.labels(env).set(verdict.high)
        self.verdict.labels(env).set(1 if verdict.failing else 0)
        self.last_round.labels(env).set(round_.finished_at.timestamp())
        self._set_version(env, round_.shop_version or UNKNOWN_VERSION)
        self._set_dependencies(round_)

    def count_checkouts(self, round_: Round) -> None:
        """Count the round's checkouts by outcome and category; their step durations, vitals
        and accessibility violations.

        Also for a round that judged nothing (only harness errors): those still happened.
        """
        for result in round_.results:
            category = (result.category or "unknown") if not result.passed else NO_CATEGORY
            journey = result.journey or UNKNOWN_JOURNEY
            device = result.device or UNKNOWN_DEVICE
            self.checkouts.labels(round_.env, journey, device, result.outcome, category).inc()
            for step, seconds in result.step_durations.items():
                self.step_duration.labels(round_.env, journey, device, step).observe(seconds)
            for step, values in result.step_vitals.items():
                for metric, value in values.items():
                    # Prometheus' base units: seconds; CLS has none.
                    histogram, amount = (
                        (self.web_vital_score, value)
                        if metric == "CLS"
                        else (self.web_vital_seconds, value / 1000)
                    )
                    histogram.labels(round_.env, journey, device, step, metric).observe(amount)
            for step, counts in result.a11y_counts.items():
                for impact, count in counts.items():
                    self.a11y_violations.labels(round_.env, journey, device, step, impact).inc(
                        count
                    )

    def preload_checkouts(self, env: str, totals: Mapping[tuple[str, str, str, str], int]) -> None:
        """Start the counters at ``{(journey, device, outcome, category): count}`` (e.g. from
        history).

        A ``--once`` run is a fresh process: without this its counters would
        restart at one round's worth every time and ``rate()`` would see nothing.
        """
        for (journey, device, outcome, category), count in totals.items():
            if count > 0:
                self.checkouts.labels(env, journey, device, outcome, category).inc(count)

    def preload_rounds(self, env: str, count: int) -> None:
        """Start the rounds counter at ``count`` (the history's): like the checkouts, so
        ``--once`` runs count rounds across runs."""
        if count > 0:
            self.rounds.labels(env).inc(count)

    def _set_version(self, env: str, version: str) -> None:
        previous = self._versions.get(env)
        if previous is not None and previous != version:
            # Info-style: only the current version has a series, so a join on it stays 1:1.
            self.shop_version.remove(env, previous)
        self.shop_version.labels(env, version).set(1)
        self._versions[env] = version

    def _set_dependencies(self, round_: Round) -> None:
        snapshot = round_.health_snapshot()
        seen: dict[str, bool] = {}
        if snapshot is not None and snapshot.error is None:
            seen = {c.name: not c.is_down for c in snapshot.components}
        # Unknown is not "up": drop series we no longer have data for rather than leave them stale.
        for gone in self._dependencies.get(round_.env, set()) - seen.keys():
            self.dependency_up.remove(round_.env, gone)
        for name, up in seen.items():
            self.dependency_up.labels(round_.env, name).set(1 if up else 0)
        self._dependencies[round_.env] = set(seen)

    def write_textfile(self, path: str) -> None:
        """Write the registry for node_exporter's textfile collector (atomically)."""
        write_to_textfile(path, self.registry)

    def push(
        self, gateway_url: str, job: str, grouping_key: Mapping[str, str] | None = None,
        timeout_s: float = 10.0, deadline_s: float = 10.0,
    ) -> PushResult:  # fmt: skip
        """PUT the registry to a Pushgateway (:func:`.metrics_export.push`)."""
        return push(self.registry, gateway_url, job, grouping_key, timeout_s, deadline_s)

    def export(self, env: str, textfile: Path | None, pushgateway: str | None, job: str) -> None:
        """After a round: write the textfile and push to the Pushgateway, where asked; a
        failure is logged, and the probe goes on (the next round tries again)."""
        if textfile is not None:
            try:
                textfile.parent.mkdir(parents=True, exist_ok=True)
                self.write_textfile(str(textfile))
            except OSError as exc:
                log.warning("could not write %s: %s", textfile, exc)
        if pushgateway:
            pushed = self.push(pushgateway, job, {"env": env})
            if not pushed.ok:
                log.warning("could not push metrics to the Pushgateway: %s", pushed.error)

    def serve(self, port: int, addr: str = "127.0.0.1") -> MetricsServer:
        """Serve ``/metrics`` on ``addr:port`` (:func:`.metrics_export.serve`)."""
        return serve(self.registry, port, addr)
