"""Self-tests: what a Playwright trace of a checkout holds, by default and when asked for more.

By default a trace records the actions (locator, timing, log) and the console, not a DOM
snapshot at every action nor the network with its bodies, which Playwright records with
the snapshots (together they cost about a sixth more time per checkout, see bench/); with
``snapshots`` it holds both. The harness's own evidence keeps every failing request.
A step's actions are grouped under its name, and the harness leaves no error of its own in
the trace (a response body it read after the browser dropped it). A real Chromium and a
real HTTP server on loopback; whole checkouts' traces are in ``test_kept_traces.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from checkout_probe.checkout.assembly import prepare_context
from checkout_probe.checkout.network import NetworkRecorder
from checkout_probe.checkout.trace_groups import step_group
from selftests.trace_events import actions, errors, groups, in_group, kinds, trace_events

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


#: What the server answers, by path: status, content type, body. Every other path: the page.
ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/missing": (404, "text/html", b"<h1>This page is missing</h1>"),
    "/api/broken": (500, "application/json", b'{"error": "the order service is down"}'),
    "/api/gone": (404, "application/json", b'{"error": "no such cart"}'),
    "/api/saved": (204, "application/json", b""),
    "/api/moved": (302, "text/plain", b""),
}


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, content_type, body = ROUTES.get(self.path, (200, "text/html", PAGE))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if status == 302:
            self.send_header("Location", "/api/saved")
        if status not in (204, 302):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status not in (204, 302):
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        status, content_type, _ = ROUTES.get(self.path, (200, "text/html", PAGE))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.end_headers()

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
) -> list[dict[str, Any]]:
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
    return trace_events(path)


def test_a_trace_holds_actions_and_console_but_no_dom_snapshots_by_default(
    browser: Browser, url: str, tmp_path: Path
) -> None:
    events = _trace_of_one_click(browser, url, tmp_path)

    found = kinds(events)
    assert {"before", "after", "console"} <= found, found
    assert any(e.get("method") == "click" for e in events if e.get("type") == "before")
    assert not found & {"frame-snapshot", "resource-snapshot", "screencast-frame"}, found


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
    found = kinds(_trace_of_one_click(browser, url, tmp_path, **options))
    assert expected <= found, found


def test_a_step_group_holds_the_step_actions_and_closes_when_the_step_raises(
    browser: Browser, url: str, tmp_path: Path
) -> None:
    context = browser.new_context()
    prepare_context(context, tracing=True)
    page = context.new_page()
    with pytest.raises(RuntimeError), step_group(page, "open catalog"):
        page.goto(url)
        raise RuntimeError("the step failed")
    page.get_by_role("button", name="Add to cart").click()  # after the step: in no group
    context.tracing.stop(path=str(tmp_path / "trace.zip"))
    context.close()

    events = trace_events(tmp_path / "trace.zip")
    assert [g.title for g in groups(events)] == ["step: open catalog"]
    assert [a.method for a in in_group(events, "step: open catalog")] == ["goto"]
    (click,) = [a for a in actions(events) if a.method == "click"]
    assert click.parent is None, "the group stayed open after its step raised"


def test_no_step_group_is_asked_for_where_the_harness_started_no_trace_nor_fails_a_step(
    browser: Browser, url: str, tmp_path: Path
) -> None:
    # Traced, but not by the harness (prepare_context): no group, no call per step.
    context = browser.new_context()
    prepare_context(context, tracing=False)
    context.tracing.start()
    page = context.new_page()
    with step_group(page, "open catalog"):
        page.goto(url)
    context.tracing.stop(path=str(tmp_path / "trace.zip"))
    context.close()
    assert groups(trace_events(tmp_path / "trace.zip")) == []

    # A traced context that is gone (a crashed browser): its step still runs and ends.
    gone = browser.new_context()
    prepare_context(gone, tracing=True)
    page = gone.new_page()
    gone.close()
    ran = False
    with step_group(page, "place order"):
        ran = True
    assert ran


def test_the_recorder_reads_the_bodies_the_browser_still_holds_and_asks_for_no_other(
    browser: Browser, url: str, tmp_path: Path
) -> None:
    context = browser.new_context(base_url=url)
    prepare_context(context, tracing=True)
    recorder = NetworkRecorder()
    recorder.attach(context)
    page = context.new_page()
    page.goto("/missing")  # a failed document, then the next page replaces it: body dropped
    page.goto("/")
    # A HEAD has no body, nor has a 204 (a JSON one, read as a suspect), nor a redirect.
    with page.expect_response("**/api/broken"):  # the last: every event has reached us then
        page.evaluate(
            """async () => {
                await fetch('/api/gone', {method: 'HEAD'});
                await fetch('/api/moved');
                await fetch('/api/broken');
            }"""
        )
    failed = {(r.method, r.path): r for r in recorder.all_failed_requests()}
    context.tracing.stop(path=str(tmp_path / "trace.zip"))
    context.close()

    assert set(failed) == {("GET", "/missing"), ("HEAD", "/api/gone"), ("GET", "/api/broken")}
    # The current page's failing request is still quoted: the evidence that matters.
    assert "the order service is down" in failed["GET", "/api/broken"].body_excerpt
    assert failed["GET", "/missing"].status == 404
    events = trace_events(tmp_path / "trace.zip")
    assert errors(events) == [], "the harness left errors of its own in the trace"
    reads = [a for a in actions(events) if a.cls == "Response"]
    assert len(reads) == 1, f"one body was there to read, read once: {reads}"
