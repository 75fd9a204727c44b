"""How long the probe's history keeps what it stored: rounds (rows) and their evidence
(files on disk). Nothing here runs unless asked: the probe prunes after each round, with
``--keep-rounds`` and ``--keep-evidence``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from checkout_probe.probe.history_schema import FailureRow, RoundRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PruneResult:
    """What :meth:`Retention.prune` removed; ``evidence`` are the deleted rows' files."""

    rounds: int
    evidence: list[str] = field(default_factory=list)


class Retention:
    """Retention of one history database (``HistoryStore.retention``)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._session = sessions

    def apply(self, env: str, keep_rounds: int, keep_failing_rounds: int,
              evidence_dir: Path) -> list[str]:  # fmt: skip
        """After a round: keep ``keep_rounds`` rounds of ``env`` and the evidence of its newest
        ``keep_failing_rounds`` failing ones; delete the rest, files and emptied folders.
        Returns what is gone (local paths, and links the caller may delete where they lead)."""
        # A pruned round's files go with its row (prune leaves them on disk): else a round
        # older than --keep-rounds but among the --keep-evidence newest failing ones leaks.
        pruned = [p for p in self.prune(keep_rounds, env).evidence if _delete(p, evidence_dir)]
        gone = pruned + self.prune_evidence(keep_failing_rounds, env, evidence_dir)
        for path in gone:
            if not _is_link(path):
                _remove_empty_parents(Path(path), evidence_dir)
        return gone

    def prune(self, keep_rounds: int, env: str | None = None) -> PruneResult:
        """Keep the newest ``keep_rounds`` rounds per environment; delete older ones.

        Their failure rows go too; the evidence paths they listed are returned
        so the caller can delete the files (nothing on disk is touched here).
        """
        deleted = 0
        evidence: list[str] = []
        with self._session.begin() as session:
            for name in _envs(session, env):
                old = select(RoundRow).where(RoundRow.env == name)
                old = old.order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
                for row in session.scalars(old.offset(max(0, keep_rounds))).all():
                    evidence.extend(p for f in row.failed for p in f.evidence)
                    session.delete(row)  # the relationship cascade deletes its failures
                    deleted += 1
        return PruneResult(deleted, evidence)

    def evidence_to_delete(self, keep_failing_rounds: int, env: str | None = None) -> list[str]:
        """Evidence paths of rounds with failures older than the newest ``keep_failing_rounds``."""
        with self._session() as session:
            return [p for f in _old_failing(session, keep_failing_rounds, env) for p in f.evidence]

    def prune_evidence(
        self, keep_failing_rounds: int, env: str | None = None, root: Path | None = None
    ) -> list[str]:
        """Delete the files :meth:`evidence_to_delete` lists and forget them in the database.

        Missing files count as deleted. A path that cannot be removed (a
        directory, no permission) is logged and kept in the database so a later
        run can retry. With ``root`` (the evidence folder), a path outside it is never
        deleted: it is refused, logged, and forgotten. Returns the paths now gone.
        """
        gone: list[str] = []
        with self._session.begin() as session:
            for failure in _old_failing(session, keep_failing_rounds, env):
                kept: list[str] = []
                for path in failure.evidence:
                    (gone if _delete(path, root) else kept).append(path)
                failure.evidence = kept
        return gone


def _delete(path: str, root: Path | None = None) -> bool:
    """Delete one evidence file; a missing one counts as deleted, a failure is logged.

    Whoever can write the shared history could list any file there: with ``root``, only a
    file under it (resolved, links followed) is deleted; any other path is refused. A link
    (the evidence store's) is only forgotten here: the probe deletes where it leads.
    """
    if _is_link(path):
        return True
    if root is not None:
        resolved, under = Path(path).resolve(), root.resolve()
        if under not in resolved.parents:
            log.warning("refusing to delete %s: it is outside the evidence folder %s", path, under)
            return True  # forgotten, never deleted: the history stops listing it
    try:
        Path(path).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot delete evidence %s: %s", path, exc)
        return False
    return True


def _is_link(evidence: str) -> bool:
    return "://" in evidence


def _envs(session: Session, env: str | None) -> list[str]:
    if env is not None:
        return [env]
    return list(session.scalars(select(RoundRow.env).distinct()))


def _old_failing(session: Session, keep: int, env: str | None) -> list[FailureRow]:
    rows: list[FailureRow] = []
    for name in _envs(session, env):
        query = (
            select(RoundRow)
            .where(RoundRow.env == name, RoundRow.failures > 0)
            .order_by(RoundRow.started_at.desc(), RoundRow.id.desc())
            .offset(max(0, keep))
        )
        rows.extend(f for r in session.scalars(query).all() for f in r.failed if f.evidence)
    return rows


def _remove_empty_parents(path: Path, root: Path) -> None:
    # Evidence folders are per round and per checkout; drop them once emptied.
    folder = path.parent
    root = root.resolve()
    while folder.resolve() != root and root in folder.resolve().parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (other evidence) or already gone
        folder = folder.parent
