"""The accessibility of a checkout's pages: axe-core, run once per distinct page; each page's
violations go to the step that acts on it, judged by ``a11y_fail``
(:mod:`~checkout_probe.checkout.step_accessibility`).

axe-core comes bundled: its ``axe.min.js`` as the ``axe-playwright-python`` wheel ships it
(MPL-2.0, Deque Systems), evaluated into the page as text, never loaded from a URL. Only the
WCAG 2.0/2.1 A and AA rules run, and only their violations come back, mapped in the page to
rule, impact, help text and a few CSS targets: axe's ``html`` snippets (which may hold what
the shopper typed) never leave the browser, and what does is redacted with the checkout's
secrets anyway.

When: a page is checked when the journey sees it shown (``journey.wait_for_page``) and
when a step ends on it, once the page and its frames have loaded. A page's violations
belong to the step that acts on it: the one that left it, or, for the page a step ends
on, the next step (``pay`` for the payment form that ``shipping method`` opened).

Once per distinct page: a document whose URL (without its fragment) was checked earlier in
the same checkout is not checked again. The same URL renders the same markup here (the
catalog opened again for the next item), so a second run would cost as much and report
the same violations twice; what script changes on a page after its check is not seen.

Once per shop version in a process: axe costs a tenth to a third of a second per page on a
small machine, and the probe and the suites open the same pages checkout after checkout. So
a document's findings are kept in the process (:class:`Findings`, the 512 most recently
used), keyed by its URL (ids in its path as one: :func:`page_key`) and the shop version
that served it (``Shop.version_header``; a shop without one: for an hour), and
a later checkout of the same page gets them without running axe again: every checkout still
reports, and fails on, the violations of every page it saw, and a deploy checks afresh.

Frames: axe-core reaches into a frame only when it runs there too, and a payment
provider's frame is of another origin; Playwright can run script in every frame, so each
frame is checked on its own (once per frame URL) and its targets start with the frame
element's selector (``#card-frame >>> #card-number``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

from checkout_probe.basics.redact import redact
from checkout_probe.checkout.a11y_findings import Findings, FrameFindings, page_key
from checkout_probe.evidence.accessibility import MAX_TARGETS, Violation

log = logging.getLogger(__name__)

#: The rules that run: WCAG 2.0 and 2.1, levels A and AA (not axe's best practices).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

#: Longest wait for a page's frames to load before its check (it checks what is there then).
LOAD_WAIT_MS = 5_000

#: Runs axe in one frame and returns only what is kept: never a node's ``html``, and a
#: selector's ``[value=…]`` (an attribute axe may pick) without its value.
_RUN = """async ([tags, most]) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"], iframes: false,
    elementRef: false, ancestry: false, xpath: false,
  });
  const clean = (s) => s.replace(/\\[value[^\\]]*\\]/g, "[value]");
  return result.violations.map((v) => ({
    rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    targets: v.nodes.slice(0, most).map((n) => clean(n.target.flat(Infinity).join(" >>> "))),
  }));
}"""
_HAS_AXE = "() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"
#: A frame element's selector, as axe writes one (axe's own needs a run in progress).
_SELECTOR = """(el) => el.id ? "#" + CSS.escape(el.id)
  : el.title ? `${el.localName}[title="${el.title.replace(/"/g, '\\"')}"]` : el.localName"""


@cache
def axe_source() -> str:
    """axe-core's script, as the ``axe-playwright-python`` wheel ships it."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def page_path(url: str) -> str:
    """A page's path and query, as reports name it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") or "/"


@dataclass
class PageCheck:
    """The violations of one page (with its frames) as checked once."""

    url: str
    violations: list[Violation] = field(default_factory=list)
    seconds: float = 0.0


class AxeChecker:
    """Runs axe-core in a checkout's pages, each distinct document once."""

    def __init__(
        self,
        secrets: tuple[str, ...] = (),
        version: Callable[[], str | None] = lambda: None,
        findings: Findings | None = None,
    ) -> None:
        self.secrets = secrets
        #: The shop version the checkout's pages came from (``Shop.version_header``).
        self.version = version
        #: Findings already made in this process (None: every page is checked afresh).
        self.findings = findings
        #: The documents checked in this checkout (see :func:`page_key`).
        self.checked: set[str] = set()
        #: Seconds spent in axe (not in loading the pages) over the checkout.
        self.seconds = 0.0

    def check(self, page: Page) -> PageCheck | None:
        """Check ``page`` and its frames not checked yet; None when there were none (its
        document and frames were checked already, or it is not a web page)."""
        url = page_url(page)
        if not _is_web(url):
            return None
        known = self._known_page(url)
        if known is not None:
            return known
        if not any(self._new(f.url) for f in page.frames):
            return None
        # Its frames too (the payment provider's form); past the wait, checked as it is (a
        # frame still loading is checked at the next chance, once its URL is there).
        loaded = True
        try:
            page.wait_for_load_state("load", timeout=LOAD_WAIT_MS)
        except PlaywrightError:
            loaded = False
        started = time.perf_counter()
        result, frames = PageCheck(url), list[FrameFindings]()
        version = self.version()
        self._check_frame(page.main_frame, page_path(url), "", result, frames)
        if loaded and self.findings is not None and frames and frames[0].key == page_key(url):
            self.findings.put_page(page_key(url), version, frames)
        result.seconds = time.perf_counter() - started
        self.seconds += result.seconds
        return result

    def _known_page(self, url: str) -> PageCheck | None:
        """The page with its frames as an earlier checkout saw them loaded: no waiting for
        its load, no walk of its frames (a round trip each); None if not known."""
        key = page_key(url)
        if self.findings is None or key in self.checked:
            return None
        frames = self.findings.page(key, self.version())
        if frames is None:
            return None
        result = PageCheck(url)
        for frame in frames:
            if frame.key not in self.checked:
                self.checked.add(frame.key)
                result.violations += [
                    self._violation(v, page_path(url), frame.prefix) for v in frame.found
                ]
        return result

    def _check_frame(
        self, frame: Frame, page: str, prefix: str, result: PageCheck, seen: list[FrameFindings]
    ) -> None:
        url = frame.url
        if self._new(url):
            version = self.version()
            found = self.findings.get(page_key(url), version) if self.findings else None
            try:
                if found is None:
                    found = self._run_axe(frame)
                    if self.findings is not None:
                        self.findings.put(page_key(url), version, found)
            except PlaywrightError as exc:  # it navigated or went away: checked next time
                log.info("accessibility check of %s skipped: %s", page_key(url), exc)
                return
            self.checked.add(page_key(url))
            seen.append(FrameFindings(prefix, page_key(url), found))
            result.violations += [self._violation(v, page, prefix) for v in found]
        for child in frame.child_frames:
            try:
                selector = child.frame_element().evaluate(_SELECTOR)
            except PlaywrightError as exc:  # detached while we looked
                log.info("accessibility check of frame %s skipped: %s", child.url, exc)
                continue
            self._check_frame(child, page, f"{prefix}{selector} >>> ", result, seen)

    @staticmethod
    def _run_axe(frame: Frame) -> list[dict[str, Any]]:
        if not frame.evaluate(_HAS_AXE):
            frame.evaluate(axe_source())
        found: list[dict[str, Any]] = frame.evaluate(_RUN, [list(WCAG_TAGS), MAX_TARGETS])
        return found

    def _new(self, url: str) -> bool:
        return _is_web(url) and page_key(url) not in self.checked

    def _violation(self, found: dict[str, Any], page: str, prefix: str) -> Violation:
        def clean(text: Any) -> str:
            return redact(str(text), self.secrets)

        return Violation(
            rule=clean(found["rule"]),
            impact=found.get("impact"),
            help=clean(found.get("help", "")),
            page=clean(page),
            nodes=int(found.get("nodes", 0)),
            targets=tuple(clean(prefix + t) for t in found.get("targets", ())),
        )


def _is_web(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def page_url(page: Page) -> str:
    """The page's URL, "" when it is gone."""
    try:
        return page.url
    except PlaywrightError:
        return ""
