"""Run the storefront, the payment gateway and the stand-in CDN on real threaded HTTP servers."""

from __future__ import annotations

import logging
import socket
import threading
from types import TracebackType

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from demo_shop import tracing
from demo_shop.app import create_app
from demo_shop.cdn import create_cdn_app
from demo_shop.config import ShopConfig
from demo_shop.context import shop_context
from demo_shop.faults import FaultState
from demo_shop.gateway.app import create_gateway_app
from demo_shop.gateway.cards import ChargeLedger

log = logging.getLogger(__name__)
access_log = logging.getLogger("demo_shop.access")

WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


class ServerStartError(Exception):
    """The shop could not start (port in use, bad database URL, ...)."""


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0 = a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ServerStartError(f"cannot listen on {host}:{port}: {reason}") from exc


def refusing(host: str) -> socket.socket:
    """A TCP socket bound to a free port on ``host`` that never listens.

    Connections to its port are refused at once (no response at all), and while it is
    open no other socket can take the port, so the refusal lasts as long as the shop.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise ServerStartError(f"cannot bind a port on {host}: {reason}") from exc
    return sock


def url_for_socket(sock: socket.socket) -> str:
    """``http://host:port`` for a listening socket; wildcard hosts become loopback."""
    host, port = sock.getsockname()[:2]
    host = WILDCARD_HOSTS.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _request_handler(label: str) -> type[WSGIRequestHandler]:
    """A request handler whose access log is plain text, tagged with the server's name."""

    class AccessLogHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            # werkzeug's own line adds terminal colours; logs here go to files and pipes.
            # After the response: the request's span has ended, so the id comes from its header.
            access_log.info(
                "%s %s %s %s", label, self.address_string(), self.requestline, code,
                extra=tracing.trace_of(self.headers.get("traceparent")),
            )  # fmt: skip

    return AccessLogHandler


class _HttpServer:
    """One WSGI app served by werkzeug's threaded server in a background thread."""

    def __init__(self, name: str, sock: socket.socket, app: Flask) -> None:
        self.name = name
        host, port = sock.getsockname()[:2]
        # Hand werkzeug our already-bound socket: its own bind error path prints
        # several lines and calls sys.exit, which a library must not do.
        self._server: BaseWSGIServer = make_server(
            host,
            port,
            app,
            threaded=True,
            request_handler=_request_handler(name),
            fd=sock.fileno(),
        )
        sock.close()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            # A short poll interval makes shutdown (SIGTERM, test teardown) quick.
            kwargs={"poll_interval": 0.1},
            name=f"demo-shop-{name}",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()


class ShopServer:
    """The storefront (with the order service), the payment gateway and the CDN, on three ports.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. With
    ``config.cdn_down`` no CDN is served: ``cdn_url`` is a port that refuses connections.
    """

    def __init__(self, config: ShopConfig) -> None:
        self.config = config
        self.faults = FaultState(
            config.fault, config.fault_rate, config.fault_delay, config.shop_version
        )
        # The gateway's record of charge attempts (tests check what was charged).
        self.charges = ChargeLedger()
        self.url = ""
        self.gateway_url = ""
        self.cdn_url = ""
        self.app: Flask | None = None
        self._servers: list[_HttpServer] = []
        # --cdn-down: the bound, never listening socket that keeps cdn_url refusing.
        self._refusing: socket.socket | None = None

    def start(self) -> None:
        """Bind the ports, build the apps and start serving; raises ServerStartError."""
        host = self.config.host
        sockets: list[socket.socket] = []
        try:
            sockets.append(listen(host, self.config.port))
            sockets.append(listen(host, self.config.gateway_port))
            sockets.append(refusing(host) if self.config.cdn_down else listen(host, 0))
        except ServerStartError:
            for sock in sockets:
                sock.close()
            raise
        shop_socket, gateway_socket, cdn_socket = sockets
        self.url, self.gateway_url = url_for_socket(shop_socket), url_for_socket(gateway_socket)
        self.cdn_url = url_for_socket(cdn_socket)
        try:
            gateway_app = create_gateway_app(self.config, self.faults, ledger=self.charges)
            self.app = create_app(
                self.config, gateway_url=self.gateway_url, faults=self.faults, cdn_url=self.cdn_url
            )
        except (SQLAlchemyError, ValueError, ImportError) as exc:
            for sock in sockets:
                sock.close()
            raise ServerStartError(f"cannot set up the shop: {exc}") from exc
        self._servers = [
            _HttpServer("payment-gateway", gateway_socket, gateway_app),
            _HttpServer("storefront", shop_socket, self.app),
        ]
        if self.config.cdn_down:
            self._refusing = cdn_socket
        else:
            self._servers.insert(0, _HttpServer("cdn", cdn_socket, create_cdn_app()))
        for server in self._servers:
            server.start()
        log.info(
            "storefront on %s, payment gateway on %s, cdn on %s%s",
            self.url, self.gateway_url, self.cdn_url,
            " (down: its port refuses connections)" if self.config.cdn_down else "",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop serving (storefront first), then dispose engines and HTTP clients."""
        for server in reversed(self._servers):
            server.stop()
        self._servers = []
        if self._refusing is not None:
            self._refusing.close()
            self._refusing = None
        if self.app is not None:
            shop_context(self.app).dispose()
            self.app = None

    def __enter__(self) -> ShopServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
