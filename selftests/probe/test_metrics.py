"""Probe metrics over a real scrape endpoint, a textfile and a fake Pushgateway."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from checkout_probe.probe.metrics import ProbeMetrics
from checkout_probe.probe.model import Round
from checkout_probe.probe.stats import DecisionRule
from selftests.probe.support import (
    DEVICE,
    HEALTH_DB_DOWN,
    JOURNEY,
    closed_port,
    http_receiver,
    make_round,
    trickling_receiver,
)

RULE = DecisionRule()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """``{(sample name, labels): value}`` from the exposition format."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return (name, frozenset(labels.items()))


def metrics_text(metrics: ProbeMetrics) -> str:
    return generate_latest(metrics.registry).decode()


def recorded() -> ProbeMetrics:
    """Two healthy rounds on 1.4.2, then one with 5 payment errors on 1.4.3 and a DB down."""
    metrics = ProbeMetrics()
    rounds: list[Round] = [
        make_round(0),
        make_round(1),
        make_round(2, 5, version="1.4.3", health=HEALTH_DB_DOWN),
    ]
    window: list[tuple[int, int]] = []
    state = "healthy"
    for round_ in rounds:
        window.append((round_.failures, round_.checkouts))
        verdict = RULE.decide(window, state)
        state = verdict.state
        metrics.record_round(round_, verdict)
    return metrics


def test_scrape_endpoint_serves_counters_gauges_and_labels() -> None:
    metrics = recorded()
    server = metrics.serve(0)
    try:
        response = httpx.get(f"http://127.0.0.1:{server.port}/metrics", timeout=5)
    finally:
        server.stop()
    assert response.status_code == 200
    got = samples(response.text)
    total = "checkout_probe_checkouts_total"
    assert (
        got[
            key(
                total, env="prod", journey=JOURNEY, device=DEVICE, outcome="passed", category="none"
            )
        ]
        == 55
    )
    failed = key(
        total,
        env="prod",
        journey=JOURNEY,
        device=DEVICE,
        outcome="failed",
        category="payment_error",
    )
    assert got[failed] == 5
    steps = key(
        "checkout_probe_step_duration_seconds_count",
        env="prod",
        journey=JOURNEY,
        device=DEVICE,
        step="pay",
    )
    assert got[steps] == 60
    assert got[key("checkout_probe_verdict", env="prod")] == 1
    assert got[key("checkout_probe_failure_rate", env="prod")] == 5 / 40
    lower = got[key("checkout_probe_failure_rate_lower", env="prod")]
    upper = got[key("checkout_probe_failure_rate_upper", env="prod")]
    assert 0.02 < lower < 5 / 40 < upper
    assert got[key("checkout_probe_shop_version_info", env="prod", version="1.4.3")] == 1
    # The old version's series is gone, not left at 1 beside the new one.
    assert key("checkout_probe_shop_version_info", env="prod", version="1.4.2") not in got
    dep = "checkout_probe_dependency_up"
    assert got[key(dep, env="prod", dependency="order-service database")] == 0
    assert got[key(dep, env="prod", dependency="payment-provider")] == 1
    stamp = got[key("checkout_probe_last_round_timestamp_seconds", env="prod")]
    assert stamp == make_round(2).finished_at.timestamp()


def test_dependencies_follow_the_latest_health_snapshot() -> None:
    metrics = recorded()
    metrics.record_round(make_round(3, health={"status": "ok", "components": {}}), RULE.decide([]))
    got = samples(metrics_text(metrics))
    assert not any(name == "checkout_probe_dependency_up" for name, _ in got)


def test_metrics_stay_out_of_the_global_registry() -> None:
    recorded()
    assert REGISTRY.get_sample_value("checkout_probe_verdict", {"env": "prod"}) is None


def test_textfile_holds_the_same_series(tmp_path: Path) -> None:
    path = tmp_path / "probe.prom"
    recorded().write_textfile(str(path))
    text = path.read_text()
    assert 'checkout_probe_verdict{env="prod"} 1.0' in text
    assert (
        'checkout_probe_checkouts_total{category="payment_error",'
        'device="Desktop Chrome",env="prod",journey="guest checkout",outcome="failed"} 5.0' in text
    )


def test_preloaded_totals_add_to_this_runs_counts() -> None:
    metrics = ProbeMetrics()
    metrics.preload_checkouts(
        "prod", {(JOURNEY, DEVICE, "passed", "none"): 100, (JOURNEY, DEVICE, "failed", "slow"): 2}
    )
    metrics.record_round(make_round(0, 1), RULE.decide([(1, 20)]))
    got = samples(metrics_text(metrics))
    assert (
        got[
            key(
                "checkout_probe_checkouts_total",
                env="prod",
                journey=JOURNEY,
                device=DEVICE,
                outcome="passed",
                category="none",
            )
        ]
        == 119
    )
    assert (
        got[
            key(
                "checkout_probe_checkouts_total",
                env="prod",
                journey=JOURNEY,
                device=DEVICE,
                outcome="failed",
                category="slow",
            )
        ]
        == 2
    )


def test_push_puts_to_the_job_path_of_a_real_receiver() -> None:
    with http_receiver() as gateway:
        result = recorded().push(gateway.url, "checkout-probe", {"env": "prod"})
    assert result.ok, result.error
    (request,) = gateway.requests
    assert request.method == "PUT"
    assert request.path == "/metrics/job/checkout-probe/env/prod"
    assert b'checkout_probe_verdict{env="prod"} 1.0' in request.body


def test_push_failure_is_returned() -> None:
    result = recorded().push(f"http://127.0.0.1:{closed_port()}", "checkout-probe", timeout_s=2)
    assert not result.ok
    assert result.error is not None
    with http_receiver(statuses=[500]) as gateway:
        rejected = recorded().push(gateway.url, "checkout-probe")
    assert not rejected.ok and rejected.error is not None and "500" in rejected.error


def test_a_pushgateway_that_trickles_its_answer_cannot_hold_the_probe() -> None:
    # Each read is quick (a header line a second), so only a deadline on the whole PUT ends it.
    with trickling_receiver() as url:
        started = time.monotonic()
        result = recorded().push(url, "checkout-probe", timeout_s=5.0, deadline_s=2.0)
        took = time.monotonic() - started

    assert not result.ok and "within 2 s" in (result.error or ""), result
    assert took < 4.0, took
