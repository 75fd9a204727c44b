"""axe-core's findings kept in the process, so a page is checked once per shop version.

The probe and the suites open the same pages checkout after checkout; axe costs a tenth to
a third of a second per page on a small machine. A document is known by :func:`page_key`
(ids in its path as one) and the shop version that served it; a shop that names no version
gets its pages checked again after an hour. At most :attr:`Findings.MOST` documents are
kept, the least recently used dropped first, so a probe that runs for months holds no more.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: A path segment that names one record, not a page: a number, a UUID, long hex, or a
#: reference such as ``CP-B90928BF`` or ``ord_5f3a9c1d`` (a short prefix, then six or more
#: letters and digits, four of them digits: ``iphone15`` and ``2024-shoes`` stay pages).
_ID = re.compile(
    r"\d+|[0-9a-fA-F]{12,}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
    r"|(?:[A-Za-z]{1,8}[-_])?(?=(?:[A-Za-z]*\d){4})[0-9A-Za-z]{6,}"
)


def page_key(url: str) -> str:
    """A document's identity: its URL without the fragment, and with path segments that are
    ids (numbers, UUIDs, long hex) as ``:id``: every order's confirmation page is one page,
    checked once per shop version, not once per order."""
    parts = urlsplit(url.split("#", 1)[0])
    path = "/".join(":id" if _ID.fullmatch(s) else s for s in parts.path.split("/"))
    return parts._replace(path=path).geturl()


@dataclass(frozen=True)
class FrameFindings:
    """axe-core's findings in one frame of a page: ``prefix`` is the frame element's
    selector path (``"#card-frame >>> "``; "" for the page itself)."""

    prefix: str
    key: str  # the frame document's page_key
    found: list[dict[str, Any]]


#: Findings of a page with its frames are kept under its key with this in front.
_WITH_FRAMES = "with frames "


class Findings:
    """axe-core's findings of the documents checked in this process, by document and shop
    version (see the module docstring); shared by the threads of the probe's browsers."""

    #: How long findings of a shop that names no version are reused.
    UNVERSIONED_S = 3600.0
    #: How many documents are kept, the least recently used dropped first: a probe runs for
    #: months, through deploys and pages whose URLs name ids ``page_key`` cannot tell.
    MOST = 512

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: OrderedDict[tuple[str, str | None], tuple[float, list[Any]]]
        self._found = OrderedDict()

    def get(self, key: str, version: str | None) -> list[Any] | None:
        """The findings of document ``key`` on ``version``, if checked and still valid."""
        with self._lock:
            kept = self._found.get((key, version))
            if kept is not None:
                self._found.move_to_end((key, version))
        if kept is None or (version is None and time.monotonic() - kept[0] > self.UNVERSIONED_S):
            return None
        return kept[1]

    def put(self, key: str, version: str | None, found: list[Any]) -> None:
        """Keep the findings of document ``key`` on ``version``."""
        with self._lock:
            self._found[(key, version)] = (time.monotonic(), found)
            self._found.move_to_end((key, version))
            while len(self._found) > self.MOST:
                self._found.popitem(last=False)

    def page(self, key: str, version: str | None) -> list[FrameFindings] | None:
        """The findings of page ``key`` with its frames, as a check after its load saw them."""
        return self.get(_WITH_FRAMES + key, version)

    def put_page(self, key: str, version: str | None, frames: list[FrameFindings]) -> None:
        """Keep the findings of page ``key`` with every frame it had once loaded: a later
        checkout of it reports them without waiting for its load or walking its frames."""
        self.put(_WITH_FRAMES + key, version, frames)

    def __len__(self) -> int:
        with self._lock:
            return len(self._found)


#: The process's findings (:class:`Findings`).
FINDINGS = Findings()
