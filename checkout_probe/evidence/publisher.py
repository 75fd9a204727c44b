"""Publishing evidence folders to the evidence store in the background.

:meth:`EvidencePublisher.publish` returns the folder's links at once and leaves the
uploading to a background thread: each file gets ``attempts`` tries with backoff, each
try bounded by the store's call deadline, so a slow or dead store never holds a round.
What still failed stays in the ledger (:mod:`checkout_probe.evidence.ledger`) and is
tried again at the next ``publish`` (the next round) and by the next publisher (the next
process). ``drain`` waits, bounded, at the end of a run; ``status`` counts for a log line.

    publisher = EvidencePublisher(EvidenceStore("s3://bucket/evidence"), evidence_dir)
    links = publisher.publish(folder, "staging/20261125T184202Z-1/checkout-1")
    ...
    print(publisher.drain(30).line()); publisher.close()
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from checkout_probe.evidence.ledger import DELETE, PUT, Job, Ledger
from checkout_probe.evidence.store import EvidenceStore, StoreError, clean_key, one_line


@dataclass(frozen=True)
class Attempt:
    """One try at a job, as ``on_attempt`` hears of it (from the background thread)."""

    op: str
    key: str
    ok: bool
    #: Its failure, one line (None when it worked).
    error: str | None


@dataclass(frozen=True)
class PublishStatus:
    """What a publisher has done so far."""

    store: str
    uploaded: int
    #: Uploads and deletions not done yet (they are in the ledger).
    pending: int
    failed_attempts: int
    #: Uploads given up because their local file was gone (retention deleted it).
    lost: int
    last_error: str | None

    def line(self) -> str:
        """One line for the probe's log."""
        text = (
            f"evidence store {self.store}: {self.uploaded} uploaded, {self.pending} pending, "
            f"{self.failed_attempts} failed attempts"
        )
        if self.lost:
            text += f", {self.lost} lost (local file gone)"
        return text + (f"; last error: {self.last_error}" if self.last_error else "")


