"""The same journey as bench/bare_checkout.py's ``same_journey``, as a pytest-playwright test
(the benchmark repeats it with ``-p bench.repeat``)."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page

from bench.bare_checkout import same_journey


def test_same_journey(page: Page, api: httpx.Client) -> None:
    same_journey(page, api, 0)
