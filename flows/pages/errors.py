"""How the demo shop shows that something went wrong: alerts and its error page."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

# The shop's error pages (404, 500) have these h1 titles.
_ERROR_TITLES = re.compile(r"^(Something went wrong|Page not found|Not found)$")


def error_indicators(page: Page) -> Locator:
    """Anything on the page that says a step did not work: an alert or an error page."""
    return page.get_by_role("alert").or_(page.get_by_role("heading", name=_ERROR_TITLES, level=1))
