"""Self-tests: the trace a failed checkout keeps is worth opening.

Whole checkouts against the embedded demo shop, in a real Chromium, as users run them
(``checkout-probe probe --once``; pytest with ``--reruns``), with the order service's
database down so every checkout fails at 'place order'. A kept trace groups its actions by
journey step, holds no error of the harness's own making, and, for the first failed
checkout of a probe round and a retried test, shows the page (DOM snapshots and the
screencast), where the other checkouts keep their traces cheap.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from checkout_probe.probe.checkout import RoundTraces
from selftests.helpers import run_suites
from selftests.probe.running import demo_shop, run_probe
from selftests.trace_events import actions, errors, groups, in_group, kinds, trace_events

#: The guest journey's steps up to the one that fails on this shop (flows/journeys.py); a
#: cart of several products adds each in a step of its own.
STEPS_TO_FAILURE = [
    "step: open catalog",
    "step: add to cart",
    "step: review cart",
    "step: contact and address",
    "step: shipping method",
    "step: pay",
    "step: place order",
]
#: What shows the page in a trace: a DOM snapshot per action, the screencast.
FULL = {"frame-snapshot", "screencast-frame"}
GUEST_SMOKE = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)


def assert_worth_opening(events: list[dict[str, Any]]) -> None:
    """Grouped by step, every page action of the journey in its step's group, and no error
    but the failing step's own."""
    opened = groups(events)
    titles = [g.title for g in opened]
    assert "step: place order" in titles, titles
    failed_at = titles.index("step: place order")
    assert [t for t, _ in itertools.groupby(titles[: failed_at + 1])] == STEPS_TO_FAILURE
    first, last = opened[0], opened[failed_at]
    assert last.end is not None, "the failed step's group was never closed"
    group_ids = {g.call_id for g in opened}
    during = [
        a
        for a in actions(events)
        if a.cls in ("Frame", "Page") and first.start < a.start < last.end
    ]
    assert during, "no page action between the first step and the failed one"
    outside = [f"{a.cls}.{a.method}" for a in during if a.parent not in group_ids]
    assert outside == [], f"page actions of the journey in no step's group: {outside}"
    failed_here = {a.call_id for a in in_group(events, "step: place order")}
    stray = [(a.cls, a.method, a.error) for a in errors(events) if a.call_id not in failed_here]
    assert stray == [], "errors outside the failed step"
    assert errors(events), "the failed step's own failure is in the trace"
    assert not any(a.cls == "Response" for a in errors(events)), "a body read failed"
    assert not any("getResponseBody" in (a.error or "") for a in errors(events))


def test_probe_round_keeps_the_first_failed_checkout_trace_in_full_and_the_later_ones_cheap(
    tmp_path: Path,
) -> None:
    with demo_shop(tmp_path / "shop", "--fault=bad-db-connection-string") as shop:
        assert shop.url is not None
        # One browser: the checkouts run one after another, so the second and third
        # start after the first has failed and kept its trace.
        run = run_probe(shop.url, tmp_path, "--once", "--checkouts", "3", "--workers", "1")
    assert "3/3 failed" in run.output, run.output
    (round_dir,) = (tmp_path / "evidence" / "local").iterdir()
    traces = [round_dir / f"checkout-{n}" / "trace.zip" for n in (1, 2, 3)]
    assert all(t.exists() for t in traces), sorted(p.name for p in round_dir.rglob("*"))

    first, *later = [trace_events(t) for t in traces]
    assert kinds(first) >= FULL, kinds(first)
    for events in later:
        assert not FULL & kinds(events), "a full trace after the round already kept one"
    for events in (first, *later):
        assert_worth_opening(events)


def test_a_retried_test_traces_its_retry_in_full_and_its_first_attempt_cheap(
    tmp_path: Path,
) -> None:
    run = run_suites(
        tmp_path,
        GUEST_SMOKE,
        "--shop-arg=--fault=bad-db-connection-string",
        "--tracing=retain-on-failure",
        "--reruns=1",
    )
    assert run.returncode == 1, run.output
    traces = sorted((tmp_path / "artifacts").rglob("trace.zip"))
    (first,) = [t for t in traces if not t.parent.name.endswith("-retry1")]
    (retry,) = [t for t in traces if t.parent.name.endswith("-retry1")]

    assert not FULL & kinds(trace_events(first)), "the first attempt paid for a full trace"
    assert kinds(trace_events(retry)) >= FULL, kinds(trace_events(retry))
    for trace in (first, retry):
        assert_worth_opening(trace_events(trace))


def test_a_round_traces_in_full_its_first_checkout_per_browser_or_all_after_failures() -> None:
    # A healthy-looking round: one full trace per browser, the rest cheap (a full trace costs
    # an eighth to two-fifths more time per checkout); after a round with failures, every
    # checkout until a failed one has kept its trace; verify's burst: never.
    healthy = RoundTraces(2)
    after = RoundTraces(2, all_until_kept=True)
    burst = RoundTraces(0)
    assert [healthy.full() for _ in range(4)] == [True, True, False, False]
    assert [after.full() for _ in range(3)] == [True, True, True]
    after.kept_full()
    assert after.full() is False and burst.full() is False
