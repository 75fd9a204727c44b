"""How long the probe's history keeps what it stored: rounds (rows) and their evidence
(files on disk). Nothing here runs unless asked: the probe prunes after each round, with
``--keep-rounds`` and ``--keep-evidence``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from checkout_probe.probe.history_batches import (
    BATCH,
    cutoff,
    delete_batches,
    envs,
    forget,
    older,
    with_evidence,
)

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
        so the caller can delete the files (nothing on disk is touched here). Rows go in
        batches of :data:`~checkout_probe.probe.history_batches.BATCH` rounds, each batch its
        own transaction, so probes sharing the history never wait long for its lock.
        """
        deleted = 0
        evidence: list[str] = []
        with self._session() as session:
            names = envs(session, env)
        for name in names:
            with self._session() as session:
                before = cutoff(session, name, keep_rounds)
            if before is None:
                continue
            for count, paths in delete_batches(self._session, older(name, before)):
                deleted += count
                evidence.extend(paths)
        return PruneResult(deleted, evidence)

    def evidence_to_delete(self, keep_failing_rounds: int, env: str | None = None) -> list[str]:
        """Evidence paths of rounds with failures older than the newest ``keep_failing_rounds``."""
        return [p for batch in self._old_failing(keep_failing_rounds, env) for _, ps in batch
                for p in ps]  # fmt: skip

    def prune_evidence(
        self, keep_failing_rounds: int, env: str | None = None, root: Path | None = None
    ) -> list[str]:
        """Delete the files :meth:`evidence_to_delete` lists and forget them in the database.

        Missing files count as deleted. A path that cannot be removed (a
        directory, no permission) is logged and kept in the database so a later
        run can retry. With ``root`` (the evidence folder), a path outside it is never
        deleted: it is refused, logged, and forgotten. Returns the paths now gone.
        Read and forgotten in batches, each its own short transaction.
        """
        gone: list[str] = []
        for batch in self._old_failing(keep_failing_rounds, env):
            kept: dict[int, list[str]] = {}
            for failure_id, paths in batch:
                kept[failure_id] = []
                for path in paths:
                    (gone if _delete(path, root) else kept[failure_id]).append(path)
            forget(self._session, kept)
        return gone

    def _old_failing(self, keep: int, env: str | None) -> Iterator[list[tuple[int, list[str]]]]:
        """Batches of ``(failure id, evidence)`` of the failing rounds older than the newest
        ``keep`` that still list evidence; within an environment, newest round first."""
        with self._session() as session:
            names = envs(session, env)
        for name in names:
            with self._session() as session:
                before = cutoff(session, name, keep, failing=True)
                rows = list(with_evidence(session, name, before)) if before else []
            # Still listing evidence is rare once retention runs after every round: the rows
            # left are the newly old ones and the files that could not be deleted.
            rows.sort(key=lambda r: (r[2], r[3], -r[0]), reverse=True)
            for start in range(0, len(rows), BATCH):
                yield [(fid, paths) for fid, paths, _, _ in rows[start : start + BATCH]]


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
