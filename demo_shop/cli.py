"""Command line: ``python -m demo_shop [options]`` (also used by ``checkout-probe shop``)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import NoReturn

from demo_shop import tracing
from demo_shop.config import DEFAULT_HOST, DEFAULT_LOGIN_LIMIT, DEFAULT_PORT, ShopConfig
from demo_shop.faults import DEFAULT_DELAY, DEFAULT_DELAYS, FAULT_NAMES
from demo_shop.server import ServerStartError, ShopServer

# The attribute names match ShopConfig's fields, so the namespace maps straight onto it.
CONFIG_OPTIONS = (
    "host",
    "port",
    "gateway_port",
    "database_url",
    "order_database_url",
    "api_token",
    "admin_token",
    "shop_version",
    "fault",
    "fault_rate",
    "fault_delay",
    "cdn_down",
    "login_limit",
)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {port}")
    return port


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g}, not {text}")
        return value

    return parse


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return value


def _delay_defaults() -> str:
    own = ", ".join(f"{name} {delay:g}" for name, delay in DEFAULT_DELAYS.items())
    return f"default {DEFAULT_DELAY:g}; {own}"


class _OneLineParser(argparse.ArgumentParser):
    """Bad input is one line naming the command and its --help, and exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: <message> (see <prog> --help)`` and exit 2."""
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser(prog: str = "demo_shop") -> argparse.ArgumentParser:
    """The ``demo_shop`` argument parser (``prog`` names the command in messages)."""
    parser = _OneLineParser(
        prog=prog,
        description="Run the demo shop (storefront, order service and payment gateway).",
        epilog="Environment: DATABASE_URL, ORDER_DATABASE_URL, SHOP_API_TOKEN, "
        "SHOP_ADMIN_TOKEN, SHOP_VERSION, SHOP_SECRET_KEY (options win over them).",
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, metavar="ADDR", help="address to bind (default %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        metavar="PORT",
        help=f"storefront port, 0 = free port (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--gateway-port",
        type=_port,
        default=0,
        metavar="PORT",
        help="payment gateway port (default: free port)",
    )
    parser.add_argument(
        "--database-url", metavar="URL", help="storefront database (default sqlite:///demo-shop.db)"
    )
    parser.add_argument(
        "--order-database-url",
        metavar="URL",
        help="order-service database (default: the storefront's URL)",
    )
    parser.add_argument(
        "--api-token", metavar="TOKEN", help="token for the order API (default: random, printed)"
    )
    parser.add_argument(
        "--admin-token", metavar="TOKEN", help="token for /admin (default: the API token)"
    )
    parser.add_argument(
        "--shop-version", metavar="VERSION", help="version to report (default 1.0.0)"
    )
    parser.add_argument(
        "--fault",
        choices=FAULT_NAMES,
        metavar="NAME",
        help="inject a fault from the start (docs/demo-shop.md describes each; a name it "
        "does not know lists them)",
    )
    parser.add_argument(
        "--fault-rate",
        type=_number(0.0, 1.0),
        metavar="R",
        help="share of sessions the fault hits (default 1.0; 0.2 for partial); for "
        "intermittent-orders every round(1/R)-th order fails (default 0.25: every 4th)",
    )
    parser.add_argument(
        "--fault-delay",
        type=_number(0.0, 3600.0),
        metavar="S",
        help="seconds of latency for payment-gateway-slow, slow-order-endpoint, "
        f"hydration-delay, rerender-while-saving and slow-pages ({_delay_defaults()})",
    )
    # Not a fault: third-party scripts fail whatever else is broken, so it combines with any.
    parser.add_argument(
        "--cdn-down",
        action="store_true",
        default=None,
        help="every page still loads the CDN's script, from an address that refuses "
        "connections (combines with --fault)",
    )
    parser.add_argument(
        "--login-limit",
        type=_count,
        metavar="N",
        help=f"API logins (POST /api/session) allowed per 15 minutes, 0 = no limit "
        f"(default {DEFAULT_LOGIN_LIMIT})",
    )
    return parser


def _configure_logging() -> None:
    # Logs go to stderr; stdout carries only the "listening on" line.
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format=tracing.LOG_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.addFilter(tracing.TraceIdFilter())


def _wait_for_signal(stop: threading.Event) -> None:
    """Block until SIGTERM/SIGINT (or ``stop`` is set from elsewhere)."""
    signalled: list[int] = []

    def handle(signum: int, frame: FrameType | None) -> None:
        # No stop.set() here: the handler runs in the main thread, possibly inside
        # stop.wait() holding the event's lock, and would wait for it for ever.
        signalled.append(signum)

    previous: dict[signal.Signals, object] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, handle)
    try:
        # A short timeout: the loop sees the handler's mark within half a second.
        while not signalled and not stop.wait(timeout=0.5):
            pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


def main(
    argv: list[str] | None = None,
    *,
    stop: threading.Event | None = None,
    prog: str = "demo_shop",
) -> int:
    """Run the shop until SIGTERM/SIGINT (or ``stop``); returns the exit code.

    0 after a clean shutdown, 1 if the shop cannot start, 2 for bad options.
    """
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the error or the help
        return exc.code if isinstance(exc.code, int) else 2
    _configure_logging()
    options = {name: getattr(args, name) for name in CONFIG_OPTIONS}
    try:
        config = ShopConfig.from_sources(cli=options, environ=os.environ)
    except ValueError as exc:
        print(f"demo shop: {exc}", file=sys.stderr)
        return 2
    server = ShopServer(config)
    try:
        server.start()
    except ServerStartError as exc:
        print(f"demo shop: {exc}", file=sys.stderr)
        return 1
    try:
        if config.api_token_generated:
            print(f"demo shop: generated API token: {config.api_token}", file=sys.stderr)
        # Harnesses parse this line's start: "demo shop listening on URL" stays first.
        print(
            f"demo shop listening on {server.url} (payment gateway {server.gateway_url}, "
            f"cdn {server.cdn_url}, version {config.shop_version})",
            flush=True,
        )
        _wait_for_signal(stop or threading.Event())
    finally:
        server.stop()
    return 0
