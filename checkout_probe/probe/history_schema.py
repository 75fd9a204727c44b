"""Tables of the round history and the plain records read back from them.

The schema's revisions (and upgrades of older databases) are in
:mod:`checkout_probe.probe.history_migrations`; a change here needs a new revision there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from checkout_probe.probe.model import Round
from checkout_probe.settings.baseline import percentile


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC without a zone (SQLite has none) and hands back tz-aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("history needs tz-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    """Declarative base of the history tables (its own metadata)."""


class RoundRow(Base):
    """One probe round."""

    __tablename__ = "probe_rounds"
    # An environment's rounds in start order (revision 0007): every query of one
    # environment reads its newest rounds, and must not sort all of them to find those. The
    # figures after id are what the page sums over a period: read from here, not every row.
    __table_args__ = (
        Index("ix_probe_rounds_env_started", "env", "started_at", "id", "k", "failures", "rate",
              "verdict"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    env: Mapped[str] = mapped_column(String(100))
    shop_version: Mapped[str | None] = mapped_column(String(100))
    k: Mapped[int]
    failures: Mapped[int]
    failures_by_category: Mapped[dict[str, int]] = mapped_column(JSON)
    rate: Mapped[float]
    low: Mapped[float]
    high: Mapped[float]
    step_p50: Mapped[dict[str, float]] = mapped_column(JSON)
    step_p95: Mapped[dict[str, float]] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(16))
    #: ``Round.by_journey()``: checkouts, failures and categories per journey (None: older rows).
    by_journey: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: What the round created and could not remove ("order 1042: …").
    cleanup_failures: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    #: ``{step: {metric: p75}}`` of the round's web vitals (None: older rows).
    vitals_p75: Mapped[dict[str, dict[str, float]] | None] = mapped_column(JSON, nullable=True)
    #: ``{step: {impact: violations}}`` of the round's accessibility (None: older rows).
    a11y_counts: Mapped[dict[str, dict[str, int]] | None] = mapped_column(JSON, nullable=True)
    failed: Mapped[list[FailureRow]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )


#: A failure whose evidence is not yet forgotten (retention stores a forgotten list as "[]").
LISTED = "CAST(evidence AS VARCHAR) != '[]'"


class FailureRow(Base):
    """One failed checkout of a round."""

    __tablename__ = "probe_failures"
    # The failures still listing evidence (revision 0007): what retention's evidence pass
    # reads after every round, a handful among a year's, found without reading the others.
    __table_args__ = (
        Index("ix_probe_failures_listed", "round_id", sqlite_where=text(LISTED),
              postgresql_where=text(LISTED)),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("probe_rounds.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str | None] = mapped_column(String(64))
    journey: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: The device it ran on (None: rows from before devices were kept).
    device: Mapped[str | None] = mapped_column(String(200), nullable=True)
    failing_step: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON)
    #: The failed checkout's W3C trace id (None: rows from before it was kept).
    trace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    round: Mapped[RoundRow] = relationship(back_populates="failed")


class AlertStateRow(Base):
    """The alert machine's state of one environment, so ``--once`` runs carry it over."""

    __tablename__ = "probe_alert_state"

    env: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # ``AlertState.to_dict()``
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Bumped by every change: a probe advances the state only from the version it read.
    version: Mapped[int] = mapped_column(default=0, server_default="0")


@dataclass(frozen=True)
class RoundRecord:
    """A stored round (the window verdict's rate and interval, not just this round's)."""

    id: int
    started_at: datetime
    finished_at: datetime
    env: str
    shop_version: str | None
    k: int
    failures: int
    failures_by_category: dict[str, int]
    rate: float
    low: float
    high: float
    step_p50: dict[str, float]
    step_p95: dict[str, float]
    verdict: str
    by_journey: dict[str, Any] = field(default_factory=dict)
    cleanup_failures: list[str] = field(default_factory=list)
    #: ``{step: {metric: p75}}`` of the round's web vitals ({} for older rows).
    vitals_p75: dict[str, dict[str, float]] = field(default_factory=dict)
    #: ``{step: {impact: violations}}``, the most one checkout saw ({} for older rows).
    a11y_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def top_category(self) -> str | None:
        """The most common failure category of the round, if any failed."""
        cats = self.failures_by_category
        return max(cats, key=lambda c: cats[c]) if cats else None


def step_percentiles(round_: Round, q: float) -> dict[str, float]:
    """``{step: q-th percentile of its durations}`` over the round's checkouts."""
    per_step: dict[str, list[float]] = {}
    for result in round_.results:
        for step, seconds in result.step_durations.items():
            per_step.setdefault(step, []).append(seconds)
    return {step: percentile(values, q) for step, values in per_step.items()}


def vital_percentiles(round_: Round, q: float) -> dict[str, dict[str, float]]:
    """``{step: {metric: q-th percentile}}`` of the web vitals of the round's checkouts."""
    per_step: dict[str, dict[str, list[float]]] = {}
    for result in round_.results:
        for step, values in result.step_vitals.items():
            for metric, value in values.items():
                per_step.setdefault(step, {}).setdefault(metric, []).append(value)
    return {
        step: {metric: percentile(values, q) for metric, values in metrics.items()}
        for step, metrics in per_step.items()
    }


def to_record(row: RoundRow) -> RoundRecord:
    """A detached, immutable copy of a round row."""
    return RoundRecord(
        row.id,
        row.started_at,
        row.finished_at,
        row.env,
        row.shop_version,
        row.k,
        row.failures,
        dict(row.failures_by_category),
        row.rate,
        row.low,
        row.high,
        dict(row.step_p50),
        dict(row.step_p95),
        row.verdict,
        dict(row.by_journey or {}),
        list(row.cleanup_failures or []),
        {step: dict(values) for step, values in (row.vitals_p75 or {}).items()},
        {step: dict(counts) for step, counts in (row.a11y_counts or {}).items()},
    )
