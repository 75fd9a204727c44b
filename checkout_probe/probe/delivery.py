"""Delivering a probe's alerts through the outbox (:mod:`checkout_probe.probe.outbox`).

:meth:`Delivery.in_turn` runs inside the round's locked turn: it queues the round's alert
for every webhook and takes what this probe is to deliver now. :meth:`Delivery.deliver`
runs after the turn: it sends what was taken and strikes off, in a turn of its own, the
webhooks that took it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from checkout_probe.probe import outbox
from checkout_probe.probe.alert import RESOLVED, SHOP, Alert
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_url import database_error
from checkout_probe.probe.webhook import WebhookSink, deliver


class Delivery:
    """One probe process's webhooks, and its name in the outbox's claims."""

    def __init__(self, sinks: Sequence[WebhookSink]) -> None:
        self.sinks = list(sinks)
        self.me = uuid.uuid4().hex
        self.keys = {outbox.sink_key(s.url): s for s in self.sinks}
        self.lease = outbox.lease_s([s.longest_s for s in self.sinks])

    def in_turn(
        self, saved: Mapping[str, Any] | None, state: Mapping[str, Any], alerts: Sequence[Alert]
    ) -> tuple[dict[str, Any] | None, list[outbox.Entry]]:
        """Inside the round's turn: the round's ``alerts`` queued, what to deliver now taken.
        Returns the alert state to save (``state`` with the outbox; None: nothing changed)
        and the entries taken."""
        now = datetime.now(UTC)
        entries = outbox.load(saved)
        for alert in alerts if self.sinks else ():
            entries = outbox.queue(entries, alert, self.me, now, self.lease)
        entries, taken = outbox.claim(entries, self.keys, self.me, now, self.lease)
        data = {**state, "outbox": outbox.dump(entries)}
        unchanged = saved is not None and data == dict(saved)
        return (None if unchanged else data), taken

    def deliver(self, store: HistoryStore, env: str, taken: Sequence[outbox.Entry]) -> None:
        """Send each taken entry to the webhooks that still need it; record who took it."""
        took: dict[str, set[str]] = {}
        for entry in taken:
            alert = with_deploy(entry.alert, store, env)
            sinks = [s for k, s in self.keys.items() if k not in entry.delivered]
            took[entry.id] = {outbox.sink_key(url) for url in deliver(alert, sinks)}
        try:
            with store.turn(env) as turn:
                saved = turn.alert_state().data or {}
                entries, given_up = outbox.settle(
                    outbox.load(saved), took, self.keys, self.me, datetime.now(UTC)
                )
                turn.save_alert_state({**saved, "outbox": outbox.dump(entries)})
        except SQLAlchemyError as exc:
            print(f"  could not record which webhooks took the alert ({database_error(exc)}): "
                  "it may be sent again", flush=True)  # fmt: skip
            return
        for entry in given_up:
            print(f"  gave up on the {entry.alert.kind} alert queued at "
                  f"{entry.queued_at:%Y-%m-%d %H:%M} UTC: no webhook took it within "
                  f"{outbox.MAX_AGE.total_seconds() / 3600:.0f} h", flush=True)  # fmt: skip
        if any(set(self.keys) - set(e.delivered) for e in entries):
            print("  the alert will be sent again after the next round", flush=True)


def with_deploy(alert: Alert, store: HistoryStore, env: str) -> Alert:
    """A shop's firing alert with the question behind this project answered: did a deploy
    start it? (Printed or sent, an alert carries it.)"""
    if alert.kind == RESOLVED or alert.subject != SHOP:
        return alert
    try:
        return replace(alert, deploy=store.deploy_correlation(env).describe())
    except SQLAlchemyError as exc:
        return replace(alert, deploy=f"not read: {database_error(exc)}")
