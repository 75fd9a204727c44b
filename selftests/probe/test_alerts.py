"""Alerts fire once per state change, survive a restart, and reach a real HTTP receiver."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from checkout_probe.probe.alerts import (
    FIRING,
    REMINDER,
    RESOLVED,
    Alert,
    AlertMachine,
    AlertState,
)
from checkout_probe.probe.model import CheckoutResult, Round
from checkout_probe.probe.stats import FAILING, HEALTHY, DecisionRule, Verdict
from checkout_probe.probe.webhook import WebhookSink
from selftests.probe.support import (
    HEALTH_DB_DOWN,
    T0,
    closed_port,
    http_receiver,
    make_round,
    trickling_receiver,
)

RULE = DecisionRule()


def drive(machine: AlertMachine, rounds: list[Round]) -> list[tuple[int, Alert]]:
    """Run rounds through the rule and the machine like the runner will."""
    window: list[tuple[int, int]] = []
    alerts = []
    for i, round_ in enumerate(rounds):
        window.append((round_.failures, round_.checkouts))
        verdict = RULE.decide(window, machine.state.state)
        alert = machine.observe(round_, verdict)
        if alert is not None:
            alerts.append((i, alert))
    return alerts


def outage_rounds() -> list[Round]:
    """30 healthy rounds, 5 rounds with 25 % failing on 1.4.3, then clean rounds."""
    healthy = [make_round(i) for i in range(30)]
    bad = [
        make_round(i, 5, version="1.4.3", health=HEALTH_DB_DOWN, evidence=[f"/ev/{i}/trace.zip"])
        for i in range(30, 35)
    ]
    fixed = [make_round(i, version="1.4.4") for i in range(35, 40)]
    return healthy + bad + fixed


def test_healthy_rounds_raise_no_alert() -> None:
    assert drive(AlertMachine(), [make_round(i, failures=i % 2) for i in range(30)]) == []


def test_one_firing_alert_then_one_resolved_alert() -> None:
    alerts = drive(AlertMachine(), outage_rounds())
    assert [(i, a.kind) for i, a in alerts] == [(30, FIRING), (36, RESOLVED)]
    firing, resolved = alerts[0][1], alerts[1][1]
    assert firing.env == "prod"
    assert firing.started_at == T0 + timedelta(minutes=150)
    assert (firing.failures, firing.checkouts) == (5, 40)
    assert firing.low < firing.rate < firing.high
    assert firing.top_category == "payment_error"
    assert firing.failing_step == "pay"
    assert firing.sample_message.startswith("Payment Processing Error")
    assert firing.shop_version == "1.4.3"
    assert firing.health is not None and "order-service database" in firing.health
    assert firing.evidence[0] == "/ev/30/trace.zip"
    # The second clean round (36) empties the window: the outage lasted rounds 30..35.
    assert resolved.duration_s == 30 * 60
    assert resolved.ended_at == T0 + timedelta(minutes=180)
    assert resolved.top_category == "payment_error"
    assert "recovered after 30 min" in resolved.summary()


def test_reminders_only_when_asked() -> None:
    rounds = [make_round(0)] + [make_round(i, 6) for i in range(1, 11)]
    assert [a.kind for _, a in drive(AlertMachine(), rounds)] == [FIRING]
    machine = AlertMachine(reminder_every=timedelta(minutes=15))
    alerts = drive(machine, rounds)
    assert [(i, a.kind) for i, a in alerts] == [
        (1, FIRING),
        (4, REMINDER),
        (7, REMINDER),
        (10, REMINDER),
    ]
    assert alerts[1][1].duration_s == 15 * 60
    assert "still failing" in alerts[1][1].summary()


def test_state_survives_a_json_round_trip_between_once_runs() -> None:
    rounds = outage_rounds()
    first = AlertMachine()
    fired = drive(first, rounds[:33])
    assert [a.kind for _, a in fired] == [FIRING]
    saved = json.loads(json.dumps(first.state.to_dict()))
    second = AlertMachine(AlertState.from_dict(saved))
    assert second.state == first.state
    later = drive(second, rounds[31:])  # the window is rebuilt from history by the runner
    assert [a.kind for _, a in later] == [RESOLVED]
    assert later[0][1].duration_s == 30 * 60
    assert AlertState.from_dict({}) == AlertState()


def test_card_numbers_do_not_reach_the_alert() -> None:
    leaky = CheckoutResult(
        "failed", "payment_error", "pay", "card 4111 1111 1111 1111 refused", {}, []
    )
    round_ = Round(T0, T0, "prod", "1.4.3", (leaky,) * 4, None)
    alert = AlertMachine().observe(round_, RULE.decide([(4, 4)]))
    assert alert is not None
    assert "4111 1111" not in alert.sample_message
    assert alert.sample_message.endswith("refused")


def _firing() -> Alert:
    alerts = drive(AlertMachine(), outage_rounds())
    return alerts[0][1]


def _resolved() -> Alert:
    return drive(AlertMachine(), outage_rounds())[1][1]


def test_generic_and_slack_payloads_reach_the_receiver() -> None:
    with http_receiver() as rx:
        assert WebhookSink(rx.url + "/hook").send(_firing()).ok
        assert WebhookSink(rx.url + "/slack", "slack").send(_firing()).ok
    generic, slack = (json.loads(r.body) for r in rx.requests)
    assert rx.requests[0].path == "/hook"
    assert generic["kind"] == "firing" and generic["env"] == "prod"
    assert generic["evidence"][0] == "/ev/30/trace.zip"
    assert Alert.from_dict(generic) == _firing()
    assert "Checkout failing" in slack["text"]
    assert slack["blocks"][0]["type"] == "header"
    assert "1.4.3" in slack["blocks"][1]["text"]["text"]


def test_alertmanager_payload_fires_then_resolves_the_same_alert() -> None:
    with http_receiver() as rx:
        sink = WebhookSink(rx.url + "/api/v2/alerts", "alertmanager")
        assert sink.send(_firing()).ok
        assert sink.send(_resolved()).ok
    (fire,), (resolve,) = (json.loads(r.body) for r in rx.requests)
    assert rx.requests[0].path == "/api/v2/alerts"
    labels = {
        "alertname": "CheckoutProbeFailing", "env": "prod", "category": "payment_error",
        "about": "shop", "severity": "critical",
    }  # fmt: skip
    assert fire["labels"] == labels and resolve["labels"] == labels
    # A firing alert ends unless it is sent again (every round while failing): 20 min ahead.
    ends_in = datetime.fromisoformat(fire["endsAt"]) - datetime.now(UTC)
    assert timedelta(minutes=19) < ends_in <= timedelta(minutes=20), ends_in
    assert resolve["endsAt"] == (T0 + timedelta(minutes=180)).isoformat()
    assert fire["startsAt"] == resolve["startsAt"] == (T0 + timedelta(minutes=150)).isoformat()
    assert "Checkout failing" in fire["annotations"]["summary"]


def test_retries_after_two_server_errors() -> None:
    with http_receiver(statuses=[500, 500, 200]) as rx:
        result = WebhookSink(rx.url, base_delay_s=0.01).send(_firing())
    assert result.ok and result.attempts == 3 and result.status_code == 200
    assert len(rx.requests) == 3


def test_client_errors_are_not_retried() -> None:
    with http_receiver(statuses=[400]) as rx:
        result = WebhookSink(rx.url, base_delay_s=0.01).send(_firing())
    assert not result.ok and result.attempts == 1 and result.status_code == 400
    assert len(rx.requests) == 1


def test_closed_port_is_reported_not_raised() -> None:
    sink = WebhookSink(f"http://127.0.0.1:{closed_port()}/hook", base_delay_s=0.01, timeout_s=2)
    result = sink.send(_firing())
    assert not result.ok
    assert result.attempts == 3
    assert result.error is not None and "ConnectError" in result.error


def test_verdict_is_serialisable_too() -> None:
    verdict = Verdict(HEALTHY, 0.0, 0.0, 0.08, 0, 40, 2)
    assert Verdict.from_dict(json.loads(json.dumps(verdict.to_dict()))) == verdict
    assert verdict.state != FAILING


def test_a_receiver_that_trickles_its_answer_cannot_hold_the_probe() -> None:
    # A slow loris: each read is quick, so a per-read timeout never fires; the whole request
    # has a deadline.
    with trickling_receiver() as url:
        sink = WebhookSink(f"{url}/hook", attempts=1, timeout_s=5.0, deadline_s=2.0)
        started = time.monotonic()
        result = sink.send(_firing())
        took = time.monotonic() - started

    assert not result.ok and "within 2 s" in (result.error or ""), result
    assert took < 4.0, took


def _harness_round(index: int, errors: int = 4) -> Round:
    crashed = CheckoutResult("error", "harness_error", None, "harness error: no browser")
    base = make_round(index, k=0)
    return replace(base, results=(crashed,) * errors)


def test_a_round_of_only_harness_errors_alerts_the_probes_team_once_until_judging_again() -> None:
    machine = AlertMachine()
    failing_shop = make_round(0, 20)
    machine.observe(failing_shop, RULE.decide([(20, 20)]))  # the shop's own streak

    first = machine.harness(_harness_round(1))
    second = machine.harness(_harness_round(2))
    carried = AlertMachine(AlertState.from_dict(json.loads(json.dumps(machine.state.to_dict()))))
    all_cut = replace(make_round(3, k=0), results=(CheckoutResult("cut", None, None, "cut"),))
    unchanged = carried.harness(all_cut)
    resolved = carried.harness(make_round(4, 1))

    assert first is not None and first.kind == FIRING and first.subject == "harness"
    assert first.summary() == (
        "[prod] Probe cannot judge checkouts: 4/4 were harness errors "
        "(the probe's or the project's bug, not the shop's)"
    )
    assert "sample failure: harness error: no browser" in first.details()
    assert second is None and unchanged is None  # once per change; a sizing error changes nothing
    assert resolved is not None and resolved.kind == RESOLVED and resolved.subject == "harness"
    assert resolved.duration_s == 3 * 5 * 60
    assert carried.state.harness is None and carried.state.state == FAILING  # the shop's stays


def test_the_harness_alert_has_its_own_name_and_routing_labels() -> None:
    alert = AlertMachine().harness(_harness_round(0))
    assert alert is not None
    with http_receiver() as rx:
        assert WebhookSink(rx.url + "/api/v2/alerts", "alertmanager").send(alert).ok
    ((item,),) = (json.loads(r.body) for r in rx.requests)
    assert item["labels"] == {
        "alertname": "CheckoutProbeHarnessError", "env": "prod", "category": "harness_error",
        "about": "harness", "severity": "warning",
    }  # fmt: skip
