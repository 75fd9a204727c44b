"""Recognising the test harness's synthetic traffic (the ``X-Synthetic-Run`` header)."""

from __future__ import annotations

from flask import request

SYNTHETIC_RUN_HEADER = "X-Synthetic-Run"
# Matches the width of the ``synthetic_run`` columns on orders and users.
MAX_SYNTHETIC_RUN_LENGTH = 200


def normalize_run(value: str | None) -> str | None:
    """``value`` cut to the stored width, or ``None`` when it is missing or blank."""
    if value is None or not value.strip():
        return None
    return value[:MAX_SYNTHETIC_RUN_LENGTH]


def synthetic_run() -> str | None:
    """The run id the current request is marked with, or ``None`` for real traffic."""
    return normalize_run(request.headers.get(SYNTHETIC_RUN_HEADER))
