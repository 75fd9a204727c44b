"""Self-test: the README stays a front page, and every page it and docs/ link to exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selftests.helpers import ROOT

_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file_that_exists(page: Path) -> None:
    links = [m for m in _LINK.findall(page.read_text()) if "://" not in m]
    missing = [link for link in links if not (page.parent / link).exists()]
    assert missing == []


def test_the_readme_is_a_front_page_linking_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 120
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "Use it on your shop" in first_screen and "checkout-probe init" in first_screen
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme, page.name
