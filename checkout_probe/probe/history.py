"""Round history in any SQLAlchemy database (a SQLite file by default).

Three tables (see :mod:`checkout_probe.probe.history_schema`): ``probe_rounds``,
one row per round with its verdict, ``probe_failures``, one row per failed
checkout with its evidence paths, and ``probe_alert_state``, the alert machine's
state per environment (so ``--once`` runs sharing one database carry it over).
Retention is explicit: :meth:`HistoryStore.prune` bounds rows,
:meth:`HistoryStore.prune_evidence` bounds artifact files on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from checkout_probe.probe.correlation import Correlation, correlate
from checkout_probe.probe.db_lock import locked
from checkout_probe.probe.history_migrations import reading_problem, upgrade
from checkout_probe.probe.history_schema import (
    AlertStateRow,
    FailureRow,
    RoundRecord,
    RoundRow,
    step_percentiles,
    to_record,
)
from checkout_probe.probe.model import Round
from checkout_probe.probe.render import render_html, render_table
from checkout_probe.probe.stats import FAILING, Verdict

__all__ = [
    "Correlation",
    "HistoryStore",
    "PruneResult",
    "RoundRecord",
    "SavedAlertState",
    "Turn",
    "render_html",
    "render_table",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedAlertState:
    """An environment's saved alert state (``AlertState.to_dict()`` form) and its version."""

    data: dict[str, Any] | None
    version: int


@dataclass(frozen=True)
class PruneResult:
    """What :meth:`HistoryStore.prune` removed; ``evidence`` are the deleted rows' files."""

    rounds: int
    evidence: list[str] = field(default_factory=list)


