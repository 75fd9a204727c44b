"""Judging a round in the history's locked turn, and sending what it decided.

One turn at a time among the probes sharing a history (regions, cron runs): the window and
the alert state are what the previous turn left, so of probes judging the same change only
the first sees it as one. The alerts a turn decides go into the outbox in that same turn
(:mod:`checkout_probe.probe.delivery`), so nothing after it can lose them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checkout_probe.probe.alert import Alert
from checkout_probe.probe.alerts import AlertMachine, AlertState
from checkout_probe.probe.delivery import Delivery, with_deploy
from checkout_probe.probe.history import HistoryStore, SavedAlertState
from checkout_probe.probe.model import Round
from checkout_probe.probe.outbox import Entry
from checkout_probe.probe.rule import DecisionRule, Verdict
from checkout_probe.probe.webhook import deliver


@dataclass(frozen=True)
class Judged:
    """What one turn decided: the verdict (None: the round judged nothing, and is not
    stored), the alerts it raised and the outbox entries this probe delivers now."""

    verdict: Verdict | None
    alerts: list[Alert] = field(default_factory=list)
    taken: list[Entry] = field(default_factory=list)
    #: Alerts in force that this round did not change: sent again to the receivers that
    #: need it (Alertmanager), never through the outbox (the next round sends them anyway).
    still_firing: list[Alert] = field(default_factory=list)


class Judge:
    """The decision rule, the alert machine and the webhooks of one probe process."""

    def __init__(self, rule: DecisionRule, machine: AlertMachine, delivery: Delivery) -> None:
        self.rule = rule
        self.machine = machine
        self.delivery = delivery

    def turn(self, store: HistoryStore, round_: Round) -> Judged:
        """Judge ``round_`` and store it with its verdict and alerts, in one locked turn.

        A round in which no checkout judged the shop (every one a harness error, cut or
        not run) is not stored (it would read as a healthy or failing round); only its
        harness alert is decided, and only when it had harness errors."""
        machine = self.machine
        if round_.checkouts == 0 and round_.errors == 0:
            return Judged(None)
        with store.turn(round_.env) as turn:
            saved = turn.alert_state()
            machine.state = _alert_state(saved)
            verdict: Verdict | None = None
            alerts = [a for a in (machine.harness(round_),) if a is not None]
            if round_.checkouts:
                earlier = turn.recent(self.rule.window_rounds - 1)
                window = [(r.failures, r.k) for r in earlier]
                window.append((round_.failures, round_.checkouts))
                verdict = self.rule.decide(window, machine.state.state)
                turn.add(round_, verdict)
                if (alert := machine.observe(round_, verdict)) is not None:
                    alerts.append(alert)
            changed, taken = self.delivery.in_turn(saved.data, machine.state.to_dict(), alerts)
            if changed is not None:
                turn.save_alert_state(changed)
        sent = {(a.subject, a.started_at) for a in alerts}
        again = [a for a in machine.still_firing(round_, verdict)
                 if (a.subject, a.started_at) not in sent]  # fmt: skip
        return Judged(verdict, alerts, taken, again)

    def send(self, store: HistoryStore, env: str, judged: Judged) -> None:
        """After the turn: print the alerts (that is all, with no webhook) and deliver
        what this probe took from the outbox."""
        if not self.delivery.sinks:
            for alert in judged.alerts:
                deliver(with_deploy(alert, store, env), [])
        if judged.taken:
            self.delivery.deliver(store, env, judged.taken)
        for alert in judged.still_firing:
            for sink in self.delivery.sinks:
                if sink.refreshes and not (result := sink.send(alert)).ok:
                    print(f"  the firing alert was not sent again to {sink.where}: "
                          f"{result.error}", flush=True)  # fmt: skip


def _alert_state(saved: SavedAlertState) -> AlertState:
    return AlertState.from_dict(saved.data) if saved.data else AlertState()
