"""The probe's failed checkouts' evidence, published to the evidence store (``--evidence-store``).

A failed checkout's folder (``<evidence-dir>/<env>/<round>/checkout-N``) is handed to the
:class:`~checkout_probe.evidence.publisher.EvidencePublisher`, which uploads it in the
background under the same relative key; its links replace nothing and come first in the
checkout's evidence (the history, the alerts and the history page show links before local
paths), a link that opens the trace in Playwright's trace viewer first of all. The verdict
and the alert never wait for an upload; a failed upload is recorded and retried (the
publisher's ledger), and the round line says so once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from checkout_probe.evidence.publisher import EvidencePublisher, PublishStatus
from checkout_probe.evidence.store import EvidenceStore, reading_order
from checkout_probe.probe.model import CheckoutResult


class PublishedEvidence:
    """One probe's publisher, and the folder its keys are relative to."""

    def __init__(self, store: EvidenceStore, evidence_dir: Path) -> None:
        self.store = store
        self.evidence_dir = evidence_dir
        self.publisher = EvidencePublisher(store, evidence_dir)
        self._said: PublishStatus | None = None

    def publish(self, result: CheckoutResult) -> CheckoutResult:
        """``result`` with its evidence's links first (uploads go on in the background)."""
        local = [Path(p) for p in result.evidence if "://" not in p]
        if not local:
            return result
        folder = local[0].parent
        try:
            key = folder.resolve().relative_to(self.evidence_dir.resolve()).as_posix()
        except ValueError:
            return result  # not under the evidence folder: nothing to publish it as
        links = self.publisher.publish(folder, key)
        if not links:
            return result  # no links could be made: said by the status line
        return replace(result, evidence=[*reading_order(links), *result.evidence])

    def forget(self, deleted: Iterable[str]) -> None:
        """Local retention deleted these files: their checkouts' objects go too."""
        prefixes = set()
        for path in deleted:
            try:
                folder = Path(path).parent.resolve().relative_to(self.evidence_dir.resolve())
            except ValueError:
                continue
            prefixes.add(folder.as_posix())
        for prefix in sorted(prefixes):
            self.publisher.delete(prefix)

    def news(self) -> str | None:
        """One line when uploads failed since the last call (pending, lost), else None."""
        status = self.publisher.status()
        said, self._said = self._said, status
        failed, lost = (said.failed_attempts, said.lost) if said else (0, 0)
        return status.line() if status.failed_attempts > failed or status.lost > lost else None

    def close(self, timeout_s: float = 30.0) -> str:
        """Wait (bounded) for the uploads still running; what became of them, in one line."""
        status = self.publisher.drain(timeout_s)
        self.publisher.close()
        return status.line()
