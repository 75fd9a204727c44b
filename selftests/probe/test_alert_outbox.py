"""Self-tests of the alert outbox: no alert lost between "round stored" and "delivered",
per webhook, once per change across probes (checkout_probe/probe/outbox.py, delivery.py).

The rules alone first (claims, partial delivery, age), then real ``probe --once`` runs
against a failing demo shop with real webhook receivers: one of two webhooks failing,
and an alert left behind by a probe that died before sending it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from checkout_probe.probe import outbox
from checkout_probe.probe.alert import Alert
from checkout_probe.probe.alerts import AlertMachine
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.stats import DecisionRule
from selftests.probe.running import alerts, catalog_only_project, demo_shop, run_probe
from selftests.probe.support import http_receiver, make_round

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _firing_alert() -> Alert:
    machine, rule = AlertMachine(), DecisionRule()
    round_ = make_round(0, 10)
    alert = machine.observe(round_, rule.decide([(10, 20)]))
    assert alert is not None and alert.kind == "firing"
    return alert


def test_a_probe_holding_an_entry_keeps_it_until_its_claim_lapses() -> None:
    entries = outbox.queue([], _firing_alert(), "probe-a", NOW, lease=60)

    _, taken_early = outbox.claim(entries, {"hook"}, "probe-b", NOW + timedelta(seconds=30), 60)
    _, taken_late = outbox.claim(entries, {"hook"}, "probe-b", NOW + timedelta(seconds=61), 60)
    _, own = outbox.claim(entries, {"hook"}, "probe-a", NOW + timedelta(seconds=30), 60)

    assert taken_early == []  # probe-a is still delivering it
    assert [e.claimed_by for e in taken_late] == ["probe-b"]  # probe-a died
    assert len(own) == 1


def test_a_webhook_that_failed_gets_the_alert_again_the_others_do_not() -> None:
    entries = outbox.queue([], _firing_alert(), "me", NOW, lease=60)
    entry_id = entries[0].id

    after_one, _ = outbox.settle(entries, {entry_id: {"a"}}, {"a", "b"}, "me", NOW)
    _, taken = outbox.claim(after_one, {"a", "b"}, "me", NOW, 60)
    done, given_up = outbox.settle(after_one, {entry_id: {"b"}}, {"a", "b"}, "me", NOW)

    assert [e.delivered for e in after_one] == [("a",)] and after_one[0].claimed_by is None
    assert len(taken) == 1  # for b alone: the sender skips what a took
    assert done == [] and given_up == []


def test_an_alert_no_webhook_took_for_a_day_is_given_up_and_said() -> None:
    entries = outbox.queue([], _firing_alert(), "me", NOW, lease=60)
    later = NOW + outbox.MAX_AGE + timedelta(minutes=1)

    kept, given_up = outbox.settle(entries, {entries[0].id: set()}, {"a"}, "me", later)

    assert kept == [] and [e.alert.kind for e in given_up] == ["firing"]


def test_the_outbox_round_trips_through_the_alert_state() -> None:
    entries = outbox.queue([], _firing_alert(), "me", NOW, lease=60)

    assert outbox.load({"state": "failing", "outbox": outbox.dump(entries)}) == entries
    assert outbox.load({"state": "failing"}) == []  # a state from before the outbox


def test_of_two_webhooks_the_failing_one_gets_the_alert_when_it_is_back(tmp_path: Path) -> None:
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with (
        demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop,
        http_receiver() as good,
        http_receiver(statuses=[503] * 3) as flaky,  # down for the first run's 3 attempts
    ):
        assert shop.url is not None
        args = ("--once", "--checkouts", "3", project, "--webhook", good.url,
                "--webhook", flaky.url)  # fmt: skip
        first = run_probe(shop.url, tmp_path, *args)
        second = run_probe(shop.url, tmp_path, *args)
        third = run_probe(shop.url, tmp_path, *args)
        to_good, to_flaky = alerts(good.requests), alerts(flaky.requests)

    assert (first.returncode, second.returncode, third.returncode) == (1, 1, 1), third.output
    assert "alert not delivered to http://127.0.0.1:" in first.stdout
    assert "sent again after the next round" in first.stdout
    assert [a["kind"] for a in to_good] == ["firing"], "the good webhook got it twice"
    # Three refused attempts in the first run, then the same alert in the second: its
    # "since" is the outage's start, not the time it was finally sent.
    assert [a["kind"] for a in to_flaky] == ["firing"] * 4
    assert {a["started_at"] for a in to_flaky} == {to_good[0]["started_at"]}
    assert "ALERT" not in third.stdout  # nothing left to send


def test_an_alert_left_by_a_probe_that_died_is_sent_by_the_next_run_once(tmp_path: Path) -> None:
    # What a probe that died after storing its round and before sending leaves behind:
    # the state says failing, the alert is queued, its claim has lapsed.
    history = f"sqlite:///{tmp_path / 'history.sqlite'}"
    rule, machine = DecisionRule(), AlertMachine()
    died = datetime.now(UTC) - timedelta(minutes=10)
    round_ = replace(
        make_round(0, 3, k=3, env="local", version="1.0.0"), started_at=died, finished_at=died
    )
    verdict = rule.decide([(3, 3)])
    alert = machine.observe(round_, verdict)
    assert alert is not None
    store = HistoryStore(history)
    with store.turn("local") as turn:
        turn.add(round_, verdict)
        queued = outbox.queue([], alert, "a-probe-that-died", died, lease=60)
        turn.save_alert_state({**machine.state.to_dict(), "outbox": outbox.dump(queued)})
    store.close()

    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with (
        demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop,
        http_receiver() as receiver,
    ):
        assert shop.url is not None
        args = ("--once", "--checkouts", "3", project, "--webhook", receiver.url)
        runs = [run_probe(shop.url, tmp_path, *args) for _ in range(2)]
        sent = alerts(receiver.requests)

    assert [r.returncode for r in runs] == [1, 1], runs[-1].output
    assert [a["kind"] for a in sent] == ["firing"], "delivered exactly once"
    assert sent[0]["started_at"] == died.isoformat()
