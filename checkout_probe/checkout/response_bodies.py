"""Whether a response's body can still be read, so the harness never asks for one that is gone.

The network recorder reads bodies lazily, at diagnosis time
(:mod:`checkout_probe.checkout.network`); by then a body may have no body to give (a
redirect, a 204) or the browser may have dropped it with its document. Asking anyway makes
Playwright's ``Network.getResponseBody`` fail, and that failure is recorded in the
checkout's Playwright trace: the Errors tab of a kept trace would show the harness's own
error, not the shop's.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Frame, Request, Response

#: Statuses whose responses have no body to read (Playwright refuses a redirect's outright).
_NO_BODY = frozenset({204, 205, 304})


def may_have_body(response: Response) -> bool:
    """False for a response that has no body at all: a redirect, an empty status, a HEAD."""
    status = response.status
    return (
        status >= 200
        and not 300 <= status < 400
        and status not in _NO_BODY
        and response.request.method != "HEAD"
        and response.headers.get("content-length") != "0"
    )


@dataclass(frozen=True)
class Document:
    """The document a response was loaded by: its frame and its page's main frame, each with
    how many documents it had loaded then."""

    frame: Frame
    frame_loads: int
    main: Frame
    main_loads: int


class Documents:
    """Counts the documents each frame has loaded, to know when a response's body is gone.

    Chromium drops the bodies of a page's responses when its main frame commits a new
    document (a frame's, when the frame does: a frame of another site has a process of its
    own); Playwright's read then fails with ``Network.getResponseBody``. A new document
    is a navigation request's response that is neither a redirect nor empty (204/205 load
    nothing); its own body, and its subresources', live until the next one. Counting is
    conservative: a body this calls gone is never read, at worst one still held.
    """

    def __init__(self) -> None:
        self._loads: dict[Frame, int] = {}

    def on_response(self, response: Response) -> None:
        """Note a new document (call first for every response, in order)."""
        request = response.request
        if not request.is_navigation_request() or not may_have_body(response):
            return
        frame = _frame_of(request)
        if frame is not None:
            self._loads[frame] = self._loads.get(frame, 0) + 1

    def of(self, request: Request) -> Document | None:
        """Where ``request``'s body lives now (None: it was no frame's)."""
        frame = _frame_of(request)
        if frame is None:
            return None
        main = frame.page.main_frame
        return Document(frame, self._loads.get(frame, 0), main, self._loads.get(main, 0))

    def holds(self, document: Document | None) -> bool:
        """True while no newer document replaced ``document`` (nor its page's)."""
        if document is None:
            return True
        frame, main = document.frame, document.main
        return (
            not frame.is_detached()
            and not frame.page.is_closed()
            and self._loads.get(frame, 0) == document.frame_loads
            and self._loads.get(main, 0) == document.main_loads
        )


def _frame_of(request: Request) -> Frame | None:
    try:
        return request.frame
    except Exception:  # a service worker's request has no frame
        return None
