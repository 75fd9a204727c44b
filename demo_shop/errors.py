"""Turning exceptions into short, single-line messages for logs, JSON and /health."""

from __future__ import annotations

MAX_ERROR_LENGTH = 200


def first_line(exc: BaseException | str, limit: int = MAX_ERROR_LENGTH) -> str:
    """The first line of ``exc``'s message, at most ``limit`` characters.

    SQLAlchemy appends a "Background on this error" line; shoppers and dashboards
    only need the driver's own message.
    """
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line[:limit]
