"""The embedded demo shop for ``local``, started as a process of its own.

The harness reaches every target over HTTP only: it starts the demo shop as a separate
process (``python -m checkout_probe shop --port 0``) and reads the URL it prints, exactly
as an operator would.
"""

from __future__ import annotations

import re
import secrets
import selectors
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from checkout_probe.basics.errors import TargetUnreachable
from checkout_probe.basics.processes import terminate

_LISTENING = re.compile(r"listening on (http://\S+)")


class LocalShop:
    """A demo-shop process on a free port with its own SQLite file."""

    def __init__(
        self,
        workdir: Path,
        extra_args: Sequence[str] = (),
        api_token: str | None = None,
    ) -> None:
        self.workdir = workdir
        self.extra_args = tuple(extra_args)
        self.api_token = api_token or secrets.token_urlsafe(16)
        self.log_path = workdir / "demo-shop.log"
        self.url: str | None = None
        self._process: subprocess.Popen[str] | None = None

    def start(self, timeout_s: float = 30.0) -> str:
        """Start the shop and return its URL once it listens."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        database = self.workdir / "shop.sqlite3"
        command = [
            sys.executable, "-m", "checkout_probe", "shop",
            # "--opt=value" because a random token may start with "-".
            "--port=0",
            f"--database-url=sqlite:///{database}",
            f"--api-token={self.api_token}",
            *self.extra_args,
        ]  # fmt: skip
        with self.log_path.open("w") as log:
            self._process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=self.workdir
            )
        self.url = self._read_url(timeout_s)
        return self.url

    def _read_url(self, timeout_s: float) -> str:
        assert self._process is not None and self._process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if selector.select(timeout=0.2):
                line = self._process.stdout.readline()
                match = _LISTENING.search(line)
                if match:
                    return match.group(1)
                if not line and self._process.poll() is not None:
                    break
            elif self._process.poll() is not None:
                break
        self.stop()
        raise TargetUnreachable(
            f"the demo shop did not start: {self._last_log_line()} (log: {self.log_path})"
        )

    def _last_log_line(self) -> str:
        try:
            lines = [ln for ln in self.log_path.read_text().splitlines() if ln.strip()]
        except OSError:
            return "no log"
        return lines[-1] if lines else "it printed nothing"

    @property
    def pid(self) -> int | None:
        """The shop process's id while it runs."""
        return self._process.pid if self._process is not None else None

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the shop with SIGTERM (SIGKILL if it does not exit in time)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        terminate(process, timeout_s)
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> LocalShop:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
