"""The ledger of what the evidence store has not taken yet, kept beside the evidence.

An upload (or a deletion) is written here before it is tried and removed once the store
took it, so a process that dies, or a store that is down until the process ends, loses
nothing: the next publisher (the next ``--once`` run) starts by retrying what the ledger
holds. Processes sharing the evidence folder take turns through a lock file, and the
ledger is written whole or not at all (:func:`~checkout_probe.basics.files.write_atomically`).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from checkout_probe.basics.files import write_atomically

#: The ledger's file name in the local evidence folder (hidden: it is not evidence).
LEDGER_NAME = ".evidence-store-pending.json"
PUT, DELETE = "put", "delete"


@dataclass
class Job:
    """One upload (``put``: ``local`` file as ``key``) or deletion (``delete``: every object
    under ``key``) the store has not taken yet."""

    op: str
    key: str
    #: put: the file, relative to the evidence folder when it lies in it.
    local: str | None = None
    attempts: int = 0
    #: The last attempt's failure, one line.
    last_error: str | None = None
    #: When it was queued (UTC, ISO 8601).
    since: str = ""

    @property
    def ident(self) -> tuple[str, str]:
        """What makes two jobs the same job: their operation and key."""
        return self.op, self.key

    @staticmethod
    def now() -> str:
        """The current time as ``since`` takes it."""
        return datetime.now(UTC).isoformat(timespec="seconds")


class Ledger:
    """``<evidence_dir>/.evidence-store-pending.json``: the pending jobs, oldest first."""

    def __init__(self, evidence_dir: Path) -> None:
        self.folder = evidence_dir
        self.path = evidence_dir / LEDGER_NAME
        #: What went wrong reading it (an unreadable ledger is set aside, never overwritten).
        self.problem: str | None = None

    def load(self) -> list[Job]:
        """The pending jobs (none when there is no ledger)."""
        with self._locked():
            return self._read()

    def change(self, apply: Callable[[dict[tuple[str, str], Job]], object]) -> None:
        """Read the jobs, let ``apply`` change them (by :attr:`Job.ident`), write them back,
        all under the lock; no job left removes the file. OSError (a full disk) is raised."""
        with self._locked():
            jobs = {job.ident: job for job in self._read()}
            apply(jobs)
            if not jobs:
                self.path.unlink(missing_ok=True)
                return
            data = {"pending": [asdict(job) for job in jobs.values()]}
            text = json.dumps(data, indent=1, ensure_ascii=False).encode()
            write_atomically(self.path, lambda out: out.write(text))

    def _read(self) -> list[Job]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [Job(**entry) for entry in data["pending"]]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError, KeyError) as exc:
            aside = self.path.with_name(f"{LEDGER_NAME}.unreadable-{Job.now()}")
            self.path.replace(aside)
            self.problem = f"ledger {self.path} unreadable ({type(exc).__name__}): moved to {aside}"
            return []

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".evidence-store-pending.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            yield
