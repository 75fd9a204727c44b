"""How the oscar shop tells a shopper something went wrong."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

#: Django's and Oscar's error pages (DEBUG off) have these h1 titles.
_ERROR_TITLES = re.compile(r"^(Server Error \(500\)|Server error!|Not Found|Bad Request \(400\))$")


def error_indicators(page: Page) -> Locator:
    """Oscar's error messages, or an error page.

    Oscar renders errors as Bootstrap ``.alert-danger`` boxes without an ARIA role, so
    this is CSS; the error pages are found by their heading.
    """
    return page.locator(".alert-danger").or_(
        page.get_by_role("heading", name=_ERROR_TITLES, level=1)
    )
