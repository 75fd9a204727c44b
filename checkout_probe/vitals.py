"""Web vitals per journey step, measured in the page with the browser's Performance APIs.

An init script in the top document of every page observes its navigation timing (TTFB),
paints (FCP), largest-contentful-paint candidates (LCP), layout shifts (CLS, in session
windows of at most 5 s with gaps under 1 s, shifts right after input excluded) and event
timings of interactions (INP). No script comes from elsewhere: it is this module's text.

Attribution, as a shopper would live it:

- a page load's TTFB, FCP, LCP and CLS belong to the step during which that document
  started (the step whose click or ``goto`` opened it);
- an interaction belongs to the step running when it happened; a step's INP is its
  slowest interaction (interactions under 16 ms, the Event Timing API's floor, are not
  measured: they are good by any threshold).

The journey reads the current document's values at the end of each step (one call); a
document that is left reports its final values through a binding as it goes (``pagehide``),
so shifts and interactions after the last read are not lost.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

#: The metrics, as the Core Web Vitals documentation names them.
METRICS = ("LCP", "CLS", "INP", "FCP", "TTFB")
#: CLS is a score; the others are milliseconds.
TIMED = ("LCP", "INP", "FCP", "TTFB")
BINDING = "__checkoutProbeVitals"

VITALS_SCRIPT = (
    "(() => {"
    " if (window !== window.top || window.__cpVitals) return;"
    " const s = {id: Math.random().toString(36).slice(2), ttfb: null, fcp: null, lcp: null,"
    "  cls: 0, events: {}};"
    " let win = 0, first = 0, last = 0;"
    " const watch = (type, each, extra) => { try { new PerformanceObserver("
    "  (list) => list.getEntries().forEach(each)).observe(Object.assign("
    "  {type: type, buffered: true}, extra || {})); } catch (e) {} };"
    " watch('navigation', (e) => { s.ttfb = Math.max(0, e.responseStart); });"
    " watch('paint', (e) => { if (e.name === 'first-contentful-paint') s.fcp = e.startTime; });"
    " watch('largest-contentful-paint', (e) => { s.lcp = e.startTime; });"
    " watch('layout-shift', (e) => { if (e.hadRecentInput) return;"
    "  if (win && e.startTime - last < 1000 && e.startTime - first < 5000) win += e.value;"
    "  else { win = e.value; first = e.startTime; }"
    "  last = e.startTime; s.cls = Math.max(s.cls, win); });"
    " watch('event', (e) => { if (!e.interactionId) return;"
    "  const seen = s.events[e.interactionId];"
    "  if (!seen || e.duration > seen[0]) s.events[e.interactionId] = [e.duration, e.startTime]; },"
    "  {durationThreshold: 16});"
    " window.__cpVitals = () => JSON.stringify({id: s.id, ttfb: s.ttfb, fcp: s.fcp, lcp: s.lcp,"
    "  cls: s.cls, now: performance.now(), events: Object.values(s.events)});"
    f" addEventListener('pagehide', () => {{ try {{ window.{BINDING}(window.__cpVitals()); }}"
    " catch (e) {} });"
    "})();"
)


@dataclass
class _PageLoad:
    step_index: int
    values: dict[str, float] = field(default_factory=dict)


class VitalsRecorder:
    """Collects the vitals of one checkout's pages, by step; see the module docstring."""

    def __init__(self) -> None:
        self._loads: dict[str, _PageLoad] = {}
        #: Interactions: (when, in perf_counter seconds; duration in ms), by interaction.
        self._interactions: dict[tuple[str, float], tuple[float, float]] = {}
        #: Each step's index, started and ended (perf_counter); the running one ends at inf.
        self._windows: list[tuple[int, float, float]] = []
        self._step_index = -1

    def attach(self, context: BrowserContext) -> None:
        """Measure every page of ``context`` (top documents only)."""
        context.add_init_script(VITALS_SCRIPT)
        context.expose_binding(BINDING, lambda _source, payload: self._update(str(payload)))

    def step_started(self, index: int) -> None:
        """Step ``index`` (its place in the journey's steps) runs from now."""
        self._step_index = index
        self._windows.append((index, time.perf_counter(), float("inf")))

    def step_ended(self, page: Page) -> None:
        """Read the current document's values, and close the running step's window."""
        self.sample(page)
        if self._windows:
            index, started, _ = self._windows[-1]
            self._windows[-1] = (index, started, time.perf_counter())

    def sample(self, page: Page) -> None:
        """Read the current document's values now (one call into the page)."""
        try:
            payload = page.evaluate("() => window.__cpVitals ? window.__cpVitals() : null")
        except PlaywrightError:  # the page is gone or navigating: its pagehide report covers it
            return
        if payload:
            self._update(str(payload))

    def _update(self, payload: str) -> None:
        try:
            data: dict[str, Any] = json.loads(payload)
        except ValueError:
            return
        received = time.perf_counter()
        load = self._loads.setdefault(str(data.get("id")), _PageLoad(max(self._step_index, 0)))
        for metric, key in (("TTFB", "ttfb"), ("FCP", "fcp"), ("LCP", "lcp"), ("CLS", "cls")):
            value = data.get(key)
            if isinstance(value, int | float):
                load.values[metric] = float(value)
        now_ms = float(data.get("now") or 0.0)
        for duration, started_ms in data.get("events") or ():
            # The page's clock differs from ours; its age at the read does not.
            when = received - (now_ms - float(started_ms)) / 1000
            self._interactions[(str(data.get("id")), float(started_ms))] = (when, float(duration))

    def for_step(self, index: int) -> dict[str, float]:
        """The vitals step ``index`` caused: its page loads' (the latest one's, where
        it opened several) and its slowest interaction."""
        values: dict[str, float] = {}
        for load in self._loads.values():
            if load.step_index == index:
                values.update(load.values)
        window = next((w for w in self._windows if w[0] == index), None)
        if window is not None:
            durations = [
                d for when, d in self._interactions.values() if window[1] <= when < window[2]
            ]
            if durations:
                values["INP"] = max(durations)
        return {m: round(values[m], 4 if m == "CLS" else 1) for m in METRICS if m in values}


def amount(metric: str, value: float) -> str:
    """``3.10 s``, ``240 ms`` or (CLS) ``0.31``."""
    if metric == "CLS":
        return f"{value:.2f}"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.0f} ms"


def describe(metric: str, value: float) -> str:
    """``LCP 3.10 s``, ``INP 240 ms``, ``CLS 0.31``."""
    return f"{metric} {amount(metric, value)}"
