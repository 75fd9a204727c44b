"""The shop under test: where it is and the endpoints the harness reads (health, version).

The harness reaches every target over HTTP only; for ``local`` the URL is the one
:class:`~checkout_probe.target.local_shop.LocalShop` printed when it started.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from checkout_probe.basics.redact import redact
from checkout_probe.shop.origins import KnownOrigins, Origins
from checkout_probe.target.health import HealthSnapshot, fetch_health, fetch_version

if TYPE_CHECKING:
    from checkout_probe.settings.config import Settings


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
    #: The project's own way to read health and version (``Shop.health``, ``Shop.version``),
    #: called with this target; over the HTTP paths when given.
    health_source: Callable[[Any], Mapping[str, Any]] | None = field(default=None, repr=False)
    version_source: Callable[[Any], str | None] | None = field(default=None, repr=False)
    #: Which other origins the shop's pages talk to (``Shop.origins``), resolved on first use.
    declared_origins: Origins = field(default_factory=Origins, repr=False)

    @cached_property
    def origins(self) -> KnownOrigins:
        """The declared origins, as patterns (a callable among them is asked once)."""
        return self.declared_origins.resolve(self.base_url)

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
        return bool(
            self.version_path or self.version_header or self.health_path
            or self.version_source or self.health_source
        )  # fmt: skip

    def sources_note(self) -> str:
        """Said once per run when the shop reports no health or version: what diagnoses lack."""
        missing = [
            what
            for what, present in (
                ("health", self.health_path or self.health_source),
                ("version", self.has_version_source),
            )
            if not present
        ]
        if not missing:
            return ""
        return (
            f"{self.name}: no {' or '.join(missing)} source (Shop.health_path or .health, "
            "version_path, .version or version_header): diagnoses name no failing dependency"
            + (" and no shop version" if "version" in missing else "")
        )

    def read_health(self, timeout_s: float = 3.0) -> HealthSnapshot | None:
        """What the shop's health says now (None when it has none); never raises."""
        if self.health_source is not None:
            try:
                return HealthSnapshot.from_dict(dict(self.health_source(self)))
            except Exception as exc:  # the project's code: its failure is what we report
                error = redact(f"{type(exc).__name__}: {exc}", self.secrets())
                return HealthSnapshot(status="unreachable", error=f"Shop.health: {error}")
        if self.health_url is None:
            return None
        return fetch_health(self.health_url, timeout_s, self.version_header)

    def read_version(self, health: HealthSnapshot | None = None) -> str | None:
        """The version the shop reports now: the project's source, its endpoint, else
        ``health``'s; never raises."""
        version = None
        if self.version_source is not None:
            try:
                version = self.version_source(self)
            except Exception:  # no version is what the diagnosis then says
                version = None
        elif self.version_url:
            version = fetch_version(self.version_url, version_header=self.version_header)
        return str(version) if version else (health.version if health else None)

    def __repr__(self) -> str:
        return f"Target({self.name!r}, {self.base_url!r})"


def make_target(settings: Settings, base_url: str, api_token: str | None = None) -> Target:
    """The target at ``base_url`` with the environment's endpoints and the run's token."""
    env = settings.environment
    shop = settings.shop
    return Target(
        settings.env,
        base_url,
        api_token=api_token or settings.api_token,
        health_path=env.health_path,
        version_path=env.version_path,
        version_header=shop.version_header,
        health_source=shop.health,
        version_source=shop.version,
        declared_origins=shop.origins,
    )
