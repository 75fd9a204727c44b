"""An HTTP request with a deadline for the whole exchange, not only for each read.

httpx's (and urllib's) timeouts bound each connect, read and write: a receiver that
trickles its answer a header line at a time never trips them and holds the probe as long
as it likes. Every call the probe makes to a webhook or a Pushgateway goes through
:func:`send_within`, which closes the connection under the request at its deadline.
"""

from __future__ import annotations

from typing import Any

import httpx

from checkout_probe.basics.within import Late, call_within


def send_within(
    method: str, url: str, timeout_s: float, deadline_s: float, **request: Any
) -> httpx.Response:
    """Send ``method url`` (``request``: httpx's ``json=``, ``content=``, ``headers=``); the
    whole exchange within ``deadline_s``, each read within ``timeout_s``. Past the deadline
    the connection is closed under the request and :class:`httpx.TimeoutException` raised."""
    client = httpx.Client(timeout=timeout_s)
    try:
        # Past the deadline its socket goes: the blocked read ends now or at its own timeout.
        return call_within(deadline_s, lambda: client.request(method, url, **request),
                           f"{method.lower()}-within", on_late=client.close)  # fmt: skip
    except Late as late:
        raise httpx.TimeoutException(str(late)) from None
    finally:
        client.close()
