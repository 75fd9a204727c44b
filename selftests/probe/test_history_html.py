"""``checkout-probe history --html``: in a real browser, the page shows the chart and the deploy."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserType, Request, Route, expect

from checkout_probe.checkout.browser import discover_chromium
from checkout_probe.probe.history import HistoryStore
from selftests.probe.history_rounds import bad_deploy, record, run


def test_html_page_shows_the_chart_and_the_deploy_in_a_real_browser(
    history: tuple[HistoryStore, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    browser_type: BrowserType,
) -> None:
    store, url = history
    record(store, bad_deploy())
    out = run(capsys, "--history", url, "--html", str(tmp_path / "out" / "history.html"))
    page_file = Path(out.splitlines()[-1].removeprefix("html: "))
    assert page_file == (tmp_path / "out" / "history.html").resolve()

    # Playwright's own Chromium when installed, else the system one (as the suites choose).
    chromium = discover_chromium(None, browser_type.executable_path)
    browser = browser_type.launch(headless=True, executable_path=chromium.executable_path)
    try:
        context = browser.new_context()
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))

        def refuse(route: Route, request: Request) -> None:
            route.abort()  # a self-contained page needs no network; any request fails the test

        context.route("http*://**", refuse)
        page = context.new_page()
        page.goto(page_file.as_uri())

        expect(page.get_by_role("heading", name="checkout-probe history: prod")).to_be_visible()
        expect(page.locator("p.summary"), "the verdict line is on the page").to_contain_text(
            "started on version 1.4.2 (first failures 12:20 UTC); last healthy"
        )
        chart = page.get_by_role(
            "img", name="Checkout failure rate, p95 step time and p75 web vitals"
        )
        expect(chart, "the chart has an accessible name naming the deploy").to_have_attribute(
            "aria-label",
            "Checkout failure rate, p95 step time and p75 web vitals, 8 rounds from "
            "2026-03-02 12:00 to 2026-03-02 12:35 UTC; deploys: 1.4.2 at 12:20",
        )
        rate = chart.locator("polyline.rate")
        expect(rate, "the failure-rate line is drawn").to_be_visible()
        assert len((rate.get_attribute("points") or "").split()) == 8
        expect(chart.locator("circle.round.failing")).to_have_count(3)

        marker = chart.locator('g.deploy[data-version="1.4.2"]')
        expect(marker, "the 1.4.1 → 1.4.2 deploy is marked").to_be_visible()
        expect(marker).to_have_attribute("data-from", "1.4.1")
        expect(marker.locator("text")).to_have_text("1.4.2")
        expect(marker.locator("title")).to_contain_text(
            "first seen 2026-03-02 12:20 UTC (was 1.4.1)"
        )
        # The mark sits between the last round on 1.4.1 and the first on 1.4.2.
        rounds = chart.locator("circle.round")
        last_old, first_new, line = (
            rounds.nth(3).bounding_box(),
            rounds.nth(4).bounding_box(),
            marker.locator("line").bounding_box(),
        )
        assert last_old and first_new and line
        assert last_old["x"] < line["x"] < first_new["x"]

        expect(page.locator("tbody tr")).to_have_count(8)
        expect(page.locator("tbody tr.failing")).to_have_count(3)
        assert requests == [page_file.as_uri()]
    finally:
        browser.close()
