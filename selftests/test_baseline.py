"""Latency against a baseline: the rule, the baseline file, and the probe's history."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.settings.baseline import (
    KEEP_SAMPLES,
    Baseline,
    BaselineRule,
    StepBaseline,
    from_history,
    load_baseline,
    record_baseline,
    step_totals,
)


def test_a_step_is_slow_above_three_times_its_p95_or_p95_plus_a_second() -> None:
    rule = BaselineRule()

    assert rule.limit(0.3) == pytest.approx(1.3)  # sub-second: the margin decides
    assert rule.limit(2.0) == pytest.approx(6.0)  # longer steps: the factor decides


def test_slow_against_the_baseline_names_both_figures_and_the_source() -> None:
    baseline = Baseline({"place order": StepBaseline(0.31, 40)}, "baseline b.json")

    assert baseline.slower_than_usual("place order", 1.2) is None
    assert baseline.slower_than_usual("place order", 3.5) == (
        "step 'place order' took 3.50 s, 11.3× its baseline p95 of 0.31 s "
        "(40 checkouts, baseline b.json; slow above 1.31 s)"
    )


def test_a_step_without_enough_samples_or_any_baseline_is_not_judged() -> None:
    baseline = Baseline({"pay": StepBaseline(0.2, 19)}, "b")

    assert baseline.slower_than_usual("pay", 30.0) is None
    assert baseline.slower_than_usual("register", 30.0) is None


def test_recorded_step_times_load_back_as_their_p95(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "baseline.json"
    checkouts = [{"place order": 0.1 * (i + 1), "pay": 0.5} for i in range(20)]

    assert record_baseline(path, checkouts) == 20
    baseline = load_baseline(path)

    assert baseline.steps["place order"].samples == 20
    assert baseline.steps["place order"].p95_s == pytest.approx(1.905)
    assert baseline.steps["pay"].p95_s == pytest.approx(0.5)
    assert baseline.source == "baseline baseline.json"
    assert not (path.parent / "baseline.json.partial").exists()


def test_recording_again_adds_and_keeps_only_the_newest_samples(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    record_baseline(path, [{"pay": 9.0}] * 10)
    record_baseline(path, [{"pay": 1.0}] * KEEP_SAMPLES)

    kept = json.loads(path.read_text())["steps"]["pay"]

    assert len(kept) == KEEP_SAMPLES
    assert set(kept) == {1.0}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file {path} does not exist: record one with --record-baseline {path}"),
        ("{not json", "baseline file {path} cannot be read: "),
        ('{"steps": {"pay": ["fast"]}}', "baseline file {path} is not a checkout-probe baseline"),
        ("[1, 2]", "baseline file {path} is not a checkout-probe baseline"),
    ],
)
def test_a_missing_or_malformed_baseline_file_is_one_clear_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(ConfigError) as raised:
        load_baseline(path)

    assert str(raised.value).startswith(message.format(path=path))
    assert "\n" not in str(raised.value)


def test_step_times_of_one_checkout_add_up_repeats_and_skip_steps_not_run() -> None:
    steps = [
        ("add to cart", "passed", 0.2),
        ("add to cart", "passed", 0.3),
        ("pay", "passed", 0.4),
        ("place order", "skipped", 0.0),
    ]

    assert step_totals(steps) == pytest.approx({"add to cart": 0.5, "pay": 0.4})


@dataclass(frozen=True)
class _Round:
    k: int
    failures: int
    step_p95: dict[str, float] = field(default_factory=dict)


def test_the_probes_baseline_is_the_median_p95_of_its_rounds_without_failures() -> None:
    rounds = [
        _Round(10, 0, {"place order": 0.30}),
        _Round(10, 0, {"place order": 0.40}),
        _Round(10, 3, {"place order": 9.00}),  # a failing round must not drag it up
        _Round(10, 0, {"place order": 0.35}),
    ]

    baseline = from_history(rounds, None)

    assert baseline is not None
    assert baseline.steps["place order"] == StepBaseline(pytest.approx(0.35), 30)  # type: ignore[arg-type]


def test_the_probe_falls_back_to_the_baseline_file_for_steps_its_history_lacks() -> None:
    fallback = Baseline({"pay": StepBaseline(0.5, 100), "place order": StepBaseline(9, 100)}, "f")
    rounds = [_Round(20, 0, {"place order": 0.3})]

    baseline = from_history(rounds, fallback)

    assert baseline is not None
    assert baseline.steps["pay"] == StepBaseline(0.5, 100)
    assert baseline.steps["place order"].p95_s == pytest.approx(0.3)
    assert "else f" in baseline.source


def test_a_new_probe_without_history_or_file_has_no_baseline() -> None:
    assert from_history([_Round(5, 0, {"pay": 0.2})], None) is None
    assert from_history([], None) is None
