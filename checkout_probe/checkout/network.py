"""Record what the browser saw go wrong on the network and in page scripts.

A recorder listens on a browser context for failed responses (status >= 400),
requests that never got a response, uncaught page errors and console errors.
Journeys ask it for what happened since a mark, so each step is judged on its
own traffic; a diagnosis gets every failure of the checkout, each labelled with
the step it happened in, because the cause of a failing step is often earlier
(a payment frame that 404'd while the page around it loaded fine).

A 2xx answer can be a failure too: an API that answers 200 with ``{"error": …}``.
JSON answers to the page's scripts are kept as suspects and counted as failed
when their body carries an error. Response bodies are read lazily, at diagnosis
time, because reading them inside an event handler can block the event loop.
Each body is read at most once, and only while the browser still holds it
(:mod:`.response_bodies`): a body read that fails is an error in the checkout's
Playwright trace, the harness's own, that a reader would take for the shop's.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Request, Response, WebError

from checkout_probe.basics.redact import redact
from checkout_probe.checkout.response_bodies import Document, Documents, may_have_body
from checkout_probe.checkout.tracecontext import SpanIds
from checkout_probe.diagnosis.excerpt import readable_excerpt
from checkout_probe.diagnosis.failed_request import FailedRequest
from checkout_probe.shop.origins import matches, origin_of


@dataclass
class _Entry:
    seq: int
    request: Request
    response: Response | None
    error: str | None
    finished_at: float
    step: str | None = None
    in_frame: bool = False
    #: The document its body lives in (None: no frame's, a worker's request).
    document: Document | None = None
    #: Its body once read ("" when there was none to read).
    body: str | None = None


def _body_error(body: str) -> bool:
    """True when a JSON body says it is an error: a non-empty ``error`` or ``errors``."""
    try:
        data = json.loads(body)
    except ValueError:  # not JSON after all: nothing to say
        return False
    return isinstance(data, dict) and bool(data.get("error") or data.get("errors"))


def _in_a_frame(request: Request) -> bool:
    try:
        return request.frame.parent_frame is not None
    except Exception:  # a service worker's request has no frame
        return False


#: Resource types of the page's own API calls, whose 2xx JSON answers may carry an error.
_API_TYPES = frozenset({"fetch", "xhr"})


class NetworkRecorder:
    """Collects failures of one browser context; see the module docstring."""

    def __init__(
        self,
        secrets: tuple[str, ...] = (),
        version_header: str | None = None,
        first_party: str | None = None,
        ignore: tuple[str, ...] = (),
    ) -> None:
        #: The shop's origin: a request elsewhere is a third party's (None: all are the shop's).
        self._first_party = origin_of(first_party) if first_party else None
        #: Origins whose failures are never recorded (``Shop.origins.ignore``).
        self._ignore = ignore
        self._seq = 0
        self._failures: list[_Entry] = []
        self._suspects: list[_Entry] = []
        #: The journey step running now; every failure is labelled with it.
        self.step: str | None = None
        self._page_errors: list[tuple[int, str]] = []
        self._console_errors: list[tuple[int, str]] = []
        self._pending: dict[Request, float] = {}
        self._documents = Documents()
        self._secrets = secrets
        #: The secrets masked in everything recorded (for other evidence of the same checkout).
        self.secrets = secrets
        self._version_header = version_header.lower() if version_header else None
        #: The shop version from the latest response carrying ``version_header``.
        self.shop_version: str | None = None
        #: Every console message, for the evidence attached to a failure.
        self.console_log: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        """Start listening on ``context`` (all its pages, frames and workers)."""
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("requestfailed", self._on_request_failed)
        context.on("weberror", self._on_web_error)
        context.on("console", self._on_console)

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _on_request(self, request: Request) -> None:
        self._pending[request] = time.monotonic()

    def _on_response(self, response: Response) -> None:
        # Headers arrived: the request no longer waits on the server (one event
        # per request fewer than listening for "requestfinished").
        self._pending.pop(response.request, None)
        self._documents.on_response(response)
        if self._version_header:
            version = response.headers.get(self._version_header)
            if version:
                self.shop_version = version
        request = response.request
        if self._ignore and matches(origin_of(request.url), self._ignore):
            return
        if response.status >= 400:
            in_frame = request.resource_type == "document" and _in_a_frame(request)
            self._failures.append(self._entry(request, response, in_frame))
        elif (
            response.status < 300
            and request.resource_type in _API_TYPES
            and "json" in response.headers.get("content-type", "")
        ):
            self._suspects.append(self._entry(request, response, False))

    def _entry(self, request: Request, response: Response, in_frame: bool) -> _Entry:
        return _Entry(
            self._next(), request, response, None, time.monotonic(), self.step, in_frame,
            document=self._documents.of(request),
        )  # fmt: skip

    def _on_request_failed(self, request: Request) -> None:
        self._pending.pop(request, None)
        if request.failure and "ERR_ABORTED" in request.failure:
            return  # cancelled by the browser (a navigation started), not a failure
        if self._ignore and matches(origin_of(request.url), self._ignore):
            return
        self._failures.append(
            _Entry(
                self._next(),
                request,
                None,
                request.failure or "failed",
                time.monotonic(),
                self.step,
            )
        )

    def _on_web_error(self, error: WebError) -> None:
        text = redact(str(error.error), self._secrets)
        self.console_log.append(f"[pageerror] {text}")
        self._page_errors.append((self._next(), text))

    def _on_console(self, message: ConsoleMessage) -> None:
        text = redact(message.text, self._secrets)
        if len(self.console_log) < 1000:
            self.console_log.append(f"[{message.type}] {text}")
        if message.type == "error":
            self._console_errors.append((self._next(), text))

    def mark(self) -> int:
        """A position in the event stream; pass it to the ``*_since`` methods."""
        return self._seq

    def all_failed_requests(self) -> list[FailedRequest]:
        """Every failure of the context so far, 2xx answers carrying an error included,
        each labelled with its step."""
        return self.checkout_failures(None)

    def checkout_failures(self, step: str | None) -> list[FailedRequest]:
        """Every failure of the checkout for a diagnosis of ``step``: that step's first, then
        the earlier ones, each labelled with the step it happened in."""
        answered_an_error = [e for e in self._suspects if _body_error(self._body(e))]
        entries = sorted(
            [*self._failures, *answered_an_error], key=lambda e: (e.step != step, e.seq)
        )
        return [self._describe(e, label=e.step != step) for e in entries]

    def failed_frames(self) -> list[FailedRequest]:
        """Documents of the page's frames that failed to load (status >= 400)."""
        return [self._describe(e, label=True) for e in self._failures if e.in_frame]

    def failed_requests_since(self, mark: int, min_status: int = 400) -> list[FailedRequest]:
        """Requests after ``mark`` that got a status >= ``min_status`` or no response."""
        return [
            self._describe(e)
            for e in self._failures
            if e.seq > mark and (e.response is None or e.response.status >= min_status)
        ]

    def page_errors_since(self, mark: int) -> list[str]:
        """Uncaught script errors after ``mark``."""
        return [text for seq, text in self._page_errors if seq > mark]

    def console_errors_since(self, mark: int) -> list[str]:
        """Console errors after ``mark``."""
        return [text for seq, text in self._console_errors if seq > mark]

    def pending_requests(self, older_than_s: float) -> list[str]:
        """Requests still waiting for a response after ``older_than_s`` seconds."""
        now = time.monotonic()
        return [
            f"{r.method} {urlsplit(r.url).path} (pending {now - started:.1f} s)"
            for r, started in self._pending.items()
            if now - started >= older_than_s
        ]

    def _describe(self, entry: _Entry, label: bool = False) -> FailedRequest:
        request, response = entry.request, entry.response
        excerpt = ""
        if response is not None:
            excerpt = readable_excerpt(self._body(entry), response.headers.get("content-type"))
        sent_with = SpanIds.from_traceparent(request.headers.get("traceparent"))
        timing = request.timing
        duration = (
            timing["responseEnd"] / 1000 if timing and timing.get("responseEnd", -1) > 0 else None
        )
        return FailedRequest(
            method=request.method,
            url=redact(request.url, self._secrets),
            status=response.status if response is not None else None,
            error=entry.error,
            body_excerpt=redact(excerpt, self._secrets),
            duration_s=duration,
            resource_type=request.resource_type,
            step=entry.step if label else None,
            in_frame=entry.in_frame,
            trace_id=sent_with.trace_id if sent_with else None,
            span_id=sent_with.span_id if sent_with else None,
            third_party=self._first_party is not None
            and origin_of(request.url) != self._first_party,
        )

    def _body(self, entry: _Entry) -> str:
        """``entry``'s response body, read once and only while the browser holds it ("" when
        it has none, or none any more: the status and the request are the evidence then)."""
        if entry.body is None:
            entry.body = ""
            response = entry.response
            if (
                response is not None
                and may_have_body(response)
                and self._documents.holds(entry.document)
            ):
                try:
                    entry.body = response.text()
                except Exception:  # gone after all (a frame's own process), or not text
                    entry.body = ""
        return entry.body
