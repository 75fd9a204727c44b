"""A round's web vitals: breaches counted by step and metric, histograms in base units."""

from __future__ import annotations

from dataclasses import replace

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from checkout_probe.probe.metrics import ProbeMetrics
from checkout_probe.probe.stats import DecisionRule
from selftests.probe.support import make_round


def test_breaches_are_counted_by_step_and_metric_with_the_first_figure() -> None:
    round_ = make_round(0)
    shifted = ["step 'contact and address': CLS 0.16 over its 0.10 budget"]
    slow_paint = ["step 'pay': LCP 3.10 s over its 2.50 s budget"]
    results = (
        replace(round_.results[0], vital_breaches=shifted + slow_paint),
        replace(round_.results[1], vital_breaches=[shifted[0].replace("0.16", "0.21")]),
        *round_.results[2:],
    )  # fmt: skip
    assert replace(round_, results=results).vital_breaches() == {
        "step 'contact and address': CLS 0.16 over its 0.10 budget": 2,
        "step 'pay': LCP 3.10 s over its 2.50 s budget": 1,
    }
    assert round_.vital_breaches() == {}


def test_vitals_reach_prometheus_in_seconds_and_cls_as_a_score() -> None:
    round_ = make_round(0)
    vitals = {"pay": {"LCP": 1200.0, "INP": 40.0, "CLS": 0.12}}
    results = tuple(replace(r, step_vitals=vitals) for r in round_.results)
    metrics = ProbeMetrics()
    metrics.record_round(replace(round_, results=results), DecisionRule().decide([(0, 20)]))
    samples = {
        (sample.name, sample.labels.get("metric"), sample.labels.get("le")): sample.value
        for family in text_string_to_metric_families(generate_latest(metrics.registry).decode())
        for sample in family.samples
        if sample.labels.get("step") == "pay"
    }
    assert samples[("checkout_probe_web_vital_seconds_sum", "LCP", None)] == pytest.approx(24.0)
    assert samples[("checkout_probe_web_vital_seconds_bucket", "LCP", "1.0")] == 0
    assert samples[("checkout_probe_web_vital_seconds_bucket", "LCP", "1.8")] == 20
    assert samples[("checkout_probe_web_vital_seconds_bucket", "INP", "0.05")] == 20
    assert samples[("checkout_probe_web_vital_score_bucket", "CLS", "0.1")] == 0
    assert samples[("checkout_probe_web_vital_score_bucket", "CLS", "0.15")] == 20
    assert ("checkout_probe_web_vital_seconds_sum", "CLS", None) not in samples
