"""Read a target's health and version over plain HTTP.

The expected health document is ``{"status": ..., "components": {name:
{"status": ..., "error": ...}}}``; anything else is kept as a status code and
a body excerpt, so a shop with another format still gets a useful snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import httpx

from checkout_probe.basics.redact import redact


@dataclass(frozen=True)
class ComponentHealth:
    """One dependency as the target reports it."""

    name: str
    status: str
    error: str | None = None

    @property
    def is_down(self) -> bool:
        """True unless the component says it is fine."""
        return self.status.lower() not in ("ok", "up", "healthy", "pass")


@dataclass(frozen=True)
class HealthSnapshot:
    """What ``/health`` answered at one moment (or why it could not be read)."""

    status: str
    http_status: int | None = None
    version: str | None = None
    components: tuple[ComponentHealth, ...] = field(default_factory=tuple)
    error: str | None = None

    @property
    def down(self) -> list[ComponentHealth]:
        """The components that are not healthy."""
        return [c for c in self.components if c.is_down]

    def describe(self) -> str:
        """``degraded — order-service database: unable to open database file``."""
        if self.error:
            return f"unreadable ({self.error})"
        if not self.down:
            return self.status
        parts = [f"{c.name}: {c.error or c.status}" for c in self.down]
        return f"{self.status} — " + "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the run summary."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], default_status: str = "unknown") -> HealthSnapshot:
        """Read a health document, or this class's own :meth:`to_dict` form.

        ``components`` may be the ``{name: {"status", "error"}}`` mapping a shop's
        ``/health`` returns, or the list of ``{"name", "status", "error"}`` that
        :meth:`to_dict` writes into summaries and history.
        """
        raw = data.get("components") or []
        items: list[tuple[str, Any]]
        if isinstance(raw, Mapping):
            items = [(str(name), info) for name, info in raw.items()]
        else:
            items = [(str(c.get("name", "?")), c) for c in raw if isinstance(c, Mapping)]
        return cls(
            status=str(data.get("status", default_status)),
            http_status=data.get("http_status"),
            version=data.get("version"),
            components=tuple(
                ComponentHealth(name, str(info.get("status", "unknown")), info.get("error"))
                for name, info in items
                if isinstance(info, Mapping)
            ),
            error=data.get("error"),
        )


def fetch_health(
    url: str, timeout_s: float = 3.0, version_header: str | None = None
) -> HealthSnapshot:
    """GET the health endpoint at ``url``; never raises."""
    try:
        response = httpx.get(url, timeout=timeout_s)
    except httpx.HTTPError as exc:
        return HealthSnapshot(status="unreachable", error=f"{type(exc).__name__}: {exc}")
    try:
        data = response.json()
    except ValueError:
        excerpt = redact(" ".join(response.text.split())[:200])
        return HealthSnapshot(
            status="ok" if response.is_success else "failing",
            http_status=response.status_code,
            error=None if response.is_success else excerpt,
        )
    if not isinstance(data, Mapping):
        data = {}
    snapshot = HealthSnapshot.from_dict(data, "ok" if response.is_success else "failing")
    return replace(
        snapshot,
        http_status=response.status_code,
        version=snapshot.version
        or (response.headers.get(version_header) if version_header else None),
    )


def fetch_version(
    url: str, timeout_s: float = 3.0, version_header: str | None = None
) -> str | None:
    """GET the version endpoint at ``url``: the JSON ``version`` field or ``version_header``."""
    try:
        response = httpx.get(url, timeout=timeout_s)
    except httpx.HTTPError:
        return None
    try:
        version = response.json().get("version")
    except (ValueError, AttributeError):
        version = None
    if version:
        return str(version)
    return response.headers.get(version_header) if version_header else None
