"""Open the browser a run drives: this machine's Chromium, or one a Playwright server launches.

With ``browser_endpoint`` set (``--browser-endpoint ws://…``), every journey runs
in a browser that a Playwright server (``playwright run-server``, or a hosted
fleet speaking its protocol) launches for the connection; nothing is launched
here and no local Chromium is needed. Traces, screenshots and videos still end
up on this machine: Playwright streams them back over the connection.

Launch options travel in the ``x-playwright-launch-options`` header, as JSON
with the server's (camelCase) names. By default they say nothing about an
executable: a path on this machine means nothing on the server, and a server
drops ``executablePath`` unless it runs with ``--unsafe``. The server picks its
browser from its own ``PLAYWRIGHT_BROWSERS_PATH``.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Mapping
from importlib.metadata import version
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Playwright
from playwright.sync_api import Error as PlaywrightError

from checkout_probe.basics.errors import ConfigError
from checkout_probe.checkout.browser import discover_chromium
from checkout_probe.settings.config import Settings

#: The header ``playwright run-server`` reads the launch options from.
LAUNCH_OPTIONS_HEADER = "x-playwright-launch-options"
#: Seconds to wait for a server to accept a connection and launch a browser.
#: Playwright's own default is no limit, which would hang a run on a stuck fleet.
DEFAULT_CONNECT_TIMEOUT_S = 30.0


class BrowserEndpointUnreachable(ConfigError):
    """The configured browser endpoint did not give us a browser.

    A usage/configuration error (exit 2 from checkout-probe, 4 from pytest), not
    ``TargetUnreachable`` (3): nothing is known about the shop yet, and exit 3
    tells a deploy gate the *shop* is down.
    """


def describe_endpoint(endpoint: str) -> str:
    """The endpoint for messages: without credentials or query (hosted fleets put tokens there)."""
    parts = urlsplit(endpoint)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}" + ("?…" if parts.query else "")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def connect_options(
    settings: Settings,
    executable_path: str | None = None,
    *,
    launch_args: Mapping[str, Any] | None = None,
    timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
) -> dict[str, Any] | None:
    """pytest-playwright's connect_options for settings.browser_endpoint (None when unset).

    The result is also the keyword arguments of ``BrowserType.connect``.
    ``launch_args`` are Python launch options (``headless``, ``slow_mo``, …),
    renamed for the server; ``executable_path`` is sent only when given, for a
    server started with ``--unsafe`` that should run a browser at that path on
    *its* disk.
    """
    if not settings.browser_endpoint:
        return None
    launch: dict[str, Any] = {"headless": True}
    launch.update({_camel(key): value for key, value in (launch_args or {}).items()})
    if executable_path:
        launch["executablePath"] = executable_path
    return {
        "endpoint": settings.browser_endpoint,
        "timeout": timeout_s * 1000,
        "headers": {LAUNCH_OPTIONS_HEADER: json.dumps(launch)},
    }


def _unreachable(endpoint: str, reason: str) -> BrowserEndpointUnreachable:
    playwright_version = ".".join(version("playwright").split(".")[:2])
    return BrowserEndpointUnreachable(
        f"cannot connect to browser endpoint {describe_endpoint(endpoint)}: {reason} — "
        f"is `playwright run-server` (Playwright {playwright_version}) running there?"
    )


def connection_error(endpoint: str, error: PlaywrightError) -> BrowserEndpointUnreachable:
    """One line from Playwright's multi-line connect error (its call log is noise here)."""
    text = error.message.strip() if error.message else str(error).strip()
    reason = text.splitlines()[0] if text else type(error).__name__
    for prefix in ("BrowserType.connect: ", "WebSocket error: "):
        reason = reason.removeprefix(prefix)
    # The message names the endpoint already (without any token in it).
    reason = reason.replace(endpoint, "").strip() or "connection failed"
    if re.match(r"Timeout [\d.]+ms exceeded", reason):
        reason = "no browser within the connect timeout"
    mismatch = re.search(r"server version: (\S+).*?client version: (\S+)", text, re.DOTALL)
    if mismatch:
        reason += f" (Playwright server {mismatch[1]}, client {mismatch[2]})"
    return _unreachable(endpoint, reason)


def check_reachable(endpoint: str, timeout_s: float = 5.0) -> None:
    """Raise :class:`BrowserEndpointUnreachable` when nothing accepts connections there.

    A plain TCP connect: it costs milliseconds and no browser session on the
    server, and catches the usual mistakes (server down, wrong host or port)
    before any test starts. What only a real connect can find (wrong path,
    version mismatch) fails each browser fixture with one line instead.
    """
    parts = urlsplit(endpoint)
    port = parts.port or (443 if parts.scheme.lower() == "wss" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout_s):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise _unreachable(endpoint, reason) from None


def open_browser(playwright: Playwright, settings: Settings, *, timeout_s: float = 30.0) -> Browser:
    """Connect to settings.browser_endpoint when set, else launch the discovered Chromium headless.

    Raises :class:`BrowserEndpointUnreachable` (a ``ConfigError``) when the
    endpoint gives no browser, ``BrowserNotFound`` when no local Chromium is found.
    """
    options = connect_options(settings, timeout_s=timeout_s)
    if options is None:
        choice = discover_chromium(settings.browser_path, playwright.chromium.executable_path)
        return playwright.chromium.launch(
            executable_path=choice.executable_path, headless=True, timeout=timeout_s * 1000
        )
    try:
        return playwright.chromium.connect(**options)
    except PlaywrightError as exc:
        raise connection_error(options["endpoint"], exc) from None
