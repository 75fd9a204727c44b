"""One cheap HTTP check of the target before any browser starts.

An unreachable target (refused, DNS, TLS, timeout) stops the run with exit 3
instead of a browser timeout per test. Under the ``healthy`` policy a health
report that names a failing dependency stops it too, naming the dependency. A
target without a health endpoint is checked by loading its home page.
"""

from __future__ import annotations

import ssl

import httpx

from checkout_probe.basics.errors import TargetUnhealthy, TargetUnreachable
from checkout_probe.target import Target
from checkout_probe.target.health import HealthSnapshot


def _reach(url: str, timeout_s: float) -> httpx.Response:
    try:
        return httpx.get(url, timeout=timeout_s, follow_redirects=True)
    except httpx.ConnectError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ssl.SSLError) or "SSL" in str(exc) or "certificate" in str(exc):
            raise TargetUnreachable(f"TLS error talking to {url}: {exc}") from None
        if "Name or service not known" in str(exc) or "nodename" in str(exc):
            raise TargetUnreachable(f"cannot resolve the host of {url}: check the URL") from None
        raise TargetUnreachable(f"cannot connect to {url}: {exc} — is the shop up?") from None
    except httpx.TimeoutException:
        raise TargetUnreachable(f"{url} did not answer within {timeout_s:.0f} s") from None
    except httpx.HTTPError as exc:
        raise TargetUnreachable(f"cannot reach {url}: {exc}") from None


def preflight(target: Target, policy: str, timeout_s: float = 5.0) -> HealthSnapshot | None:
    """Check ``target`` under ``policy`` (healthy, reachable, off); raise if it must stop."""
    if policy == "off":
        return None
    url = target.health_url or target.base_url + "/"
    _reach(url, timeout_s)
    if target.health_url is None:
        return None
    health = target.read_health(timeout_s)
    assert health is not None  # the target has a health URL
    if policy == "healthy" and health.down:
        raise TargetUnhealthy(
            f"preflight: {target.health_url} reports {health.describe()}; "
            "not starting browsers (the shop is not healthy)"
        )
    return health
