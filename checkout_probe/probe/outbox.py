"""Alerts decided but not yet delivered to every webhook: the outbox.

An alert goes into the outbox in the same locked turn that stores its round and moves the
alert state on (:meth:`~checkout_probe.probe.history.HistoryStore.turn`), so nothing
between "round stored" and "delivered" can lose it: a crash, a database that fails while
the alert is prepared, every webhook down. Delivery happens after the turn; each webhook
that took the alert is struck off in a later turn, and what is left is delivered again
after the next round. Each entry remembers which webhooks took it, so a webhook that
failed gets the alert again while the others are not sent it twice, and a webhook added
or corrected meanwhile gets it too.

Probes sharing a history (regions, cron runs) take entries by claim: the probe that
queued an entry holds it while it delivers (:func:`lease_s`); once the claim has lapsed
(its probe died), any probe with the same webhooks delivers it after its own round.
Delivery is at least once: a probe that dies after a webhook took the alert and before
striking it off sends it again. An entry no webhook took within :data:`MAX_AGE` is
dropped, and that is said.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from checkout_probe.probe.alert import Alert

#: How long an undelivered alert is tried, round after round, before it is given up.
MAX_AGE = timedelta(hours=24)


def sink_key(url: str) -> str:
    """A webhook's name in the history: a digest (webhook URLs are credentials)."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def lease_s(sink_bounds: Sequence[float]) -> float:
    """How long a probe holds the entries it delivers: every webhook's longest delivery
    (attempts, deadlines, back-off) one after another, and a margin."""
    return sum(sink_bounds) + 30.0


@dataclass(frozen=True)
class Entry:
    """One alert and the webhooks (by :func:`sink_key`) that have taken it."""

    id: str
    alert: Alert
    delivered: tuple[str, ...]
    queued_at: datetime
    claimed_by: str | None = None
    claimed_until: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored with the alert state)."""
        return {
            "id": self.id,
            "alert": self.alert.to_dict(),
            "delivered": list(self.delivered),
            "queued_at": self.queued_at.isoformat(),
            "claimed_by": self.claimed_by,
            "claimed_until": self.claimed_until.isoformat() if self.claimed_until else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        """Inverse of :meth:`to_dict`."""
        until = data.get("claimed_until")
        return cls(
            id=str(data["id"]),
            alert=Alert.from_dict(data["alert"]),
            delivered=tuple(str(s) for s in data.get("delivered", ())),
            queued_at=datetime.fromisoformat(data["queued_at"]),
            claimed_by=data.get("claimed_by"),
            claimed_until=datetime.fromisoformat(until) if until else None,
        )


def load(state: Mapping[str, Any] | None) -> list[Entry]:
    """The outbox kept in a saved alert state (none in a state from before it existed)."""
    return [Entry.from_dict(e) for e in (state or {}).get("outbox", ())]


def dump(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """The outbox as it is kept in the alert state."""
    return [e.to_dict() for e in entries]


def queue(
    entries: Sequence[Entry], alert: Alert, me: str, now: datetime, lease: float
) -> list[Entry]:
    """``entries`` with ``alert`` added, held by ``me`` while it delivers."""
    entry = Entry(
        id=uuid.uuid4().hex, alert=alert, delivered=(), queued_at=now, claimed_by=me,
        claimed_until=now + timedelta(seconds=lease),
    )  # fmt: skip
    return [*entries, entry]


def claim(
    entries: Sequence[Entry], sinks: Iterable[str], me: str, now: datetime, lease: float
) -> tuple[list[Entry], list[Entry]]:
    """Take what ``me`` can deliver now: entries one of its ``sinks`` has not taken that
    nobody holds, whose holder's claim lapsed, or that ``me`` holds.
    Returns (the outbox, the taken)."""
    mine = set(sinks)
    kept: list[Entry] = []
    taken: list[Entry] = []
    for entry in entries:
        free = entry.claimed_until is None or entry.claimed_until <= now
        if mine - set(entry.delivered) and (free or entry.claimed_by == me):
            entry = replace(entry, claimed_by=me, claimed_until=now + timedelta(seconds=lease))
            taken.append(entry)
        kept.append(entry)
    return kept, taken


def settle(
    entries: Sequence[Entry], took: Mapping[str, set[str]], sinks: Iterable[str], me: str,
    now: datetime,
) -> tuple[list[Entry], list[Entry]]:  # fmt: skip
    """Record the webhooks that took each entry (``took``: entry id → sink keys) and let go
    of ``me``'s claims; an entry every one of ``me``'s ``sinks`` took is done.
    Returns (the outbox, the entries given up: too old)."""
    mine = set(sinks)
    kept: list[Entry] = []
    given_up: list[Entry] = []
    for entry in entries:
        if entry.id in took:
            entry = replace(entry, delivered=tuple(sorted({*entry.delivered, *took[entry.id]})))
        if entry.claimed_by == me:
            entry = replace(entry, claimed_by=None, claimed_until=None)
        if entry.id in took and mine <= set(entry.delivered):
            continue
        if now - entry.queued_at > MAX_AGE:
            given_up.append(entry)
            continue
        kept.append(entry)
    return kept, given_up
