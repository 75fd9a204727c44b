"""Remove what tests created in the shop (orders, accounts) through configured endpoints.

Each environment names the calls (``cleanup_order = "DELETE /api/orders/{number}"``).
A failed cleanup is returned as a result for the report, never dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

import httpx

from checkout_probe.environments import Environment
from checkout_probe.redact import redact
from checkout_probe.target import Target


@dataclass(frozen=True)
class Created:
    """Something a test created in the shop: ``kind`` is "order" or "account"."""

    kind: str
    key: str


@dataclass(frozen=True)
class CleanupResult:
    """The outcome of removing one created thing."""

    kind: str
    key: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the run summary."""
        return asdict(self)


def _call_for(env: Environment, kind: str) -> str | None:
    return {"order": env.cleanup_order, "account": env.cleanup_account}.get(kind)


def clean_up(target: Target, env: Environment, created: list[Created]) -> list[CleanupResult]:
    """Undo every created thing, newest first; one result each."""
    results = []
    with httpx.Client(
        base_url=target.base_url, headers=target.auth_headers(), timeout=5.0
    ) as client:
        for item in reversed(created):
            call = _call_for(env, item.kind)
            if not call:
                results.append(
                    CleanupResult(item.kind, item.key, False, f"no cleanup_{item.kind} configured")
                )
                continue
            method, _, template = call.partition(" ")
            path = template.format(number=quote(item.key), email=quote(item.key))
            try:
                response = client.request(method, path)
            except httpx.HTTPError as exc:
                results.append(CleanupResult(item.kind, item.key, False, f"{method} {path}: {exc}"))
                continue
            ok = response.status_code < 300
            detail = f"{method} {path} → {response.status_code}"
            if not ok:
                detail += " " + redact(" ".join(response.text.split())[:200], target.secrets())
            results.append(CleanupResult(item.kind, item.key, ok, detail))
    return results


def leftovers(target: Target, env: Environment, run_id: str) -> dict[str, Any]:
    """The synthetic data of ``run_id`` the shop still holds (its ``leftovers_path``)."""
    if not env.leftovers_path:
        return {}
    response = httpx.get(
        target.base_url + env.leftovers_path,
        params={"run": run_id},
        headers=target.auth_headers(),
        timeout=5.0,
    )
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data
