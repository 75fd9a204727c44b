"""The shop under test: where it is, and starting the embedded demo shop for ``local``.

The harness reaches every target over HTTP only. For ``local`` it starts the
demo shop as a separate process (``python -m checkout_probe shop --port 0``)
and reads the URL it prints, exactly as an operator would.
"""

from __future__ import annotations

import re
import secrets
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from checkout_probe.errors import TargetUnreachable
from checkout_probe.health import HealthSnapshot, fetch_health, fetch_version

if TYPE_CHECKING:
    from checkout_probe.config import Settings

_LISTENING = re.compile(r"listening on (http://\S+)")


@dataclass(frozen=True)
class Target:
    """A shop to test: its name, URL and the endpoints the harness reads."""

    name: str
    base_url: str
    api_token: str | None = field(default=None, repr=False)
    health_path: str | None = None
    version_path: str | None = None
    #: Response header carrying the shop's version (``Shop.version_header``).
    version_header: str | None = None

    def auth_headers(self) -> dict[str, str]:
        """The bearer header for the target's token-protected API (empty without a token)."""
        return {"Authorization": f"Bearer {self.api_token}"} if self.api_token else {}

    def secrets(self) -> tuple[str, ...]:
        """Secret values to mask in anything reported about this target."""
        return (self.api_token,) if self.api_token else ()

    @property
    def health_url(self) -> str | None:
        """Absolute URL of the health endpoint, if the target has one."""
        return self.base_url + self.health_path if self.health_path else None

    @property
    def version_url(self) -> str | None:
        """Absolute URL of the version endpoint, if the target has one."""
        return self.base_url + self.version_path if self.version_path else None

    @property
    def has_version_source(self) -> bool:
        """True when the shop tells its version somewhere (an endpoint, a header, /health)."""
        return bool(self.version_path or self.version_header or self.health_path)

    def sources_note(self) -> str:
        """Said once per run when the shop reports no health or version: what diagnoses lack."""
        missing = [
            what
            for what, present in (
                ("health", self.health_path),
                ("version", self.has_version_source),
            )
            if not present
        ]
        if not missing:
            return ""
        return (
            f"{self.name}: no {' or '.join(missing)} source (health_path, version_path, "
            "version_header): diagnoses name no failing dependency"
            + (" and no shop version" if "version" in missing else "")
        )

    def read_health(self, timeout_s: float = 3.0) -> HealthSnapshot | None:
        """What the health endpoint says now (None when the shop has none); never raises."""
        if self.health_url is None:
            return None
        return fetch_health(self.health_url, timeout_s, self.version_header)

    def read_version(self, health: HealthSnapshot | None = None) -> str | None:
        """The version the shop reports now: its endpoint, else ``health``'s; never raises."""
        version = (
            fetch_version(self.version_url, version_header=self.version_header)
            if self.version_url
            else None
        )
        return version or (health.version if health else None)

    def __repr__(self) -> str:
        return f"Target({self.name!r}, {self.base_url!r})"


def make_target(settings: Settings, base_url: str, api_token: str | None = None) -> Target:
    """The target at ``base_url`` with the environment's endpoints and the run's token."""
    env = settings.environment
    return Target(
        settings.env,
        base_url,
        api_token=api_token or settings.api_token,
        health_path=env.health_path,
        version_path=env.version_path,
        version_header=settings.shop.version_header,
    )


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
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
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
