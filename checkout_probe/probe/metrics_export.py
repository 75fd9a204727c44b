"""Getting the probe's metrics out: a scrape endpoint and Pushgateway pushes.

(The textfile for node_exporter is prometheus_client's ``write_to_textfile``.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

import httpx
from prometheus_client import CollectorRegistry, push_to_gateway, start_http_server

from checkout_probe.basics.errors import ConfigError
from checkout_probe.probe.deadline import send_within


@dataclass
class MetricsServer:
    """A running scrape endpoint; call :meth:`stop` when done."""

    server: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        """The bound port (useful after asking for port 0)."""
        return int(self.server.server_port)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop serving and release the socket."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout_s)


@dataclass(frozen=True)
class PushResult:
    """How a Pushgateway push went."""

    ok: bool
    error: str | None = None


def push(
    registry: CollectorRegistry,
    gateway_url: str,
    job: str,
    grouping_key: Mapping[str, str] | None = None,
    timeout_s: float = 10.0,
    deadline_s: float = 10.0,
) -> PushResult:
    """PUT the registry to a Pushgateway, the whole request within ``deadline_s`` (a
    gateway that trickles its answer cannot hold the probe); errors are returned."""

    def within(
        url: str,
        method: str,
        timeout: float | None,
        headers: list[tuple[str, str]],
        data: bytes,
    ) -> Callable[[], None]:
        def handle() -> None:
            response = send_within(
                method, url, timeout or timeout_s, deadline_s, content=data,
                headers=dict(headers),
            )  # fmt: skip
            if response.status_code >= 400:
                raise OSError(f"the Pushgateway answered {response.status_code}")

        return handle

    try:
        push_to_gateway(
            gateway_url,
            job=job,
            registry=registry,
            grouping_key=dict(grouping_key or {}),
            timeout=timeout_s,
            handler=within,
        )
    except (OSError, ValueError, httpx.HTTPError, httpx.InvalidURL) as exc:
        return PushResult(False, f"{type(exc).__name__}: {exc}")
    return PushResult(True)


def serve(registry: CollectorRegistry, port: int, addr: str = "127.0.0.1") -> MetricsServer:
    """Serve ``/metrics`` on ``addr:port`` (0 picks a free port) in a daemon thread.

    A port in use or an address this host does not have is the user's to fix:
    a ConfigError (one line, exit 2), not a traceback.
    """
    try:
        server, thread = start_http_server(port, addr=addr, registry=registry)
    except OSError as exc:
        raise ConfigError(
            f"cannot serve metrics on {addr}:{port}: {exc.strerror or exc}: "
            "fix --metrics-port or --metrics-addr"
        ) from None
    return MetricsServer(server, thread)
