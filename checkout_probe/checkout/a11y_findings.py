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
from typing import Any
from urllib.parse import urlsplit

#: A path segment that names one record, not a page: a number, a UUID, long hex.
_ID = re.compile(r"\d+|[0-9a-fA-F]{12,}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def page_key(url: str) -> str:
    """A document's identity: its URL without the fragment, and with path segments that are
    ids (numbers, UUIDs, long hex) as ``:id``: every order's confirmation page is one page,
    checked once per shop version, not once per order."""
    parts = urlsplit(url.split("#", 1)[0])
    path = "/".join(":id" if _ID.fullmatch(s) else s for s in parts.path.split("/"))
    return parts._replace(path=path).geturl()


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
        self._found: OrderedDict[tuple[str, str | None], tuple[float, list[dict[str, Any]]]]
        self._found = OrderedDict()

    def get(self, key: str, version: str | None) -> list[dict[str, Any]] | None:
        """The findings of document ``key`` on ``version``, if checked and still valid."""
        with self._lock:
            kept = self._found.get((key, version))
            if kept is not None:
                self._found.move_to_end((key, version))
        if kept is None or (version is None and time.monotonic() - kept[0] > self.UNVERSIONED_S):
            return None
        return kept[1]

    def put(self, key: str, version: str | None, found: list[dict[str, Any]]) -> None:
        """Keep the findings of document ``key`` on ``version``."""
        with self._lock:
            self._found[(key, version)] = (time.monotonic(), found)
            self._found.move_to_end((key, version))
            while len(self._found) > self.MOST:
                self._found.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._found)


#: The process's findings (:class:`Findings`).
FINDINGS = Findings()