class EvidencePublisher:
    """Uploads evidence folders to ``store`` from a background thread; its ledger lives in
    ``evidence_dir`` (the probe's ``--evidence-dir``), and what it holds is retried at once.

    ``attempts`` tries per job and pass, waiting ``backoff_s`` between them (the last value
    repeats); ``on_attempt`` hears of every try once the ledger has it, from the background
    thread."""

    def __init__(
        self,
        store: EvidenceStore,
        evidence_dir: Path,
        *,
        attempts: int = 3,
        backoff_s: Sequence[float] = (1.0, 4.0),
        on_attempt: Callable[[Attempt], None] | None = None,
    ) -> None:
        self.store = store
        self.evidence_dir = evidence_dir
        self.attempts = max(1, attempts)
        self.backoff_s = tuple(backoff_s) or (0.0,)
        self.on_attempt = on_attempt
        self.ledger = Ledger(evidence_dir)
        self._lock = threading.Condition()
        self._queue: deque[Job] = deque()
        self._parked: list[Job] = []  # tried ``attempts`` times this pass: next publish/drain
        self._busy: Job | None = None
        self._busy_replaced = False  # a later publish or delete made the job in flight moot
        self._stopping = False
        self._uploaded = self._failed = self._lost = 0
        self._last_error: str | None = None
        try:
            self._queue.extend(self.ledger.load())  # what the last process left
        except OSError as exc:
            self._last_error = f"ledger: {one_line(exc)}"
        self._note(self.ledger.problem)
        self._worker = threading.Thread(target=self._run, name="evidence-publisher", daemon=True)
        self._worker.start()

    def publish(self, folder: Path, key_prefix: str) -> dict[str, str]:
        """Queue every file under ``folder`` (hidden ones excepted) as ``key_prefix/<name>``
        and return at once ``{name: link}`` (names relative to ``folder``, POSIX). The
        links work once the upload is done; empty when the store could not make them
        (``status()`` says why). Also retries what earlier passes left."""
        prefix = clean_key(key_prefix)
        files = {
            path.relative_to(folder).as_posix(): path
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.is_symlink()
            if not any(part.startswith(".") for part in path.relative_to(folder).parts)
        }
        keys = {name: f"{prefix}/{name}" for name in files}
        try:
            signed = self.store.links(keys.values())
            links = {name: signed[key] for name, key in keys.items()}
        except StoreError as exc:
            links = {}
            self._note(str(exc))
        since = Job.now()
        jobs = [
            Job(PUT, keys[name], self._local(path), since=since) for name, path in files.items()
        ]
        idents = {job.ident for job in jobs}
        self._enqueue(jobs, replacing=lambda job: job.ident in idents)
        return links

    def delete(self, key_prefix: str) -> None:
        """Queue the deletion of every object under ``key_prefix`` (a round local retention
        dropped); its uploads not done yet are dropped. Returns at once."""
        prefix = clean_key(key_prefix)

        def under(job: Job) -> bool:
            return job.key == prefix or job.key.startswith(prefix + "/")

        self._enqueue([Job(DELETE, prefix, since=Job.now())], replacing=under)

    def status(self) -> PublishStatus:
        """Counts so far: uploaded, pending, failed attempts, lost, and the last error."""
        with self._lock:
            pending = len(self._queue) + len(self._parked) + (self._busy is not None)
            return PublishStatus(
                self.store.shown, self._uploaded, pending, self._failed, self._lost,
                self._last_error,
            )  # fmt: skip

    def drain(self, timeout_s: float) -> PublishStatus:
        """Give what failed this pass one more pass and wait, ``timeout_s`` at most, until
        nothing is queued; what is left stays in the ledger for the next process."""

        def idle() -> bool:
            return self._stopping or (not self._queue and self._busy is None)

        with self._lock:
            self._queue.extend(self._parked)
            self._parked.clear()
            self._lock.notify_all()
            self._lock.wait_for(idle, timeout_s)
        return self.status()

    def close(self, timeout_s: float = 1.0) -> None:
        """Stop the background thread (waiting ``timeout_s`` at most for a call in flight);
        what is not done stays in the ledger. Call :meth:`drain` first to wait for it."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._worker.join(timeout_s)

    def __enter__(self) -> EvidencePublisher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _local(self, path: Path) -> str:
        try:
            return path.absolute().relative_to(self.evidence_dir.absolute()).as_posix()
        except ValueError:
            return str(path.absolute())

    def _enqueue(self, jobs: list[Job], replacing: Callable[[Job], bool]) -> None:
        """Record ``jobs`` in the ledger and queue them, first, dropping the jobs they replace;
        what earlier passes left goes after them."""

        def record(pending: dict[tuple[str, str], Job]) -> None:
            for ident in [ident for ident, job in pending.items() if replacing(job)]:
                del pending[ident]
            pending.update((job.ident, job) for job in jobs)

        try:
            self.ledger.change(record)
        except OSError as exc:  # a full disk: the jobs are still tried from memory
            self._note(f"ledger: {one_line(exc)}")
        with self._lock:
            kept = [job for job in [*self._queue, *self._parked] if not replacing(job)]
            self._queue = deque([*jobs, *kept])
            self._parked.clear()
            if self._busy is not None and replacing(self._busy):
                self._busy_replaced = True
            self._lock.notify_all()

    def _note(self, error: str | None) -> None:
        if error:
            with self._lock:
                self._last_error = error

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._queue or self._stopping)
                if self._stopping:
                    return
                job = self._busy = self._queue.popleft()
                self._busy_replaced = False
            try:
                done = self._work(job)
            except Exception as exc:  # a bug here must not end the publishing
                self._note(f"{job.key}: {one_line(exc)}")
                done = False
            with self._lock:
                self._busy = None
                if not done and not self._busy_replaced:
                    self._parked.append(job)
                self._lock.notify_all()

    def _work(self, job: Job) -> bool:
        """Try ``job`` up to ``attempts`` times; True when it is done (or cannot ever be)."""
        local = self.evidence_dir / job.local if job.local else None
        for attempt in range(self.attempts):
            if local is not None and not local.is_file():
                self._forget(job, lost=True)
                self._note(f"{job.key}: its local file is gone, not uploaded")
                return True
            try:
                if local is not None:
                    self.store.put(local, job.key)
                else:
                    self.store.delete(job.key)
                error = None
            except StoreError as exc:
                error = str(exc)
            if error is None:
                self._forget(job, lost=False)
                self._heard(Attempt(job.op, job.key, True, None))
                return True
            self._failed_once(job, error)  # in the ledger before anyone hears of it
            self._heard(Attempt(job.op, job.key, False, error))
            with self._lock:
                pause = self.backoff_s[min(attempt, len(self.backoff_s) - 1)]
                last = attempt == self.attempts - 1
                if last or self._lock.wait_for(lambda: self._stopping, pause):
                    return False
                if self._busy_replaced:  # queued again, or deleted: nothing left to do here
                    return True
        return False

    def _forget(self, job: Job, *, lost: bool) -> None:
        def record(pending: dict[tuple[str, str], Job]) -> None:
            if job.ident in pending and pending[job.ident].since == job.since:  # not queued anew
                del pending[job.ident]

        try:
            self.ledger.change(record)
        except OSError as exc:
            self._note(f"ledger: {one_line(exc)}")
        with self._lock:
            if lost:
                self._lost += 1
            elif job.op == PUT:
                self._uploaded += 1

    def _failed_once(self, job: Job, error: str) -> None:
        job.attempts += 1
        job.last_error = error

        def record(pending: dict[tuple[str, str], Job]) -> None:
            # Not dropped meanwhile (a deletion, another process) nor queued anew.
            if job.ident in pending and pending[job.ident].since == job.since:
                pending[job.ident] = job

        try:
            self.ledger.change(record)
        except OSError as exc:
            self._note(f"ledger: {one_line(exc)}")
        with self._lock:
            self._failed += 1
            self._last_error = error

    def _heard(self, attempt: Attempt) -> None:
        if self.on_attempt is not None:
            try:
                self.on_attempt(attempt)
            except Exception as exc:  # the listener's bug must not stop the uploads
                self._note(f"on_attempt: {one_line(exc)}")
