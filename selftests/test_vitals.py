"""Web vitals: the CLS definition, budgets and their judgement, and the in-page measurement
attributed to steps (a real Chromium on a page served by a route)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Route

from checkout_probe.checkout.vitals import VitalsRecorder, cumulative_layout_shift
from checkout_probe.settings.vital_budgets import GOOD, VitalBudgets, describe, parse_budgets


def test_cls_is_the_largest_session_window_not_the_sum_of_all_shifts() -> None:
    # Two bursts 3 s apart: 0.05 + 0.04, then 0.08 alone; the worse burst counts.
    assert cumulative_layout_shift([(0.0, 0.05), (0.5, 0.04), (3.5, 0.08)]) == pytest.approx(0.09)
    # A window closes after 5 s even with shifts every 0.9 s.
    shifts = [(i * 0.9, 0.02) for i in range(8)]  # 0 … 6.3 s
    assert cumulative_layout_shift(shifts) == pytest.approx(0.12)
    assert cumulative_layout_shift([]) == 0.0


def test_defaults_are_the_core_web_vitals_good_thresholds() -> None:
    assert dict(GOOD) == {"LCP": 2500, "INP": 200, "CLS": 0.1, "FCP": 1800, "TTFB": 800}
    budgets = VitalBudgets()
    assert budgets.breaches("pay", {"LCP": 2500.0, "CLS": 0.1, "INP": 120.0}) == []
    assert budgets.breaches("pay", {"LCP": 3100.0, "CLS": 0.31, "INP": 240.0}) == [
        "LCP 3.10 s over its 2.50 s budget",
        "CLS 0.31 over its 0.10 budget",
        "INP 240 ms over its 200 ms budget",
    ]
    assert not budgets.fails("pay"), "a breach fails nothing unless the project asks"


def test_an_environment_overrides_budgets_for_every_step_and_per_step() -> None:
    steps = {"pay", "place order"}

    def check(step: str, where: str) -> None:
        assert step in steps, f"{where}: unknown step '{step}'"

    budgets = parse_budgets(
        "env", {"LCP": 4000, "place order": {"INP": 500}}, ["place order"], check
    )
    assert budgets.for_step("pay") == {**GOOD, "LCP": 4000.0}
    assert budgets.for_step("place order") == {**GOOD, "LCP": 4000.0, "INP": 500.0}
    assert budgets.breaches("place order", {"INP": 450.0}) == []
    assert budgets.breaches("pay", {"INP": 450.0}) == ["INP 450 ms over its 200 ms budget"]
    assert budgets.fails("place order") and not budgets.fails("pay")
    assert parse_budgets("env", {}, True, check).fails("pay")


def test_describe_reads_like_the_metric() -> None:
    assert [describe("LCP", 812.0), describe("CLS", 0.0412), describe("TTFB", 1500.0)] == [
        "LCP 812 ms",
        "CLS 0.04",
        "TTFB 1.50 s",
    ]


#: A page that paints, then lets a banner push its content down when the button is
#: pressed and a moment later (the shift the shopper did not cause), and a link away.
SHIFTING_PAGE = """<!doctype html><html><body style="margin:0;font:16px sans-serif">
<h1>Catalog</h1>
<div id="top"></div>
<p style="height:200px">Products …</p>
<button id="slow">Slow button</button>
<a href="/next">next page</a>
<script>
document.getElementById("slow").addEventListener("click", () => {
  const until = performance.now() + 300; while (performance.now() < until) {}  // blocks: INP
  setTimeout(() => {
    const banner = document.createElement("div");
    banner.style.height = "300px"; banner.textContent = "banner";
    document.getElementById("top").appendChild(banner);
  }, 600);  // after the 500 ms in which a shift counts as caused by the click
});
</script></body></html>"""


@pytest.fixture
def measured(browser: Browser) -> Iterator[tuple[BrowserContext, VitalsRecorder]]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})

    def serve(route: Route) -> None:
        next_page = route.request.url.endswith("/next")
        body = "<!doctype html><h1>Next</h1>" if next_page else SHIFTING_PAGE
        route.fulfill(body=body, content_type="text/html")

    context.route("http://vitals.test/**", serve)
    recorder = VitalsRecorder()
    recorder.attach(context)
    yield context, recorder
    context.close()


def test_vitals_are_measured_in_the_page_and_given_to_the_step_that_caused_them(
    measured: tuple[BrowserContext, VitalsRecorder],
) -> None:
    context, recorder = measured
    page = context.new_page()
    recorder.step_started(0)  # "open": its page's TTFB, FCP and LCP
    page.goto("http://vitals.test/")
    page.get_by_role("heading", name="Catalog").wait_for()
    recorder.step_ended()
    recorder.step_started(1)  # "press": a 300 ms interaction, then a shift 600 ms later
    page.get_by_role("button", name="Slow button").click()
    page.get_by_text("banner").wait_for()
    recorder.step_ended()
    recorder.step_started(2)  # "leave": a new page, no shift of its own
    page.get_by_role("link", name="next page").click()
    page.get_by_role("heading", name="Next").wait_for()
    recorder.step_ended()
    # Read once, after the last step (as a journey does): each value still finds its step.
    recorder.sample(page)

    opened, pressed, left = (recorder.for_step(i) for i in range(3))
    assert {"TTFB", "FCP", "LCP"} <= set(opened) and opened["CLS"] == 0.0
    assert 0 < opened["FCP"] <= opened["LCP"] < 2500
    assert "INP" not in opened
    assert pressed["INP"] >= 300, pressed
    assert pressed["CLS"] > 0.1, pressed
    assert "LCP" not in pressed, "the press opened no page"
    assert left["CLS"] == 0.0 and "LCP" in left