class HistoryStore:
    """Probe rounds in a database; ``url`` is any SQLAlchemy URL.

    ``create_tables=True`` creates the tables, or upgrades an older schema
    (:mod:`~checkout_probe.probe.history_migrations`). ``create_tables=False`` opens
    it read-only in spirit: nothing is created or migrated, so a reader
    (``checkout-probe history``) never writes to a shared database; check
    :meth:`reading_problem` before reading.
    """

    def __init__(
        self,
        url: str = "sqlite:///checkout-probe-history.sqlite",
        *,
        create_tables: bool = True,
        **engine_kw: Any,
    ):
        self.engine = create_engine(url, **engine_kw)
        self.shown = make_url(url).render_as_string(hide_password=True)
        if create_tables:
            upgrade(self.engine, self.shown)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def reading_problem(self) -> str | None:
        """Why this release cannot read the database (no tables, another schema), or None."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table(RoundRow.__tablename__):
                return "no probe tables"
            return reading_problem(connection, self.shown)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def add(self, round_: Round, verdict: Verdict) -> int:
        """Store a round and its failed checkouts; returns the round id."""
        with self._session.begin() as session:
            return _add(session, round_, verdict)

    def recent(self, env: str, limit: int = 100) -> list[RoundRecord]:
        """The last ``limit`` rounds of ``env``, oldest first."""
        with self._session() as session:
            return _recent(session, env, limit)

    @contextmanager
    def turn(self, env: str) -> Iterator[Turn]:
        """One probe's turn at judging a round of ``env``: probes sharing the history wait.

        Reading the window and the alert state, storing the round and advancing the
        state happen in one transaction holding ``env``'s lock
        (:func:`~checkout_probe.probe.db_lock.locked`), so of probes judging at the
        same moment each sees the rounds and the state the previous one left, and a
        change is sent once.
        """
        with (
            self.engine.connect() as connection,
            locked(connection, f"alerts {env}"),
            # Joins the locked transaction; locked() commits it.
            Session(bind=connection, expire_on_commit=False) as session,
        ):
            yield Turn(session, env)
            session.flush()

    def envs(self) -> list[str]:
        """The environments that have rounds, sorted."""
        with self._session() as session:
            return sorted(session.scalars(select(RoundRow.env).distinct()))

    def count(self, env: str) -> int:
        """How many rounds of ``env`` are stored."""
        query = select(func.count()).select_from(RoundRow).where(RoundRow.env == env)
        with self._session() as session:
            return int(session.scalar(query) or 0)

    def latest_with_failures(self, env: str) -> RoundRecord | None:
        """The newest round of ``env`` in which at least one checkout failed."""
        query = (
            select(RoundRow)
            .where(RoundRow.env == env, RoundRow.failures > 0)
            .order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
            .limit(1)
        )
        with self._session() as session:
            row = session.scalars(query).first()
            return to_record(row) if row is not None else None

    def failures(self, round_id: int) -> list[dict[str, Any]]:
        """The failed checkouts of one round: category, failing_step, message, evidence."""
        query = select(FailureRow).where(FailureRow.round_id == round_id)
        with self._session() as session:
            return [
                {
                    "category": f.category,
                    "journey": f.journey,
                    "failing_step": f.failing_step,
                    "message": f.message,
                    "evidence": list(f.evidence),
                }
                for f in session.scalars(query.order_by(FailureRow.id))
            ]

    def checkout_totals(self, env: str) -> dict[tuple[str, str, str], int]:
        """``{(journey, outcome, category): count}`` over stored rounds (``preload_checkouts``).

        Rounds stored before journeys were recorded count under the journey ``unknown``.
        """
        totals: dict[tuple[str, str, str], int] = {}

        def add(key: tuple[str, str, str], count: int) -> None:
            totals[key] = totals.get(key, 0) + count

        query = select(
            RoundRow.k, RoundRow.failures, RoundRow.failures_by_category, RoundRow.by_journey
        ).where(RoundRow.env == env)
        with self._session() as session:
            for k, failures, by_category, by_journey in session.execute(query):
                journeys = by_journey or {
                    "unknown": {"checkouts": k, "failures": failures, "categories": by_category}
                }
                for journey, counts in journeys.items():
                    add((journey, "passed", "none"), counts["checkouts"] - counts["failures"])
                    for category, count in counts["categories"].items():
                        add((journey, "failed", category), count)
        return totals

    def deploy_correlation(self, env: str) -> Correlation:
        """When the current failing streak started, on which version, and the last healthy one."""
        with self._session() as session:
            return correlate(self._newest_first(session, env), failing=FAILING)

    def read_alert_state(self, env: str) -> SavedAlertState:
        """The alert state last saved for ``env`` and its version (``None``, 0: never saved)."""
        with self._session() as session:
            return _saved_alert_state(session, env)

    def advance_alert_state(self, env: str, seen: int, state: dict[str, Any]) -> bool:
        """Store ``state`` for ``env`` if it is still at version ``seen``; True if it was.

        A compare-and-set, so it works alike on SQLite and PostgreSQL: of probes that
        read the same version, exactly one advances it (and sends the alert); the
        others get False and read the state again.
        """
        values = {"data": dict(state), "updated_at": datetime.now(UTC), "version": seen + 1}
        if seen == 0:
            try:
                with self._session.begin() as session:
                    session.add(AlertStateRow(env=env, **values))
                return True
            except IntegrityError:
                return False  # another probe saved the first state in between
        change = (
            update(AlertStateRow)
            .where(AlertStateRow.env == env, AlertStateRow.version == seen)
            .values(**values)
        )
        with self._session.begin() as session:
            # Core execution on the session's connection: its result has the rowcount.
            return bool(session.connection().execute(change).rowcount)

    @staticmethod
    def _newest_first(session: Session, env: str) -> Iterator[RoundRow]:
        query = (
            select(RoundRow)
            .where(RoundRow.env == env)
            .order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
        )
        # Streamed in batches: correlation usually stops after a few rows.
        yield from session.scalars(query.execution_options(yield_per=200))

    def _envs(self, session: Session, env: str | None) -> list[str]:
        if env is not None:
            return [env]
        return list(session.scalars(select(RoundRow.env).distinct()))

    def prune(self, keep_rounds: int, env: str | None = None) -> PruneResult:
        """Keep the newest ``keep_rounds`` rounds per environment; delete older ones.

        Their failure rows go too; the evidence paths they listed are returned
        so the caller can delete the files (nothing on disk is touched here).
        """
        deleted = 0
        evidence: list[str] = []
        with self._session.begin() as session:
            for name in self._envs(session, env):
                old = select(RoundRow).where(RoundRow.env == name)
                old = old.order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
                for row in session.scalars(old.offset(max(0, keep_rounds))).all():
                    evidence.extend(p for f in row.failed for p in f.evidence)
                    session.delete(row)  # the relationship cascade deletes its failures
                    deleted += 1
        return PruneResult(deleted, evidence)

    def _old_failing(self, session: Session, keep: int, env: str | None) -> list[FailureRow]:
        rows: list[FailureRow] = []
        for name in self._envs(session, env):
            query = (
                select(RoundRow)
                .where(RoundRow.env == name, RoundRow.failures > 0)
                .order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
                .offset(max(0, keep))
            )
            rows.extend(f for r in session.scalars(query).all() for f in r.failed if f.evidence)
        return rows

    def evidence_to_delete(self, keep_failing_rounds: int, env: str | None = None) -> list[str]:
        """Evidence paths of rounds with failures older than the newest ``keep_failing_rounds``."""
        with self._session() as session:
            return [
                p for f in self._old_failing(session, keep_failing_rounds, env) for p in f.evidence
            ]

    def prune_evidence(self, keep_failing_rounds: int, env: str | None = None) -> list[str]:
        """Delete the files :meth:`evidence_to_delete` lists and forget them in the database.

        Missing files count as deleted. A path that cannot be removed (a
        directory, no permission) is logged and kept in the database so a later
        run can retry. Returns the paths now gone.
        """
        gone: list[str] = []
        with self._session.begin() as session:
            for failure in self._old_failing(session, keep_failing_rounds, env):
                kept: list[str] = []
                for path in failure.evidence:
                    try:
                        Path(path).unlink(missing_ok=True)
                    except OSError as exc:
                        log.warning("cannot delete evidence %s: %s", path, exc)
                        kept.append(path)
                    else:
                        gone.append(path)
                failure.evidence = kept
        return gone


class Turn:
    """What a probe does inside its turn (:meth:`HistoryStore.turn`)."""

    def __init__(self, session: Session, env: str) -> None:
        self._session = session
        self.env = env

    def recent(self, limit: int) -> list[RoundRecord]:
        """The last ``limit`` rounds of the environment, oldest first."""
        return _recent(self._session, self.env, limit) if limit > 0 else []

    def alert_state(self) -> SavedAlertState:
        """The environment's alert state as the previous turn left it."""
        return _saved_alert_state(self._session, self.env)

    def add(self, round_: Round, verdict: Verdict) -> int:
        """Store the round; returns its id."""
        return _add(self._session, round_, verdict)

    def save_alert_state(self, state: dict[str, Any]) -> None:
        """Replace the environment's alert state (its version goes up by one)."""
        row = self._session.get(AlertStateRow, self.env)
        now = datetime.now(UTC)
        if row is None:
            row = AlertStateRow(env=self.env, data=dict(state), updated_at=now, version=1)
            self._session.add(row)
        else:
            row.data, row.updated_at, row.version = dict(state), now, row.version + 1


def _saved_alert_state(session: Session, env: str) -> SavedAlertState:
    row = session.get(AlertStateRow, env)
    return SavedAlertState(dict(row.data), row.version) if row else SavedAlertState(None, 0)


def _recent(session: Session, env: str, limit: int) -> list[RoundRecord]:
    query = (
        select(RoundRow)
        .where(RoundRow.env == env)
        .order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
        .limit(limit)
    )
    return [to_record(row) for row in reversed(session.scalars(query).all())]


def _add(session: Session, round_: Round, verdict: Verdict) -> int:
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
        verdict=verdict.state,
        by_journey=round_.by_journey(),
        cleanup_failures=round_.cleanup_failures,
        failed=[
            FailureRow(
                category=r.category,
                journey=r.journey,
                failing_step=r.failing_step,
                message=r.message,
                evidence=list(r.evidence),
            )
            for r in round_.failed_results
        ],
    )
    session.add(row)
    session.flush()
    return row.id
