"""Shared test helpers: round builders and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from checkout_probe.probe.model import CheckoutResult, Round

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CADENCE = timedelta(minutes=5)
HEALTH_OK: dict[str, Any] = {
    "status": "ok",
    "components": [{"name": "order-service database", "status": "ok", "error": None}],
}
HEALTH_DB_DOWN: dict[str, Any] = {
    "status": "degraded",
    "components": [
        {"name": "order-service database", "status": "down", "error": "unable to open file"},
        {"name": "payment-provider", "status": "ok", "error": None},
    ],
}


#: The journey the made-up checkouts ran, and on which device.
JOURNEY = "guest checkout"
DEVICE = "Desktop Chrome"


def passed(pay_s: float = 1.0) -> CheckoutResult:
    """A passed checkout with two steps."""
    return CheckoutResult(
        "passed", None, None, "", {"cart": 0.5, "pay": pay_s}, [], journey=JOURNEY, device=DEVICE
    )


def failed(evidence: list[str] | None = None, category: str = "payment_error") -> CheckoutResult:
    """A checkout failing at the pay step with the bad-deploy message."""
    return CheckoutResult(
        "failed",
        category,
        "pay",
        "Payment Processing Error shown after submitting the order",
        {"cart": 0.5, "pay": 4.0},
        list(evidence or []),
        journey=JOURNEY,
        device=DEVICE,
    )


def make_round(
    index: int,
    failures: int = 0,
    *,
    k: int = 20,
    env: str = "prod",
    version: str | None = "1.4.2",
    health: dict[str, Any] | None = None,
    evidence: list[str] | None = None,
) -> Round:
    """Round number ``index`` of a 5-minute schedule starting at ``T0``."""
    started = T0 + index * CADENCE
    results = tuple(failed(evidence) for _ in range(failures)) + tuple(
        passed() for _ in range(k - failures)
    )
    return Round(
        started_at=started,
        finished_at=started + timedelta(seconds=90),
        env=env,
        shop_version=version,
        results=results,
        health=health if health is not None else HEALTH_OK,
    )


@dataclass
class Received:
    """One request the receiver got."""

    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Receiver:
    """What the test sees of a running receiver."""

    url: str
    requests: list[Received]
    statuses: list[int]  # replies to give, in order; 200 once exhausted


@contextmanager
def http_receiver(statuses: list[int] | None = None) -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1 (random port) that records every request."""
    received: list[Received] = []
    plan = list(statuses or [])
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with lock:
                received.append(Received(self.command, self.path, body, dict(self.headers)))
                status = plan.pop(0) if plan else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_POST = do_PUT = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval makes shutdown() quick, which keeps the suite fast.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://127.0.0.1:{server.server_port}", received, plan)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def trickling_receiver() -> Iterator[str]:
    """A slow loris on 127.0.0.1: it answers the status line, then one header line a second,
    never the end. Each read is quick, so a per-read timeout never fires. Yields its URL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = server.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop.wait(1.0):
            try:
                connection.sendall(b"X-Wait: more\r\n")
            except OSError:
                return

    threading.Thread(target=trickle, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        server.close()
