"""Wait until the target reports the version that was just deployed."""

from __future__ import annotations

import time
from collections.abc import Callable

from checkout_probe.basics.errors import TargetUnreachable
from checkout_probe.target.health import fetch_version


def wait_for_version(
    version_url: str,
    expected: str,
    interval_s: float,
    timeout_s: float,
    version_header: str | None = None,
    read: Callable[..., str | None] = fetch_version,
    on_poll: Callable[[str | None, float], None] | None = None,
) -> float:
    """Poll ``version_url`` until it reports ``expected``; return the seconds it took.

    Raises :class:`TargetUnreachable` (exit 3) when ``timeout_s`` passes first.
    """
    started = time.monotonic()
    seen: str | None = None
    while True:
        seen = read(version_url, version_header=version_header)
        waited = time.monotonic() - started
        if on_poll is not None:
            on_poll(seen, waited)
        if seen == expected:
            return waited
        if waited + interval_s > timeout_s:
            raise TargetUnreachable(
                f"version {expected} never went live: {version_url} still reports "
                f"{seen or 'nothing'} after {waited:.0f} s (--version-timeout {timeout_s:.0f})"
            )
        # Polling a remote endpoint on an interval is the point here, not a UI wait.
        time.sleep(interval_s)
