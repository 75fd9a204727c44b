"""Self-tests: what a Playwright trace of a checkout holds, by default and when asked for more.

By default a trace records the actions (locator, timing, log) and the console, not a DOM
snapshot at every action nor the network with its bodies, which Playwright records with
the snapshots (together they cost about a sixth more time per checkout, see bench/); with
``snapshots`` it holds both. The harness's own evidence keeps every failing request.
A real Chromium and a real HTTP server on loopback.
"""

from __future__ import annotations

import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from checkout_probe.checkout.assembly import prepare_context

#: The heading turns without end, so the page paints a new frame at every refresh: a
#: screencast (sent by the browser only when the picture changes) then has frames to send.
PAGE = (
    b"<!doctype html><title>Shop</title>"
    b"<style>@keyframes turn { to { transform: rotate(360deg) } }"
    b" h1 { display: inline-block; animation: turn 1s linear infinite }</style>"
    b"<h1>Products</h1><p><button>Add to cart</button>"
)
#: Resolves once the page has painted 30 more frames (requestAnimationFrame runs before each).
PAINTED = (
    "() => new Promise(done => { let left = 30;"
    " const next = () => (--left ? requestAnimationFrame(next) : done());"
    " requestAnimationFrame(next); })"
)


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _trace_of_one_click(
    browser: Browser, url: str, tmp_path: Path, **options: bool
) -> list[dict[str, object]]:
    context = browser.new_context()
    prepare_context(context, tracing=True, **options)
    page = context.new_page()
    page.goto(url)
    page.evaluate("console.log('checkout started')")
    page.get_by_role("button", name="Add to cart").click()
    # Screencast frames arrive as the page paints, after the actions that caused them: a
    # trace stopped right after the click may not hold one yet (seen once under load).
    page.evaluate(PAINTED)
    path = tmp_path / "trace.zip"
    context.tracing.stop(path=str(path))
    context.close()
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith((".trace", ".network"))]
        lines = [ln for n in names for ln in archive.read(n).decode().splitlines() if ln]
    return [json.loads(line) for line in lines]


def _kinds(events: list[dict[str, object]]) -> set[str]:
    return {str(e.get("type")) for e in events}


def test_a_trace_holds_actions_and_console_but_no_dom_snapshots_by_default(
    browser: Browser, url: str, tmp_path: Path
) -> None:
    events = _trace_of_one_click(browser, url, tmp_path)

    kinds = _kinds(events)
    assert {"before", "after", "console"} <= kinds, kinds
    assert any(e.get("method") == "click" for e in events if e.get("type") == "before")
    assert not kinds & {"frame-snapshot", "resource-snapshot", "screencast-frame"}, kinds


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"snapshots": True}, {"frame-snapshot", "resource-snapshot"}),
        ({"screenshots": True}, {"screencast-frame"}),
    ],
)
def test_a_trace_holds_dom_snapshots_and_network_or_the_screencast_when_asked_for(
    browser: Browser, url: str, tmp_path: Path, options: dict[str, bool], expected: set[str]
) -> None:
    kinds = _kinds(_trace_of_one_click(browser, url, tmp_path, **options))
    assert expected <= kinds, kinds
