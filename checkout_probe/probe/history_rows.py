"""Rounds and alert state read and written inside one session: what a probe's locked turn
(:class:`Turn`) and the :class:`~checkout_probe.probe.history.HistoryStore` share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checkout_probe.probe.history_schema import (
    AlertStateRow,
    FailureRow,
    RoundRecord,
    RoundRow,
    step_percentiles,
    to_record,
    vital_percentiles,
)
from checkout_probe.probe.model import Round
from checkout_probe.probe.stats import Verdict


@dataclass(frozen=True)
class SavedAlertState:
    """An environment's saved alert state (``AlertState.to_dict()`` form) and its version."""

    data: dict[str, Any] | None
    version: int


class Turn:
    """What a probe does inside its locked turn (``HistoryStore.turn``)."""

    def __init__(self, session: Session, env: str) -> None:
        self._session = session
        self.env = env

    def recent(self, limit: int) -> list[RoundRecord]:
        """The last ``limit`` rounds of the environment, oldest first."""
        return recent_rounds(self._session, self.env, limit) if limit > 0 else []

    def alert_state(self) -> SavedAlertState:
        """The environment's alert state as the previous turn left it."""
        return saved_alert_state(self._session, self.env)

    def add(self, round_: Round, verdict: Verdict) -> int:
        """Store the round; returns its id."""
        return add_round(self._session, round_, verdict)

    def save_alert_state(self, state: dict[str, Any]) -> None:
        """Replace the environment's alert state (its version goes up by one)."""
        row = self._session.get(AlertStateRow, self.env)
        now = datetime.now(UTC)
        if row is None:
            row = AlertStateRow(env=self.env, data=dict(state), updated_at=now, version=1)
            self._session.add(row)
        else:
            row.data, row.updated_at, row.version = dict(state), now, row.version + 1


def saved_alert_state(session: Session, env: str) -> SavedAlertState:
    row = session.get(AlertStateRow, env)
    return SavedAlertState(dict(row.data), row.version) if row else SavedAlertState(None, 0)


def recent_rounds(session: Session, env: str, limit: int) -> list[RoundRecord]:
    query = (
        select(RoundRow)
        .where(RoundRow.env == env)
        .order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
        .limit(limit)
    )
    return [to_record(row) for row in reversed(session.scalars(query).all())]


@dataclass(frozen=True)
class FailedCheckout:
    """A stored failed checkout, with the start and shop version of its round."""

    started_at: datetime
    shop_version: str | None
    journey: str | None
    category: str | None
    failing_step: str | None
    message: str
    evidence: tuple[str, ...]  # paths or URLs, as the probe stored them
    device: str | None = None


def failed_checkouts(
    session: Session, env: str, since: datetime, limit: int
) -> list[FailedCheckout]:
    query = (
        select(FailureRow, RoundRow.started_at, RoundRow.shop_version)
        .join(FailureRow.round)
        .where(RoundRow.env == env, RoundRow.started_at >= since)
        .order_by(RoundRow.started_at.desc(), RoundRow.id.desc(), FailureRow.id)
        .limit(limit)
    )
    return [
        FailedCheckout(
            started,
            version,
            f.journey,
            f.category,
            f.failing_step,
            f.message,
            tuple(f.evidence),
            f.device,
        )
        for f, started, version in session.execute(query)
    ]


def add_round(session: Session, round_: Round, verdict: Verdict) -> int:
    row = RoundRow(
        started_at=round_.started_at,
        finished_at=round_.finished_at,
        env=round_.env,
        shop_version=round_.shop_version,
        k=round_.checkouts,
        failures=round_.failures,
        failures_by_category=round_.failures_by_category(),
        rate=verdict.rate,
        low=verdict.low,
        high=verdict.high,
        step_p50=step_percentiles(round_, 50),
        step_p95=step_percentiles(round_, 95),
        vitals_p75=vital_percentiles(round_, 75),
        a11y_counts=round_.a11y_counts(),
        verdict=verdict.state,
        by_journey=round_.by_journey(),
        cleanup_failures=round_.cleanup_failures,
        failed=[
            FailureRow(
                category=r.category,
                journey=r.journey,
                device=r.device or None,
                failing_step=r.failing_step,
                message=r.message,
                evidence=list(r.evidence),
                trace_id=r.trace_id,
            )
            for r in round_.failed_results
        ],
    )
    session.add(row)
    session.flush()
    return row.id
