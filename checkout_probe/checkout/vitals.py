"""Web vitals per journey step, measured in the page with the browser's Performance APIs.

An init script in the top document of every page observes its navigation timing (TTFB),
paints (FCP), largest-contentful-paint candidates (LCP), layout shifts (CLS) and event
timings of interactions (INP). No script comes from elsewhere: it is this module's text.

Attribution, as a shopper would live it:

- TTFB, FCP and LCP belong to the step during which their document started (the step
  whose click or ``goto`` opened the page);
- layout shifts and interactions belong to the step running when they happened: a step's
  CLS is its largest session window of shifts (less than 1 s apart, at most 5 s long,
  shifts right after input excluded), and its INP its slowest interaction (interactions
  under 16 ms, the Event Timing API's floor, are not measured: good by any threshold).

An LCP that grows after its step ended (a hero image that arrives late) is in the figures,
and is reported, but fails no step that was judged at its end: that step had ended.

The steps only mark their start and end; the page is read once the checkout is over (one
call into the page, ``Journey.finish_vitals``), or at the end of a step the environment
fails on its vitals. Each document stored its final values in the shop origin's
``sessionStorage`` as it was left (``pagehide``; a binding or console call from a document
being unloaded never reaches Playwright), so the last read sees every page of the checkout;
those of a document on another origin (a provider's redirect page) are lost. A page load
belongs to the step running when its document started (its navigation start, mapped to
the harness's clock), so reading late changes no attribution.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from checkout_probe.settings.vital_budgets import METRICS

#: CLS is a score; the others are milliseconds.
TIMED = ("LCP", "INP", "FCP", "TTFB")
#: Where a document leaves its final values as it goes (the shop origin's sessionStorage):
#: a binding or console call from a document being unloaded never reaches Playwright.
STORAGE_KEY = "__checkoutProbeVitals"

VITALS_SCRIPT = (
    "(() => {"
    " if (window !== window.top || window.__cpVitals) return;"
    f" const key = {json.dumps(STORAGE_KEY)};"
    " const s = {id: Math.random().toString(36).slice(2), origin: performance.timeOrigin,"
    "  ttfb: null, fcp: null, lcp: null, shifts: [], events: {}};"
    " const observers = [];"
    " const watch = (type, each, extra) => { try { const o = new PerformanceObserver("
    "  (list) => list.getEntries().forEach(each)); o.observe(Object.assign("
    "  {type: type, buffered: true}, extra || {})); observers.push([o, each]); } catch (e) {} };"
    " watch('navigation', (e) => { s.ttfb = Math.max(0, e.responseStart); });"
    " watch('paint', (e) => { if (e.name === 'first-contentful-paint') s.fcp = e.startTime; });"
    " watch('largest-contentful-paint', (e) => { s.lcp = e.startTime; });"
    " watch('layout-shift', (e) => {"
    "  if (!e.hadRecentInput && s.shifts.length < 500) s.shifts.push([e.startTime, e.value]); });"
    " watch('event', (e) => { if (!e.interactionId) return;"
    "  const seen = s.events[e.interactionId];"
    "  if (!seen || e.duration > seen[0]) s.events[e.interactionId] = [e.duration, e.startTime]; },"
    "  {durationThreshold: 16});"
    # Entries queued but not yet delivered to the observers (a shift in the frame just
    # painted) are taken now, so a read right after the page changed sees the change.
    " const record = () => { observers.forEach(([o, each]) => o.takeRecords().forEach(each));"
    "  return Object.assign({}, s, {events: Object.values(s.events)}); };"
    " const left = () => { try { return JSON.parse(sessionStorage.getItem(key) || '[]'); }"
    "  catch (e) { return []; } };"
    # A document read before its first paint (its heading is in the DOM, not yet on
    # screen) has no FCP or LCP yet: the read waits for that paint (the frame, then the
    # task after it, when paint entries are queued), at most 100 ms for a hidden page.
    " const painted = () => new Promise((done) => { requestAnimationFrame("
    "  () => setTimeout(done, 0)); setTimeout(done, 100); });"
    " window.__cpVitals = () => (s.fcp === null ? painted() : Promise.resolve()).then("
    "  () => JSON.stringify({now: performance.timeOrigin + performance.now(),"
    "  documents: left().concat([record()])}));"
    " addEventListener('pagehide', () => { try { const kept = left().filter("
    "  (r) => r.id !== s.id).slice(-99); kept.push(record());"
    "  sessionStorage.setItem(key, JSON.stringify(kept)); } catch (e) {} });"
    "})();"
)


def cumulative_layout_shift(shifts: list[tuple[float, float]]) -> float:
    """CLS of ``(time in s, score)`` shifts: the largest session window, a window being
    shifts less than 1 s apart and at most 5 s long (web.dev's definition)."""
    best = window = 0.0
    first = last = float("-inf")
    for when, score in sorted(shifts):
        if when - last < 1.0 and when - first < 5.0:
            window += score
        else:
            window, first = score, when
        last = when
        best = max(best, window)
    return best


@dataclass
class _PageLoad:
    #: When the document started (its navigation), on our clock (perf_counter seconds).
    started: float
    values: dict[str, float] = field(default_factory=dict)


class VitalsRecorder:
    """Collects the vitals of one checkout's pages, by step; see the module docstring.

    The steps only mark their start and end (no call into the page); the page is read
    when its values are wanted (:meth:`sample`), usually once, after the last step.
    Each value is then given to its step by time: a page load to the step running when
    its document started, a shift or an interaction to the step running when it happened.
    """

    def __init__(self) -> None:
        self._loads: dict[str, _PageLoad] = {}
        #: Interactions: (when, in perf_counter seconds; duration in ms), by document and time.
        self._interactions: dict[tuple[str, float], tuple[float, float]] = {}
        #: Layout shifts: (when, score), by document and time.
        self._shifts: dict[tuple[str, float], tuple[float, float]] = {}
        #: Each step's index, started and ended (perf_counter); the running one ends at inf.
        self._windows: list[tuple[int, float, float]] = []

    def attach(self, context: BrowserContext) -> None:
        """Measure every page of ``context`` (top documents only)."""
        context.add_init_script(VITALS_SCRIPT)

    def step_started(self, index: int) -> None:
        """Step ``index`` (its place in the journey's steps) runs from now."""
        self._windows.append((index, time.perf_counter(), float("inf")))

    def step_ended(self) -> None:
        """The running step ended now."""
        if self._windows:
            index, started, _ = self._windows[-1]
            self._windows[-1] = (index, started, time.perf_counter())

    def sample(self, page: Page) -> None:
        """Read the values of the current document and of those left before it (one call
        into the page, which waits for the current document's first paint if it is due)."""
        try:
            # A navigation that hangs (the server accepted and never answered) leaves no
            # document to run script in, and evaluate would wait for one without end.
            page.wait_for_function("true", timeout=1_000)
            sent = time.perf_counter()
            payload = page.evaluate("() => window.__cpVitals ? window.__cpVitals() : null")
        except PlaywrightError:  # the page is gone or navigating: its pagehide report covers it
            return
        if payload:
            # The page's clock differs from ours: its "now" is taken half-way through the call.
            self._update(str(payload), (sent + time.perf_counter()) / 2)

    def _update(self, payload: str, read_at: float) -> None:
        try:
            data: dict[str, Any] = json.loads(payload)
            now_ms = float(data["now"])
            documents = list(data["documents"])
        except (ValueError, KeyError, TypeError):
            return

        def ours(origin: float, page_ms: float) -> float:
            # An entry's age at the read is the same on both clocks.
            return read_at - (now_ms - origin - float(page_ms)) / 1000

        for doc in documents:
            document, origin = str(doc.get("id")), float(doc.get("origin") or 0.0)
            load = self._loads.setdefault(document, _PageLoad(ours(origin, 0.0)))
            for metric, key in (("TTFB", "ttfb"), ("FCP", "fcp"), ("LCP", "lcp")):
                value = doc.get(key)
                if isinstance(value, int | float):
                    load.values[metric] = float(value)
            for started_ms, score in doc.get("shifts") or ():
                when = ours(origin, started_ms)
                self._shifts[(document, float(started_ms))] = (when, float(score))
            for duration, started_ms in doc.get("events") or ():
                when = ours(origin, started_ms)
                self._interactions[(document, float(started_ms))] = (when, float(duration))

    def _step_at(self, when: float) -> int | None:
        """The step running at ``when``; between steps, the one that ran last before it."""
        latest = None
        for index, started, _ in self._windows:
            if started <= when:
                latest = index
        return latest

    def for_step(self, index: int) -> dict[str, float]:
        """The vitals of step ``index``: TTFB, FCP and LCP of the page it opened (the latest,
        where it opened several), the layout shifts and the slowest interaction during it."""
        values: dict[str, float] = {}
        for load in sorted(self._loads.values(), key=lambda load: load.started):
            if self._step_at(load.started) == index:
                values.update(load.values)
        window = next((w for w in self._windows if w[0] == index), None)
        if window is not None:
            _, started, ended = window
            durations = [d for when, d in self._interactions.values() if started <= when < ended]
            if durations:
                values["INP"] = max(durations)
            if values:  # a step that showed a page: the shifts it saw, 0 for none
                by_document: dict[str, list[tuple[float, float]]] = {}
                for (document, _), (when, score) in self._shifts.items():
                    if started <= when < ended:
                        by_document.setdefault(document, []).append((when, score))
                values["CLS"] = max(
                    (cumulative_layout_shift(s) for s in by_document.values()), default=0.0
                )
        return {m: round(values[m], 4 if m == "CLS" else 1) for m in METRICS if m in values}
