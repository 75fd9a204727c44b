"""Retention's reads and deletes in bounded batches, each its own short transaction.

Probes sharing the history wait for whoever writes (SQLite's one write lock; PostgreSQL's row
locks): deleting a thousand old rounds in one transaction, a row at a time, held it for
seconds. Here the rows go by bulk ``DELETE … WHERE id IN (…)`` of at most :data:`BATCH`
rounds per transaction, and old rounds are found by the keyset of ``(started_at, id)`` on the
``(env, started_at, id)`` index, never by an ``OFFSET`` over all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, text, tuple_, update
from sqlalchemy.orm import Session, sessionmaker

from checkout_probe.probe.history_schema import LISTED, FailureRow, RoundRow

#: Rounds (or failure rows) per transaction: a few milliseconds of lock, far under a second.
BATCH = 500
Cutoff = tuple[datetime, int]


def envs(session: Session, env: str | None = None) -> list[str]:
    """``[env]``, or every environment that has rounds, sorted."""
    if env is not None:
        return [env]
    # A loose index scan: one lookup per environment on the index that starts with env,
    # where DISTINCT would read millions of rounds to find two names.
    found = select(func.min(RoundRow.env).label("env")).cte("envs", recursive=True)
    after = select(func.min(RoundRow.env)).where(RoundRow.env > found.c.env).scalar_subquery()
    found = found.union_all(select(after).where(found.c.env.is_not(None)))
    return [e for e in session.scalars(select(found.c.env)) if e is not None]


def cutoff(session: Session, env: str, keep: int, *, failing: bool = False) -> Cutoff | None:
    """``(started_at, id)`` of ``env``'s ``keep``-th newest round (with failures, if
    ``failing``): what is older goes. None when it has no more than ``keep``."""
    query = select(RoundRow.started_at, RoundRow.id).where(RoundRow.env == env)
    if failing:
        query = query.where(RoundRow.failures > 0)
    query = query.order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
    row = session.execute(query.offset(keep - 1).limit(1)).first() if keep > 0 else None
    if keep > 0 and row is None:
        return None
    return (row[0], row[1]) if row is not None else (datetime.max, 0)


def older(env: str, before: Cutoff) -> ColumnElement[bool]:
    """``env``'s rounds older than ``before`` (all of them for ``datetime.max``)."""
    if before[0] == datetime.max:
        return RoundRow.env == env
    return (RoundRow.env == env) & (tuple_(RoundRow.started_at, RoundRow.id) < tuple_(*before))


def delete_batches(sessions: sessionmaker[Session], where: ColumnElement[bool]) -> Iterator[
    tuple[int, list[str]]
]:  # fmt: skip
    """Delete the rounds ``where`` selects, oldest first, :data:`BATCH` per transaction;
    yields per batch how many went and the evidence paths their failures listed."""
    while True:
        with sessions.begin() as session:
            ids = session.scalars(
                select(RoundRow.id).where(where)
                .order_by(RoundRow.started_at, RoundRow.id).limit(BATCH)
            ).all()  # fmt: skip
            if not ids:
                return
            # The paths first: once the rows are gone nothing names the files.
            listed = session.scalars(
                select(FailureRow.evidence).where(FailureRow.round_id.in_(ids))
            )
            evidence = [path for paths in listed for path in paths]
            session.execute(delete(FailureRow).where(FailureRow.round_id.in_(ids)))
            session.execute(delete(RoundRow).where(RoundRow.id.in_(ids)))
        yield len(ids), evidence


def with_evidence(session: Session, env: str, before: Cutoff) -> Iterator[
    tuple[int, list[str], datetime, int]
]:  # fmt: skip
    """``(failure id, evidence, round start, round id)`` of ``env``'s failing rounds older
    than ``before`` that still list evidence (reads only: no write lock)."""
    # Found through the partial index of failures still listing evidence (revision 0007):
    # once retention runs after each round those are the few newly old ones and the files
    # that could not be deleted, whatever the history's size. The condition is written as
    # the index's is: a planner only uses a partial index for a condition it recognises.
    listed = select(FailureRow.id, FailureRow.round_id, FailureRow.evidence).where(text(LISTED))
    found = session.execute(listed).all()
    for start in range(0, len(found), BATCH):
        chunk = found[start : start + BATCH]
        of_rounds = select(RoundRow.id, RoundRow.started_at).where(
            RoundRow.id.in_({f.round_id for f in chunk}), older(env, before), RoundRow.failures > 0
        )
        old = {rid: at for rid, at in session.execute(of_rounds)}
        for fid, rid, paths in chunk:
            if rid in old:
                yield fid, list(paths), old[rid], rid


def forget(sessions: sessionmaker[Session], kept: dict[int, list[str]]) -> None:
    """Store what each failure still lists (paths that could not be deleted), one transaction."""
    if kept:
        with sessions.begin() as session:
            session.execute(update(FailureRow), [{"id": i, "evidence": e} for i, e in kept.items()])
