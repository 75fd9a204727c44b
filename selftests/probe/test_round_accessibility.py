"""A round's accessibility: violations by step and impact, counted in Prometheus, stored in the
history (migration 0005) as the most one checkout saw."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.metrics import ProbeMetrics
from checkout_probe.probe.model import Round
from checkout_probe.probe.stats import DecisionRule
from selftests.probe.support import make_round

PAYMENT_FORM = {"pay": {"critical": 1, "serious": 2}, "open catalog": {}}


def _round(index: int = 0) -> Round:
    round_ = make_round(index)
    fewer = {"pay": {"critical": 1}, "open catalog": {"minor": 1}}
    results = (
        replace(round_.results[0], a11y_counts=fewer),
        *(replace(r, a11y_counts=PAYMENT_FORM) for r in round_.results[1:]),
    )
    return replace(round_, results=results)


def test_a_round_keeps_the_most_violations_one_checkout_saw_by_step_and_impact() -> None:
    assert _round().a11y_counts() == {
        "pay": {"critical": 1, "serious": 2},
        "open catalog": {"minor": 1},
    }
    assert make_round(0).a11y_counts() == {}


def test_violations_are_counted_in_prometheus_by_step_and_impact() -> None:
    round_ = _round()
    metrics = ProbeMetrics()
    metrics.record_round(round_, DecisionRule().decide([(0, 20)]))
    samples = {
        (s.labels["step"], s.labels["impact"]): s.value
        for family in text_string_to_metric_families(generate_latest(metrics.registry).decode())
        for s in family.samples
        if s.name == "checkout_probe_accessibility_violations_total"
    }
    others = len(round_.results) - 1
    assert samples == {
        ("pay", "critical"): len(round_.results),
        ("pay", "serious"): 2 * others,
        ("open catalog", "minor"): 1,
    }


@pytest.fixture
def store(history_url: str) -> Iterator[HistoryStore]:
    history = HistoryStore(history_url)
    yield history
    history.close()


def test_the_history_stores_each_rounds_counts(store: HistoryStore) -> None:
    store.add(_round(), DecisionRule().decide([(0, 20)]))
    store.add(make_round(1), DecisionRule().decide([(0, 20)]))
    assert [r.a11y_counts for r in store.recent("prod", 2)] == [
        {"pay": {"critical": 1, "serious": 2}, "open catalog": {"minor": 1}},
        {},
    ]
