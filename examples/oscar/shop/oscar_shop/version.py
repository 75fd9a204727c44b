"""``X-Shop-Version`` on every response, and ``/health``: what a real shop's ops would add."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse


class VersionHeaderMiddleware:
    """Tag responses with the deployed version."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["X-Shop-Version"] = settings.SHOP_VERSION
        return response


def health(request: HttpRequest) -> JsonResponse:
    """Each database connection, opened and queried: which dependency is down, if any."""
    components: dict[str, Any] = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            components[f"{alias} database"] = {"status": "ok"}
        except Exception as exc:  # the point is to report it
            components[f"{alias} database"] = {"status": "down", "error": str(exc)}
    down = any(c["status"] != "ok" for c in components.values())
    return JsonResponse(
        {
            "status": "degraded" if down else "ok",
            "version": settings.SHOP_VERSION,
            "components": components,
        },
        status=503 if down else 200,
    )


def version(request: HttpRequest) -> JsonResponse:
    """The deployed version."""
    return JsonResponse({"version": settings.SHOP_VERSION})
