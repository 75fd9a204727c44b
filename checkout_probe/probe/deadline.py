"""An HTTP request with a deadline for the whole exchange, not only for each read.

httpx's (and urllib's) timeouts bound each connect, read and write: a receiver that
trickles its answer a header line at a time never trips them and holds the probe as long
as it likes. Every call the probe makes to a webhook or a Pushgateway goes through
:func:`send_within`, which closes the connection under the request at its deadline.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx


def send_within(
    method: str, url: str, timeout_s: float, deadline_s: float, **request: Any
) -> httpx.Response:
    """Send ``method url`` (``request``: httpx's ``json=``, ``content=``, ``headers=``); the
    whole exchange within ``deadline_s``, each read within ``timeout_s``. Past the deadline
    the connection is closed under the request and :class:`httpx.TimeoutException` raised."""
    client = httpx.Client(timeout=timeout_s)
    result: list[httpx.Response | BaseException] = []

    def send() -> None:
        try:
            result.append(client.request(method, url, **request))
        except BaseException as exc:  # handed to the caller's thread, whatever it is
            result.append(exc)

    worker = threading.Thread(target=send, name=f"{method.lower()}-within", daemon=True)
    worker.start()
    worker.join(deadline_s)
    if worker.is_alive():
        client.close()  # its socket goes: the blocked read ends now or at its own timeout
        worker.join(1.0)
        raise httpx.TimeoutException(f"no complete answer within {deadline_s:g} s")
    client.close()
    outcome = result[0]
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome
