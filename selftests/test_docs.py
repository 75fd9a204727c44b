"""Self-test: the README stays a front page, and every page it and docs/ link to exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selftests.helpers import ROOT

_LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)")
USER_PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PAGES = [*USER_PAGES, ROOT / "bench" / "README.md"]


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces → -."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file_and_heading_that_exist(page: Path) -> None:
    links = [(f, a) for f, a in _LINK.findall(page.read_text()) if "://" not in f]
    missing = [f for f, _ in links if f and not (page.parent / f).exists()]
    assert missing == []
    targets = [(page.parent / f if f else page, a) for f, a in links if a]
    dangling = [f"{t.name}#{a}" for t, a in targets if t.suffix == ".md" and a not in _anchors(t)]
    assert dangling == []


#: How the pages of a project's users would describe the machine this repository is built
#: on (its figures live in bench/README.md, with the machine they were measured on).
_BUILD_MACHINE = re.compile(r"\b2[- ]cores?\b|\bthis (?:shared )?machine\b|Debian 12", re.I)


@pytest.mark.parametrize("page", USER_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_user_pages_say_nothing_about_the_build_machine(page: Path) -> None:
    assert _BUILD_MACHINE.findall(page.read_text()) == []


def test_the_readme_is_a_front_page_linking_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 120
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "Use it on your shop" in first_screen and "checkout-probe init" in first_screen
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme, page.name
