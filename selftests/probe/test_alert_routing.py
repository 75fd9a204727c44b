"""Self-tests: alerts that page the right way (checkout_probe/probe/payloads.py, judge.py,
options.py): a format per webhook, PagerDuty and Opsgenie incidents, labels and runbook, and
the firing alert sent again to Alertmanager every round while it lasts — all to real HTTP
receivers on 127.0.0.1, the judging through a real history (SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.probe.alerts import AlertMachine
from checkout_probe.probe.delivery import Delivery
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.judge import Judge
from checkout_probe.probe.options import build_parser, probe_settings
from checkout_probe.probe.stats import DecisionRule
from checkout_probe.probe.webhook_options import webhook_sinks
from selftests.probe.support import Receiver, http_receiver, make_round

RULE = DecisionRule()


def _sinks(*argv: str, env: dict[str, str] | None = None) -> list[Any]:
    args = build_parser().parse_args(list(argv))
    with pytest.MonkeyPatch.context() as patch:
        for key, value in (env or {}).items():
            patch.setenv(key, value)
        return webhook_sinks(args, probe_settings(args))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with http_receiver() as rx:
        yield rx


def _bodies(rx: Receiver, path: str) -> list[Any]:
    return [json.loads(r.body) for r in rx.requests if r.path.startswith(path)]


def _outage(tmp_path: Path, sinks: list[Any], failing: int, healthy: int) -> None:
    """``failing`` rounds of 20/20 failed, then ``healthy`` clean ones, judged and sent as
    the probe does, through a real history."""
    judge = Judge(RULE, AlertMachine(), Delivery(sinks))
    store = HistoryStore(f"sqlite:///{tmp_path / 'history.sqlite'}")
    try:
        for i in range(failing + healthy):
            round_ = make_round(i, 20 if i < failing else 0)
            judge.send(store, "prod", judge.turn(store, round_))
    finally:
        store.close()


def test_alertmanager_gets_the_firing_alert_every_round_the_others_once_per_change(
    tmp_path: Path, receiver: Receiver
) -> None:
    sinks = _sinks(
        "--webhook", f"alertmanager={receiver.url}/am", "--webhook", f"slack={receiver.url}/slack",
        "--alert-label", "team=checkout", "--runbook-url", "https://runbooks.example/checkout",
        "--interval", "60",
    )  # fmt: skip
    _outage(tmp_path, sinks, failing=4, healthy=3)

    am = [item for body in _bodies(receiver, "/am") for item in body]
    slack = _bodies(receiver, "/slack")
    firing = [a for a in am if datetime.fromisoformat(a["endsAt"]) > datetime.now(UTC)]
    resolved = [a for a in am if a not in firing]
    # Every round judged failing (four failing, and the first healthy one: the window of two
    # still fails) sends it: the first raises it, the next four repeat it; then one resolve.
    assert len(firing) == 5 and len(resolved) == 1 and am[-1] == resolved[0], am
    assert {a["startsAt"] for a in am} == {firing[0]["startsAt"]}  # one alert, one identity
    labels = firing[0]["labels"]
    assert labels["team"] == "checkout" and labels["severity"] == "critical", labels
    assert firing[0]["annotations"]["runbook_url"] == "https://runbooks.example/checkout"
    # endsAt: 4 intervals ahead, so a late round does not end it; the repeat keeps it alive.
    ahead = datetime.fromisoformat(firing[-1]["endsAt"]) - datetime.now(UTC)
    assert 200 < ahead.total_seconds() <= 240, ahead
    assert [b["text"].split(":")[0] for b in slack] == [
        "[prod] Checkout failing", "[prod] Checkout recovered after 25 min (payment_error)",
    ][: len(slack)] and len(slack) == 2, slack  # fmt: skip


def test_pagerduty_gets_one_trigger_and_one_resolve_with_the_same_dedup_key(
    tmp_path: Path, receiver: Receiver
) -> None:
    sinks = _sinks("--webhook", f"pagerduty={receiver.url}/v2/enqueue",
                   env={"CHECKOUT_PROBE_PAGERDUTY_ROUTING_KEY": "R0UT1NG"})  # fmt: skip
    _outage(tmp_path, sinks, failing=3, healthy=3)

    events = _bodies(receiver, "/v2/enqueue")
    assert [e["event_action"] for e in events] == ["trigger", "resolve"], events
    assert events[0]["dedup_key"] == events[1]["dedup_key"]
    assert events[0]["routing_key"] == "R0UT1NG"
    payload = events[0]["payload"]
    assert payload["severity"] == "critical" and payload["class"] == "payment_error", payload
    assert payload["summary"].startswith("[prod] Checkout failing: 20/20 failed")


def test_opsgenie_creates_then_closes_by_alias_with_its_key_in_the_header(
    tmp_path: Path, receiver: Receiver
) -> None:
    sinks = _sinks("--webhook", f"opsgenie={receiver.url}/v2/alerts",
                   env={"CHECKOUT_PROBE_OPSGENIE_API_KEY": "G3N1E"})  # fmt: skip
    _outage(tmp_path, sinks, failing=3, healthy=3)

    create, close = receiver.requests
    body = json.loads(create.body)
    assert create.path == "/v2/alerts" and body["priority"] == "P1", body
    assert close.path.startswith("/v2/alerts/checkout-probe%2Fprod%2Fshop%2F")
    assert close.path.endswith("/close?identifierType=alias"), close.path
    assert {r.headers.get("Authorization") for r in receiver.requests} == {"GenieKey G3N1E"}


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (["--webhook", "pagerduty=https://events.pagerduty.com/v2/enqueue"], {},
         "a pagerduty webhook needs $CHECKOUT_PROBE_PAGERDUTY_ROUTING_KEY"),
        (["--alert-label", "severity=low"], {}, "the probe sets severity itself"),
        (["--alert-label", "team"], {}, "use KEY=VALUE"),
        (["--webhook-header", "slack:X-Token=NOT_SET_ANYWHERE"], {}, "needs $NOT_SET_ANYWHERE"),
        (["--webhook", "slack=ftp://hooks.example/x"], {}, "is not an http(s) URL"),
    ],
    ids=["pagerduty-without-key", "own-label", "label-without-value", "header-unset",
         "not-http"],
)  # fmt: skip
def test_alert_options_that_cannot_work_are_one_line(
    argv: list[str], env: dict[str, str], says: str
) -> None:
    with pytest.raises(ConfigError, match=says.replace("$", r"\$").replace("(", r"\(")
                       .replace(")", r"\)")):  # fmt: skip
        _sinks(*argv, env=env)


def test_a_header_is_sent_to_its_format_only(receiver: Receiver) -> None:
    sinks = _sinks(
        "--webhook", f"generic={receiver.url}/a", "--webhook", f"slack={receiver.url}/b",
        "--webhook-header", "generic:X-Proxy-Token=PROXY_TOKEN",
        env={"PROXY_TOKEN": "s3cret-proxy"},
    )  # fmt: skip
    alert = AlertMachine().observe(make_round(0, 20), RULE.decide([(20, 20)]))
    assert alert is not None
    assert all(sink.send(alert).ok for sink in sinks)
    tokens = {r.path: r.headers.get("X-Proxy-Token") for r in receiver.requests}
    assert tokens == {"/a": "s3cret-proxy", "/b": None}, tokens


def test_labels_from_the_environment_file_and_the_command_line_the_latter_winning(
    tmp_path: Path, receiver: Receiver
) -> None:
    config = tmp_path / "environments.toml"
    config.write_text(
        '[local]\ndemo_shop = true\n[local.alert_labels]\nteam = "payments"\nservice = "shop"\n'
    )
    (sink,) = _sinks("--config", str(config), "--alert-label", "team=checkout",
                     "--webhook", f"alertmanager={receiver.url}/am")  # fmt: skip
    alert = AlertMachine().observe(make_round(0, 20), RULE.decide([(20, 20)]))
    assert alert is not None and sink.send(alert).ok
    ((item,),) = _bodies(receiver, "/am")
    assert item["labels"]["team"] == "checkout" and item["labels"]["service"] == "shop"

    config.write_text('[local]\ndemo_shop = true\n[local.alert_labels]\nseverity = "low"\n')
    with pytest.raises(ConfigError, match="alert_labels: the probe sets severity itself"):
        _sinks("--config", str(config))
