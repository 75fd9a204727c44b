"""The probe's series over a timeline, as Prometheus would have scraped them, for promtool's
unit tests of the example alerts (selftests/test_prometheus_rules.py).

A real :class:`ProbeMetrics` registry records rounds judged by the probe's decision rule:
none yet, healthy ones, failing ones (the order-service database down), then the probe
stops while the Pushgateway keeps serving its last push. Each minute's exposition text
becomes one sample per series, with the labels the scrape adds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from checkout_probe.probe.metrics import ProbeMetrics
from checkout_probe.probe.model import FAILED, PASSED, CheckoutResult, Round
from checkout_probe.probe.rule import HEALTHY, DecisionRule

#: The environment the rounds are of.
ENV = "production"
#: promtool's tests start at Unix time 0: round timestamps must live on that clock too.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The timeline, in minutes (one scrape and one rule evaluation a minute): nothing until the
#: probe's first round, healthy rounds, failing rounds (the order-service database down), then
#: the probe stops while the Pushgateway keeps serving its last push.
FIRST_ROUND, FIRST_FAILING, STOPPED, END = 20, 30, 45, 75
CHECKOUTS_PER_ROUND = 3
DATABASE, PAYMENTS = "order-service database", "payment provider"


def round_at(minute: int) -> Round:
    """The round finishing at ``minute``: healthy before FIRST_FAILING, payment errors after."""
    failing = minute >= FIRST_FAILING
    finished = EPOCH + timedelta(minutes=minute)
    vitals = {"place order": {"LCP": 900.0, "CLS": 0.02, "INP": 60.0, "TTFB": 120.0}}
    if failing:
        result = CheckoutResult(
            FAILED, "payment_error", "place order", "page showed 'Payment Processing Error'",
            {"add to cart": 0.6, "place order": 1.9}, journey="guest", step_vitals=vitals,
        )  # fmt: skip
    else:
        result = CheckoutResult(
            PASSED, None, None, "", {"add to cart": 0.5, "place order": 1.1},
            journey="guest", step_vitals=vitals,
        )  # fmt: skip
    components = [
        {"name": DATABASE, "status": "down" if failing else "ok"},
        {"name": PAYMENTS, "status": "ok"},
    ]
    health = {"status": "degraded" if failing else "ok", "components": components}
    results = (result,) * CHECKOUTS_PER_ROUND
    return Round(finished - timedelta(seconds=40), finished, ENV, "1.4.2", results, health)


def _series_name(name: str, labels: dict[str, str]) -> str:
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    inner = ",".join(f"{k}={quoted(v)}" for k, v in sorted(labels.items()))
    return f"{name}{{{inner}}}"


@dataclass(frozen=True)
class Scrapes:
    """One ``{series: value}`` per minute, as Prometheus scraped the Pushgateway."""

    minutes: list[dict[str, float]]
    #: Labels the scrape adds (the pushed job, and region from it: scrape-configs.yaml).
    target_labels: dict[str, str]

    def values(self, name: str, **labels: str) -> Iterator[tuple[int, float]]:
        """``(minute, value)`` of the one series ``name{labels}`` (target labels added)."""
        series = _series_name(name, {**labels, **self.target_labels})
        for minute, samples in enumerate(self.minutes):
            if series in samples:
                yield minute, samples[series]

    def first(self, name: str, value: float, **labels: str) -> int:
        """The first minute ``name{labels}`` had ``value``."""
        return next(m for m, v in self.values(name, **labels) if v == value)

    def input_series(self) -> list[dict[str, str]]:
        """promtool's ``input_series``: every series, ``_`` for a minute it was not there."""
        names = sorted({s for samples in self.minutes for s in samples})
        return [
            {
                "series": name,
                "values": " ".join(
                    repr(samples[name]) if name in samples else "_" for samples in self.minutes
                ),
            }
            for name in names
        ]


def _scrape(metrics: ProbeMetrics, target_labels: dict[str, str]) -> dict[str, float]:
    text = generate_latest(metrics.registry).decode()
    return {
        _series_name(sample.name, {**sample.labels, **target_labels}): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def probe_scrapes(target_labels: dict[str, str]) -> Scrapes:
    """Run the timeline through a real ProbeMetrics, judging rounds as the probe does."""
    metrics, rule = ProbeMetrics(), DecisionRule()
    window: list[tuple[int, int]] = []
    state = HEALTHY
    minutes = []
    for minute in range(END + 1):
        if FIRST_ROUND <= minute < STOPPED:
            round_ = round_at(minute)
            window.append((round_.failures, round_.checkouts))
            verdict = rule.decide(window, state)
            state = verdict.state
            metrics.record_round(round_, verdict)
        # Before the first round nothing was pushed; after the last one the Pushgateway keeps
        # serving the last push, which is what this registry still holds.
        minutes.append(_scrape(metrics, target_labels) if minute >= FIRST_ROUND else {})
    assert minutes[FIRST_ROUND - 1] == {} and minutes[FIRST_ROUND], "no series before round 1"
    return Scrapes(minutes, target_labels)
