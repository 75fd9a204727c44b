"""The bare script's journey as a plain pytest-playwright test: its ``page`` and ``--base-url``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest


@pytest.fixture
def api(base_url: str) -> Iterator[httpx.Client]:
    """The demo shop's API, with the token the benchmark started it with."""
    headers = {"Authorization": f"Bearer {os.environ['BENCH_API_TOKEN']}"}
    with httpx.Client(base_url=base_url, headers=headers) as client:
        yield client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """The same Chromium as the other kinds (this machine has no Playwright download)."""
    executable = os.environ.get("BENCH_CHROMIUM")
    return {**browser_type_launch_args, **({"executable_path": executable} if executable else {})}
