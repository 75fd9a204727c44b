"""Round history in any SQLAlchemy database (a SQLite file by default).

Three tables (see :mod:`checkout_probe.probe.history_schema`): ``probe_rounds``,
one row per round with its verdict, ``probe_failures``, one row per failed
checkout with its evidence paths, and ``probe_alert_state``, the alert machine's
state per environment (so ``--once`` runs sharing one database carry it over).
Retention is explicit: :attr:`HistoryStore.retention`
(:mod:`~checkout_probe.probe.history_retention`) bounds rows and artifact files on disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, create_engine, func, inspect, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from checkout_probe.basics.redact import mask_url
from checkout_probe.probe.correlation import Correlation, RoundLike, correlate
from checkout_probe.probe.db_lock import locked
from checkout_probe.probe.history_batches import envs
from checkout_probe.probe.history_buckets import Chart, chart_rounds
from checkout_probe.probe.history_migrations import reading_problem, upgrade
from checkout_probe.probe.history_retention import Retention
from checkout_probe.probe.history_rows import (
    FailedCheckout,
    SavedAlertState,
    Turn,
    add_round,
    failed_checkouts,
    recent_rounds,
    saved_alert_state,
)
from checkout_probe.probe.history_schema import (
    FailureRow,
    RoundRecord,
    RoundRow,
    to_record,
)
from checkout_probe.probe.model import UNKNOWN_DEVICE, Round
from checkout_probe.probe.render import render_table
from checkout_probe.probe.render_html import render_html
from checkout_probe.probe.stats import FAILING, Verdict

#: Rounds the correlation reads at a time, newest first.
PAGE = 1000

__all__ = [
    "Correlation",
    "FailedCheckout",
    "HistoryStore",
    "RoundRecord",
    "SavedAlertState",
    "Turn",
    "render_html",
    "render_table",
]


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
        # A long-running probe keeps pooled connections across rounds: after a database
        # restart or failover they are dead, so each is checked (and replaced) before use.
        engine_kw.setdefault("pool_pre_ping", True)
        self.engine = create_engine(url, **engine_kw)
        self.shown = mask_url(url)
        if create_tables:
            upgrade(self.engine, self.shown)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        #: What is kept, and for how long: rounds and their evidence files.
        self.retention = Retention(self._session)

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
            return add_round(session, round_, verdict)

    def recent(self, env: str, limit: int = 100) -> list[RoundRecord]:
        """The last ``limit`` rounds of ``env``, oldest first."""
        with self._session() as session:
            return recent_rounds(session, env, limit)

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
            return envs(session)

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
                    "device": f.device,
                    "failing_step": f.failing_step,
                    "message": f.message,
                    "evidence": list(f.evidence),
                    "trace_id": f.trace_id,
                }
                for f in session.scalars(query.order_by(FailureRow.id))
            ]

    def failed_checkouts(self, env: str, since: datetime, limit: int) -> list[FailedCheckout]:
        """The newest ``limit`` failed checkouts of ``env``'s rounds started at ``since`` or
        later: the newest round's first, in run order within a round."""
        with self._session() as session:
            return failed_checkouts(session, env, since, limit)

    def checkout_totals(self, env: str) -> dict[tuple[str, str, str, str], int]:
        """``{(journey, device, outcome, category): count}`` over stored rounds
        (``preload_checkouts``).

        Rounds stored before journeys or devices were recorded count under ``unknown``.
        """
        totals: dict[tuple[str, str, str, str], int] = {}

        def add(key: tuple[str, str, str, str], count: int) -> None:
            totals[key] = totals.get(key, 0) + count

        # A year is millions of rows, nearly all alike (every checkout passed): the database
        # counts equal ones (by their stored JSON text), and each distinct one is parsed once.
        categories, journeys = (
            cast(RoundRow.failures_by_category, Text),
            cast(RoundRow.by_journey, Text),
        )
        query = (
            select(RoundRow.k, RoundRow.failures, categories, journeys, func.count())
            .where(RoundRow.env == env)
            .group_by(RoundRow.k, RoundRow.failures, categories, journeys)
        )
        with self._session() as session:
            for k, failures, by_category, by_journey, rounds in session.execute(query):
                of_journeys = json.loads(by_journey) if by_journey else None
                of_journeys = of_journeys or {"unknown": {
                    "checkouts": k, "failures": failures, "categories": json.loads(by_category)
                }}  # fmt: skip
                for journey, of_journey in of_journeys.items():
                    devices = of_journey.get("devices") or {UNKNOWN_DEVICE: of_journey}
                    for device, counts in devices.items():
                        passed = counts["checkouts"] - counts["failures"]
                        add((journey, device, "passed", "none"), passed * rounds)
                        for category, count in counts["categories"].items():
                            add((journey, device, "failed", category), count * rounds)
        return totals

    def chart(self, env: str, since: datetime, until: datetime) -> Chart:
        """``env``'s rounds from ``since`` to ``until`` for the page's chart: each round, or
        one point per time bucket when they are more than the chart has points for."""
        with self._session() as session:
            return chart_rounds(session, env, since, until)

    def start_of(self, env: str, rounds: int | None = None) -> datetime | None:
        """When the oldest of ``env``'s newest ``rounds`` rounds started (all of them if None;
        None: no rounds)."""
        query = (
            select(RoundRow.started_at)
            .where(RoundRow.env == env)
            .order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
        )
        oldest = select(func.min(RoundRow.started_at)).where(RoundRow.env == env)
        with self._session() as session:
            found = None
            if rounds is not None:
                found = session.scalars(query.offset(max(0, rounds - 1)).limit(1)).first()
            return found or session.scalar(oldest)

    def deploy_correlation(self, env: str) -> Correlation:
        """When the current failing streak started, on which version, and the last healthy one."""
        with self._session() as session:
            return correlate(self._newest_first(session, env), failing=FAILING)

    def read_alert_state(self, env: str) -> SavedAlertState:
        """The alert state last saved for ``env`` and its version (``None``, 0: never saved)."""
        with self._session() as session:
            return saved_alert_state(session, env)

    @staticmethod
    def _newest_first(session: Session, env: str) -> Iterator[RoundLike]:
        # Pages of the index, newest first: correlation usually stops after a few rows, but
        # looking for the last failing round it may walk days of healthy ones. One query
        # without LIMIT would let PostgreSQL plan for reading (and sorting) them all; whole
        # rows would parse every round's JSON: only the four columns it reads are fetched.
        query = (
            select(RoundRow.started_at, RoundRow.shop_version, RoundRow.failures,
                   RoundRow.verdict, RoundRow.id)
            .where(RoundRow.env == env)
            .order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
            .limit(PAGE)
        )  # fmt: skip
        page = session.execute(query).all()
        while page:
            yield from page
            last = tuple_(page[-1].started_at, page[-1].id)
            older = tuple_(RoundRow.started_at, RoundRow.id) < last
            page = session.execute(query.where(older)).all() if len(page) == PAGE else []
