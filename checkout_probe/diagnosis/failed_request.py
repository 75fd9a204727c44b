"""A request that failed, as a diagnosis quotes it: from the browser's traffic
(:mod:`checkout_probe.checkout.network`) or from the project's own HTTP calls (:func:`api_failure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from checkout_probe.basics.redact import redact
from checkout_probe.diagnosis.excerpt import readable_excerpt
from checkout_probe.shop.origins import matches


@dataclass(frozen=True)
class FailedRequest:
    """One request that failed: an error status, or no response at all."""

    method: str
    url: str
    status: int | None  # None: no response (connection refused, reset, aborted)
    error: str | None
    body_excerpt: str
    duration_s: float | None
    #: The browser's resource type ("document", "fetch", …; "" for the project's own calls).
    resource_type: str = ""
    #: The journey step it happened in, when it is not the one being diagnosed.
    step: str | None = None
    #: True for a document loaded into a frame of the page (a payment provider's form).
    in_frame: bool = False
    #: The W3C trace and span (the step's) the request was sent with: what the shop logged.
    trace_id: str | None = None
    span_id: str | None = None
    #: Sent to another origin than the shop's: described with its scheme and host, and
    #: evidence only unless the project declares that origin (``Shop.origins``).
    third_party: bool = False
    #: How many times the same third-party request failed the same way in the checkout
    #: (a script every page loads): one line, with the count.
    repeated: int = 1

    @property
    def origin(self) -> str:
        """scheme://host:port of the request."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def path(self) -> str:
        """Path of the request, without its query (which may carry data)."""
        return urlsplit(self.url).path or "/"

    def describe(self) -> str:
        """``POST /checkout → 500 'could not connect…'`` for failure messages."""
        if self.status is None:
            outcome = f"no response ({self.error})"
        elif self.status < 400:
            outcome = f"{self.status} with an error in its body"
        else:
            outcome = str(self.status)
        excerpt = f" {self.body_excerpt!r}" if self.body_excerpt else ""
        where = " (a frame)" if self.in_frame else ""
        earlier = f" (in step '{self.step}')" if self.step else ""
        if self.repeated > 1:
            first = f", first in step '{self.step}'" if self.step else ""
            earlier = f" ({self.repeated} times{first})"
        shown = f"{self.origin}{self.path}" if self.third_party else self.path
        return f"{self.method} {shown}{where} → {outcome}{excerpt}{earlier}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the run summary."""
        data = asdict(self)
        data["path"] = self.path
        return data


def ranked(
    requests: Sequence[FailedRequest], declared: tuple[str, ...]
) -> tuple[FailedRequest, ...]:
    """The order a diagnosis quotes failing requests in: the shop's own in the failing
    step, then the shop's own in earlier steps, then third parties the project declared
    (``declared``: its payment provider and the origins it says matter), then any other
    third party. A script of someone else's that failed never pushes the shop's own
    failing request out of the one-liner."""

    def rank(request: FailedRequest) -> int:
        if not request.third_party:
            return 0 if request.step is None else 1
        return 2 if matches(request.origin, declared) else 3

    # The same third-party failure on every page is one line with its count.
    seen: dict[tuple[str, str, int | None, str | None], int] = {}
    kept: list[FailedRequest] = []
    for request in requests:
        key = (request.method, request.origin + request.path, request.status, request.error)
        if request.third_party and key in seen:
            index = seen[key]
            kept[index] = replace(kept[index], repeated=kept[index].repeated + 1)
            continue
        seen[key] = len(kept)
        kept.append(request)
    return tuple(sorted(kept, key=rank))


def api_failure(exc: httpx.HTTPError, secrets: tuple[str, ...] = ()) -> FailedRequest | None:
    """The failed request behind an error of the project's HTTP client (order read-back)."""
    try:
        request = exc.request
    except RuntimeError:  # an error raised before any request was made
        return None
    response = exc.response if isinstance(exc, httpx.HTTPStatusError) else None
    return FailedRequest(
        method=request.method,
        url=redact(str(request.url), secrets),
        status=response.status_code if response is not None else None,
        error=None if response is not None else f"{type(exc).__name__}: {exc}",
        body_excerpt=redact(
            readable_excerpt(response.text, response.headers.get("content-type")), secrets
        )
        if response is not None
        else "",
        duration_s=_elapsed(response),
    )


def _elapsed(response: httpx.Response | None) -> float | None:
    try:
        return response.elapsed.total_seconds() if response is not None else None
    except RuntimeError:  # not read to the end
        return None
